/**
 * Reads an IVF (VP8) file, sends it as RTP over a lossy in-memory "network" with NACK/RTX repair, and
 * writes what the receiver reassembled to a new IVF file. Its input by default is `clip.ivf` beside it (a
 * copy of test/vectors/clip.ivf: 1 s of VP8, 160×120 at 15 fps; see test/vectors/README.md).
 *
 *   npx tsx node_modules/@tern/rtp/examples/ivf-over-rtp.ts [in.ivf] [out.ivf]     (installed)
 *   node --conditions=tern-source --import tsx packages/rtp/examples/ivf-over-rtp.ts  (in the repository)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeIvf,
  decodeRtcpCompound,
  decodeRtpPacket,
  decodeRtxPacket,
  encodeIvf,
  encodeRtcpPacket,
  encodeRtpPacket,
  type IvfFrame,
  ivfTimestampToRtp,
  JitterBuffer,
  NackGenerator,
  RetransmissionHistory,
  RtpPacketizer,
  rtpToIvfTimestamp,
  Vp8PayloadFormat,
} from "@tern/rtp";

const input = process.argv[2] ?? new URL("./clip.ivf", import.meta.url).pathname;
const output = process.argv[3] ?? join(tmpdir(), "tern-rtp-example.ivf");

const file = decodeIvf(new Uint8Array(readFileSync(input)));
if (!file.ok) throw new Error(`not an IVF file: ${file.error.code} at ${file.error.at}`);
const { header, frames } = file.value;

// Sender: packetizer + retransmission history answering NACKs with RTX (RFC 4588).
const packetizer = new RtpPacketizer({
  format: new Vp8PayloadFormat({ pictureId: 0 }),
  ssrc: 0x1111,
  payloadType: 96,
  sequenceNumber: 1000,
  maxPacketBytes: 400,
});
const history = new RetransmissionHistory({ rtx: { ssrc: 0x2222, payloadType: 97, sequenceNumber: 0 } });

// Receiver: NACK generator + jitter buffer (both sans-IO: we pass the time in).
const nack = new NackGenerator();
const jitter = new JitterBuffer({ format: new Vp8PayloadFormat() });
const received: IvfFrame[] = [];

function receive(now: number, datagram: Uint8Array): void {
  const r = decodeRtpPacket(datagram);
  if (!r.ok) return;
  const packet = r.value.ssrc === 0x2222 ? decodeRtxPacket(r.value, { ssrc: 0x1111, payloadType: 96 }) : r;
  if (!packet.ok) return;
  nack.handlePacket(now, packet.value.sequenceNumber);
  jitter.handlePacket(now, packet.value);
  for (let f = jitter.pollFrame(); f; f = jitter.pollFrame()) {
    received.push({ timestamp: rtpToIvfTimestamp(header, f.rtpTimestamp), data: f.frame.data });
  }
  for (let e = nack.pollEvent(); e; e = nack.pollEvent()) {
    if (e.kind !== "nack") continue;
    // The NACK travels back as RTCP (RFC 4585 §6.2.1); the sender answers from its history.
    const rtcp = decodeRtcpCompound(
      encodeRtcpPacket({ type: "nack", senderSsrc: 0x3333, mediaSsrc: 0x1111, lost: e.lost }),
    );
    if (!rtcp.ok) continue;
    for (const p of rtcp.value) if (p.type === "nack") history.handleNack(now, p.lost);
    for (let rtx = history.pollTransmit(); rtx; rtx = history.pollTransmit())
      receive(now, encodeRtpPacket(rtx));
  }
}

let now = 0;
let dropped = 0;
frames.forEach((frame, i) => {
  now = i * 66;
  for (const p of packetizer.packetize(frame.data, ivfTimestampToRtp(header, frame.timestamp))) {
    history.handleSent(now, p);
    if (p.sequenceNumber % 7 === 3) {
      dropped++; // lost on the way
      continue;
    }
    receive(now, encodeRtpPacket(p));
  }
});

writeFileSync(output, encodeIvf({ header, frames: received }));
const identical =
  received.length === frames.length &&
  received.every((f, i) => Buffer.compare(f.data, frames[i]?.data ?? new Uint8Array()) === 0);
console.log(
  `${frames.length} frames sent, ${dropped} packets lost, ${history.counters.retransmitted} repaired by RTX`,
);
console.log(`${received.length} frames received, identical: ${identical}, written to ${output}`);
