/**
 * `pnpm bench rtp`: @tern/rtp against werift 0.25.2 on the same inputs, each in a child process of its
 * own, rounds interleaved: VP8 packetize + depacketize throughput, RTP header decode and RTCP decode rates,
 * in units per CPU-second.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
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
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

const ROUNDS = quick() ? 3 : 7;
const ROUND_CPU_MS = 300;
const CONTENDERS = ["tern", "werift"] as const;
type Contender = (typeof CONTENDERS)[number];

let sink = 0;

function inputs() {
  const ivf = decodeIvf(
    new Uint8Array(readFileSync(new URL("../packages/rtp/test/vectors/clip.ivf", import.meta.url))),
  );
  if (!ivf.ok) throw new Error("fixture");
  const frames = ivf.value.frames.map((f) => Buffer.from(f.data));
  const totalBytes = frames.reduce((n, f) => n + f.length, 0);
  // The clip's packets with a two-element one-byte header extension (abs-send-time-like), as wire bytes.
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
  // What a receiver gets back: SR with a report block, RR, NACK, PLI, REMB, one per datagram.
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
  return { frames, totalBytes, wire, rtcpWire: rtcp.map((p) => Buffer.from(encodeRtcpPacket(p))) };
}

type Inputs = ReturnType<typeof inputs>;
const CASES = ["vp8", "rtp", "rtcp"] as const;
type Case = (typeof CASES)[number];

/** One call's work and how many units it did. */
function work(who: Contender, c: Case, x: Inputs): () => number {
  if (c === "vp8") {
    // packetize every frame of the clip at a 1200-octet MTU, then reassemble it (objects in and out)
    if (who === "tern")
      return () => {
        const p = new RtpPacketizer({
          format: new Vp8PayloadFormat({ pictureId: 1 }),
          ssrc: 1,
          payloadType: 96,
          sequenceNumber: 0,
        });
        const d = new Vp8PayloadFormat();
        x.frames.forEach((f, i) => {
          const r = d.depacketize(p.packetize(f, i * 6000).map((y) => y.payload));
          if (r.ok) sink += r.value.data.length;
        });
        return x.totalBytes / 1e6;
      };
    return () => {
      const p = new Vp8Packetizer({ maxPayloadSize: 1200 - 12, sequenceNumber: 0, ssrc: 1, pictureId: 1 });
      x.frames.forEach((f, i) => {
        sink += dePacketizeRtpPackets("vp8", p.packetize(f, i * 6000)).data.length;
      });
      return x.totalBytes / 1e6;
    };
  }
  if (c === "rtp") {
    if (who === "tern")
      return () => {
        for (const b of x.wire) {
          const r = decodeRtpPacket(b);
          if (!r.ok || !r.value.extension) continue;
          // werift splits the extension elements while decoding: do the same work.
          const e = decodeHeaderExtensionElements(r.value.extension);
          if (e.ok) sink += r.value.sequenceNumber + e.value.length;
        }
        return x.wire.length;
      };
    return () => {
      for (const b of x.wire) sink += WeriftRtpPacket.deSerialize(b).header.sequenceNumber;
      return x.wire.length;
    };
  }
  if (who === "tern")
    return () => {
      for (const b of x.rtcpWire) {
        const r = decodeRtcpCompound(b);
        if (r.ok) sink += r.value.length;
      }
      return x.rtcpWire.length;
    };
  return () => {
    for (const b of x.rtcpWire) sink += RtcpPacketConverter.deSerialize(b).length;
    return x.rtcpWire.length;
  };
}

function stackCommands(who: Contender) {
  const x = inputs();
  return {
    /** Units of `case` per CPU-second, over about ROUND_CPU_MS of CPU. */
    round: (arg: unknown): number => {
      const f = work(who, arg as Case, x);
      for (let i = 0; i < 5; i++) f();
      let units = 0;
      const c0 = process.cpuUsage();
      let used = 0;
      while (used < ROUND_CPU_MS * 1000) {
        units += f();
        const c = process.cpuUsage(c0);
        used = c.user + c.system;
      }
      if (sink === 0) throw new Error("nothing decoded");
      return (units * 1e6) / used;
    },
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const x = inputs();
  const script = fileURLToPath(import.meta.url);
  const procs = CONTENDERS.map((c) => new StackProcess(script, c));
  const labels: Record<Case, string> = {
    vp8: "VP8 packetize + depacketize (MB per CPU-s)",
    rtp: "RTP decode with header extension elements (packets per CPU-s)",
    rtcp: "RTCP decode (packets per CPU-s)",
  };
  const rows: BenchRow[] = [];
  try {
    for (const c of CASES) {
      const r = await interleavedRounds<number>(procs, {
        warmUp: 1,
        rounds: ROUNDS,
        command: "round",
        arg: c,
      });
      rows.push({
        case: labels[c],
        values: Object.fromEntries(CONTENDERS.map((n) => [n, spread(r[n] ?? [])])),
        ...(c === "vp8" ? { headline: true } : {}),
      });
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  writeReport(
    {
      name: "rtp",
      title: "VP8 packetize + depacketize, RTP and RTCP decode, per CPU-second, same inputs",
      unit: "per CPU-s",
      better: "higher",
      subject: "tern",
      baselines: ["werift"],
      rows,
      config: {
        tern: {
          vp8: "RtpPacketizer + Vp8PayloadFormat.depacketize",
          rtp: "decodeRtpPacket + decodeHeaderExtensionElements",
          rtcp: "decodeRtcpCompound",
        },
        werift: {
          vp8: "Vp8Packetizer + dePacketizeRtpPackets",
          rtp: "RtpPacket.deSerialize",
          rtcp: "RtcpPacketConverter.deSerialize",
        },
      },
      method: {
        rounds: ROUNDS,
        warmUpRounds: 1,
        roundCpuMs: ROUND_CPU_MS,
        processes: "one child process per contender, rounds interleaved",
      },
      notes: [
        `VP8: the ${x.frames.length} frames (${x.totalBytes} octets) of packages/rtp/test/vectors/clip.ivf, MTU 1200, objects in and out (no serialization).`,
        `RTP: ${x.wire.length} packets of that clip with a two-element one-byte header extension, elements split by both.`,
        "RTCP: SR+1 block, RR+1 block, NACK, PLI, REMB, one per datagram (werift needs feedback alone).",
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name) => {
    if (!(CONTENDERS as readonly string[]).includes(name)) throw new Error(`no contender ${name}`);
    return stackCommands(name as Contender);
  },
});
