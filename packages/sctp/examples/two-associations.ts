/**
 * Two associations wired back to back in one process (what DTLS does between two peers):
 * `node --conditions=tern-source --import tsx packages/sctp/examples/two-associations.ts`
 */
import { randomBytes } from "node:crypto";
import { Ppid, SctpAssociation } from "@tern/sctp";

const a = new SctpAssociation({ random: (n) => randomBytes(n) });
const b = new SctpAssociation({ random: (n) => randomBytes(n) });
const now = 0;
/** Carries packets both ways until neither side has anything to send. */
function pump(): void {
  for (let moved = true; moved; ) {
    moved = false;
    for (let p = a.pollTransmit(); p !== undefined; p = a.pollTransmit()) {
      b.handlePacket(now, p);
      moved = true;
    }
    for (let p = b.pollTransmit(); p !== undefined; p = b.pollTransmit()) {
      a.handlePacket(now, p);
      moved = true;
    }
  }
}

a.connect(now); // both WebRTC peers call connect: the INIT collision is the normal case
b.connect(now);
pump();
a.send(now, 1, Ppid.String, new TextEncoder().encode("hello"));
pump();
for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent()) {
  if (e.kind === "connected")
    console.log("connected, I-DATA:", e.iData, "zero checksum:", e.zeroChecksumSend);
  if (e.kind === "message")
    console.log("stream", e.streamId, "ppid", e.ppid, new TextDecoder().decode(e.data));
}
