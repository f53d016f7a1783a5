/** The README's Node data-channel example: an 8 MiB file with bufferedAmount flow control, checked by SHA-256. */
import { createHash, randomBytes } from "node:crypto";
import { PeerConnection } from "@tern/peer";

const a = new PeerConnection({ iceAddresses: ["127.0.0.1"] });
const b = new PeerConnection({ iceAddresses: ["127.0.0.1"] });
a.on("icecandidate", ({ candidate }) => void b.addIceCandidate(candidate));
b.on("icecandidate", ({ candidate }) => void a.addIceCandidate(candidate));
const file = randomBytes(8 << 20);
const channel = a.createDataChannel("file");
channel.bufferedAmountLowThreshold = 256 << 10;
let offset = 0;
const pump = (): void => {
  while (offset < file.length && channel.bufferedAmount < 1 << 20) {
    channel.send(file.subarray(offset, offset + 65536)); // kept without a copy: not changed afterwards
    offset += 65536;
  }
};
channel.on("open", pump);
channel.on("bufferedamountlow", pump);
const received = new Promise<string>((resolve) => {
  b.on("datachannel", ({ channel: incoming }) => {
    const hash = createHash("sha256");
    let bytes = 0;
    incoming.on("message", (m) => {
      if (typeof m === "string") return;
      hash.update(m); // a view: copy it to keep it
      bytes += m.length;
      if (bytes === file.length) resolve(hash.digest("hex"));
    });
  });
});
await a.setLocalDescription();
await b.setRemoteDescription(a.localDescription!);
await b.setLocalDescription();
await a.setRemoteDescription(b.localDescription!);
const sha256 = await received;
console.log(sha256 === createHash("sha256").update(file).digest("hex")); // true
await Promise.all([a.close(), b.close()]);
