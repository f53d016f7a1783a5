/**
 * @tern/rtp against werift 0.25.2, same inputs, same process: VP8 packetize + depacketize throughput,
 * RTP header decode and RTCP decode rates. `pnpm bench rtp`.
 */
import { readFileSync } from "node:fs";
import {
  decodeHeaderExtensionElements,
  decodeIvf,
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeHeaderExtension,
  encodeRtcpPacket,
  encodeRtpPacket,
  type RtcpPacket,
  RtpPacketizer,
  Vp8PayloadFormat,
} from "@tern/rtp";
import {
  dePacketizeRtpPackets,
  RtcpPacketConverter,
  Vp8Packetizer,
  RtpPacket as WeriftRtpPacket,
} from "werift";
import { type BenchRow, median, writeReport } from "./report.js";

/** Runs `fn` (which does `units` units of work) repeatedly for ~`ms`, 5 rounds; median units per second. */
function rate(fn: () => number, ms = 300): number {
  for (let i = 0; i < 20; i++) fn(); // warm up
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let units = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      units += fn();
      t = performance.now();
    }
    rounds.push((units * 1000) / (t - t0));
  }
  return median(rounds);
}

let sink = 0;

export default async function (): Promise<void> {
  const ivf = decodeIvf(
    new Uint8Array(readFileSync(new URL("../packages/rtp/test/vectors/clip.ivf", import.meta.url))),
  );
  if (!ivf.ok) throw new Error("fixture");
  const frames = ivf.value.frames.map((f) => Buffer.from(f.data));
  const totalBytes = frames.reduce((n, f) => n + f.length, 0);
  const rows: BenchRow[] = [];

  // 1. VP8: packetize every frame of the clip at a 1200-octet MTU, then reassemble it.
  const vp8Tern = () => {
    const p = new RtpPacketizer({
      format: new Vp8PayloadFormat({ pictureId: 1 }),
      ssrc: 1,
      payloadType: 96,
      sequenceNumber: 0,
    });
    const d = new Vp8PayloadFormat();
    frames.forEach((f, i) => {
      const r = d.depacketize(p.packetize(f, i * 6000).map((x) => x.payload));
      if (r.ok) sink += r.value.data.length;
    });
    return totalBytes / 1e6;
  };
  const vp8Werift = () => {
    const p = new Vp8Packetizer({ maxPayloadSize: 1200 - 12, sequenceNumber: 0, ssrc: 1, pictureId: 1 });
    frames.forEach((f, i) => {
      sink += dePacketizeRtpPackets("vp8", p.packetize(f, i * 6000)).data.length;
    });
    return totalBytes / 1e6;
  };
  rows.push({
    case: "VP8 packetize+depacketize (MB/s)",
    values: { tern: rate(vp8Tern), werift: rate(vp8Werift) },
  });

  // 2. RTP decode: the clip's packets with a one-byte header extension (abs-send-time-like), as wire bytes.
  const ext = encodeHeaderExtension([
    { id: 1, data: Uint8Array.of(1, 2, 3) },
    { id: 3, data: Uint8Array.of(0, 9) },
  ]);
  const packetizer = new RtpPacketizer({
    format: new Vp8PayloadFormat({ pictureId: 1 }),
    ssrc: 1,
    payloadType: 96,
    sequenceNumber: 0,
  });
  const wire = frames.flatMap((f, i) =>
    packetizer.packetize(f, i * 6000, { extension: ext }).map((p) => Buffer.from(encodeRtpPacket(p))),
  );
  const rtpTern = () => {
    for (const b of wire) {
      const r = decodeRtpPacket(b);
      if (!r.ok || !r.value.extension) continue;
      // werift splits the extension elements while decoding: do the same work.
      const e = decodeHeaderExtensionElements(r.value.extension);
      if (e.ok) sink += r.value.sequenceNumber + e.value.length;
    }
    return wire.length;
  };
  const rtpWerift = () => {
    for (const b of wire) sink += WeriftRtpPacket.deSerialize(b).header.sequenceNumber;
    return wire.length;
  };
  rows.push({ case: "RTP decode (packets/s)", values: { tern: rate(rtpTern), werift: rate(rtpWerift) } });

  // 3. RTCP decode: what a receiver gets back — SR with a report block, RR, NACK, PLI, REMB, one per datagram.
  const block = {
    ssrc: 1,
    fractionLost: 3,
    cumulativeLost: 10,
    extendedHighestSequence: 70000,
    jitter: 40,
    lastSenderReport: 0x12345678,
    delaySinceLastSenderReport: 0x1000,
  };
  const rtcp: RtcpPacket[] = [
    {
      type: "sr",
      ssrc: 1,
      senderInfo: { ntpTimestamp: 0xe1234567_89abcdefn, rtpTimestamp: 1, packetCount: 2, octetCount: 3 },
      reports: [block],
      profileExtension: new Uint8Array(0),
    },
    { type: "rr", ssrc: 2, reports: [block], profileExtension: new Uint8Array(0) },
    { type: "nack", senderSsrc: 2, mediaSsrc: 1, lost: [100, 101, 105, 130] },
    { type: "pli", senderSsrc: 2, mediaSsrc: 1 },
    { type: "remb", senderSsrc: 2, mediaSsrc: 0, bitrateBps: 1_500_000, ssrcs: [1] },
  ];
  const rtcpWire = rtcp.map((p) => Buffer.from(encodeRtcpPacket(p)));
  const rtcpTern = () => {
    for (const b of rtcpWire) {
      const r = decodeRtcpCompound(b);
      if (r.ok) sink += r.value.length;
    }
    return rtcpWire.length;
  };
  const rtcpWerift = () => {
    for (const b of rtcpWire) sink += RtcpPacketConverter.deSerialize(b).length;
    return rtcpWire.length;
  };
  rows.push({ case: "RTCP decode (packets/s)", values: { tern: rate(rtcpTern), werift: rate(rtcpWerift) } });

  writeReport({
    name: "rtp",
    unit: "per s",
    better: "higher",
    subject: "tern",
    baselines: ["werift"],
    rows,
    notes: [
      `VP8: the ${frames.length} frames (${totalBytes} octets) of test/vectors/clip.ivf, MTU 1200, objects in and out (no serialization)`,
      `RTP: ${wire.length} packets of that clip with a two-element one-byte header extension, elements split by both`,
      "RTCP: SR+1 block, RR+1 block, NACK, PLI, REMB, one per datagram (werift needs feedback alone)",
      `(sink ${sink > 0 ? "ok" : "empty"})`,
    ],
  });
}
