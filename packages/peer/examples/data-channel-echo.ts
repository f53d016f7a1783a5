/** The README's W3C data-channel example: two RTCPeerConnections on loopback, a channel, an echo. */
import { RTCPeerConnection } from "@tern/peer/w3c";

const a = new RTCPeerConnection({ iceAddresses: ["127.0.0.1"] });
const b = new RTCPeerConnection({ iceAddresses: ["127.0.0.1"] });
a.onicecandidate = ({ candidate }) => void b.addIceCandidate(candidate);
b.onicecandidate = ({ candidate }) => void a.addIceCandidate(candidate);
const chat = a.createDataChannel("chat"); // the offer now carries a data m= section
const got = new Promise<string>((resolve) => {
  b.ondatachannel = ({ channel }) => {
    channel.onmessage = ({ data }) => {
      channel.send(`echo: ${data}`);
    };
  };
  chat.onmessage = ({ data }) => resolve(String(data));
});
chat.onopen = () => chat.send("hello");
await a.setLocalDescription();
await b.setRemoteDescription(a.localDescription!);
await b.setLocalDescription();
await a.setRemoteDescription(b.localDescription!);
console.log(await got, a.sctp?.maxMessageSize); // echo: hello 262144
a.close();
b.close();
