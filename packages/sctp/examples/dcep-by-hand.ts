/** The README's DCEP-by-hand example: two associations, DATA_CHANNEL_OPEN / ACK, a string. */
import { randomBytes } from "node:crypto";
import { decodeDcepMessage, encodeDcepMessage, encodeWebRtcMessage, Ppid, SctpAssociation } from "@tern/sctp";

const client = new SctpAssociation({ random: (n) => randomBytes(n) }); // the DTLS client: even stream ids
const server = new SctpAssociation({ random: (n) => randomBytes(n) });
const pump = (): void => {
  for (let moved = true; moved; ) {
    moved = false;
    for (let p = client.pollTransmit(); p !== undefined; p = client.pollTransmit(), moved = true)
      server.handlePacket(0, p);
    for (let p = server.pollTransmit(); p !== undefined; p = server.pollTransmit(), moved = true)
      client.handlePacket(0, p);
  }
};
client.connect(0);
server.connect(0);
pump();
const open = {
  type: "data-channel-open",
  channelType: 0,
  priority: 256,
  reliabilityParameter: 0,
  label: "chat",
  protocol: "",
} as const;
client.send(0, 0, Ppid.Dcep, encodeDcepMessage(open));
const hello = encodeWebRtcMessage("string", new TextEncoder().encode("hello"));
client.send(0, 0, hello.ppid, hello.userData); // may go before the ACK: ordered on the stream, after OPEN
pump();
for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent()) {
  if (e.kind !== "message") continue;
  if (e.ppid === Ppid.Dcep) {
    const m = decodeDcepMessage(e.data);
    console.log(m.ok && m.value); // { type: "data-channel-open", … label: "chat" }
    server.send(0, e.streamId, Ppid.Dcep, encodeDcepMessage({ type: "data-channel-ack" }));
  } else console.log(e.streamId, new TextDecoder().decode(e.data)); // 0 hello
}
pump();
for (let e = client.pollEvent(); e !== undefined; e = client.pollEvent())
  if (e.kind === "message") console.log(decodeDcepMessage(e.data)); // { ok: true, value: { type: "data-channel-ack" } }
