/**
 * `pnpm bench cc`: what congestion control costs per media packet, against the send path it rides on, and
 * the transport-wide feedback codec against werift's, each contender in a child process of its own,
 * rounds interleaved, CPU time per packet.
 *
 * - media path: what a packet costs from the sender's application to the receiver's, both ends, flat out —
 *   peer-media's Tern path (PeerConnection → SRTP AES_CM_128_HMAC_SHA1_80 → UDP on loopback → SRTP →
 *   jitter buffer, NACK bookkeeping, statistics), congestion control off.
 * - send path: the sender's share of it without sockets — `RtpSender` (@tern/peer) packetizes a 12-kB VP8
 *   frame (ten packets, MID and transport-wide sequence number extensions, retransmission history, sender
 *   statistics) and SRTP protects each packet.
 * - CC path: what congestion control adds per packet, both ends, with the classes the media session runs
 *   (`CongestionController` on each side): the sender writes the transport-wide sequence number into the
 *   packet in place, records it and tells the estimator; the receiver reads the number off the decoded
 *   header and records the arrival; every k packets the receiver's feedback is encoded and decoded, the
 *   sender matches it to its records and the estimator runs (inter-arrival, trendline, detector, AIMD,
 *   loss, ALR, probes). k = 10 (feedback every 100 ms at about 1 Mbit/s) and k = 50 (every 50 ms at about
 *   10 Mbit/s); arrivals 20 ms after sending with a few ms of jitter, 1 packet in 100 lost.
 * - TWCC codec: one 50-packet feedback packet (runs, one- and two-bit vectors, small and large deltas)
 *   encoded and decoded, per packet reported; werift's TransportWideCC on the same content.
 */
import { fileURLToPath } from "node:url";
import { SrtpContext } from "@tern/dtls-srtp";
import { CongestionController, type PacedSendSide, RtpSender } from "@tern/peer";
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeRtcpPacket,
  encodeTransportWideFeedback,
  extensionElementOffset,
  PacketStatus,
  type PacketStatusSymbol,
  type RtpPacket,
  type TransportWideFeedback,
} from "@tern/rtp";
import { RtcpPacketConverter, RtcpTransportLayerFeedback } from "werift";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";
import { flatOut, ternPath } from "./media/media-path.js";

const ROUNDS = quick() ? 3 : 7;
const ROUND_CPU_MS = 300;
const CONTENDERS = ["tern", "werift"] as const;
type Contender = (typeof CONTENDERS)[number];
const CASES = ["media-path", "send-path", "cc-10", "cc-50", "twcc-codec"] as const;
type Case = (typeof CASES)[number];
/** The contenders each case has. */
const HAS: Record<Case, readonly Contender[]> = {
  "media-path": ["tern"],
  "send-path": ["tern"],
  "cc-10": ["tern"],
  "cc-50": ["tern"],
  "twcc-codec": ["tern", "werift"],
};

const MID_ID = 4;
const TWCC_ID = 3;
let sink = 0;

const keys = { masterKey: new Uint8Array(16).fill(7), masterSalt: new Uint8Array(14).fill(9) };

function sender(): RtpSender {
  let r = 1;
  return new RtpSender(
    {
      mid: "0",
      kind: "video",
      ssrc: 0x1234,
      codec: "VP8",
      payloadType: 96,
      clockRate: 90000,
      rtx: { ssrc: 0x1235, payloadType: 97 },
      midExtensionId: MID_ID,
      transportCcExtensionId: TWCC_ID,
      maxPacketBytes: 1200,
    },
    (n) =>
      new Uint8Array(n).map(() => {
        r = (r * 1103515245 + 12345) & 0xff;
        return r;
      }),
  );
}

/** A 12-kB frame starting as a VP8 interframe (the payload format reads only its first octets). */
const FRAME = new Uint8Array(12_000).fill(0x5a);
FRAME[0] = 0x31;

/** The send path: packets per round (one frame, ten packets); returns packets done. */
function sendPath(): () => number {
  const s = sender();
  const srtp = SrtpContext.fromMasterKeys("SRTP_AES128_CM_HMAC_SHA1_80", { local: keys, remote: keys });
  let ts = 0;
  let now = 0;
  let packets = 0;
  const protect = (rtp: Uint8Array): void => {
    sink += srtp.protect(rtp).length;
    packets++;
  };
  return () => {
    packets = 0;
    now += 33;
    ts += 3000;
    s.packetizeFrame(now, FRAME, ts, protect);
    return packets;
  };
}

/** The receiver's pump drives no pacer here (it sends no media). */
const PUMP_TARGET: PacedSendSide = {
  startProbe: () => undefined,
  setPacingRate: () => undefined,
  pollDroppedFrame: () => undefined,
};

/** The CC path, both ends, feedback every `k` packets. */
function ccPath(k: number): () => number {
  const s = sender();
  const frames: Uint8Array[] = [];
  s.packetizeFrame(0, FRAME, 0, (rtp) => frames.push(rtp.slice()));
  // The receiver's view of each packet: decoded once (its extension is a view of the same bytes).
  const decoded = frames.map((f) => {
    const d = decodeRtpPacket(f);
    if (!d.ok) throw new Error(d.error.code);
    return d.value;
  });
  let feedback: TransportWideFeedback | undefined;
  const none = (): void => undefined;
  const senderCc = new CongestionController(
    1,
    { maxBitrateBps: 20_000_000 },
    { feedback: none, estimate: none, keyframeNeeded: none },
  );
  const receiverCc = new CongestionController(
    2,
    {},
    {
      feedback: (f) => {
        feedback = f;
      },
      estimate: none,
      keyframeNeeded: none,
    },
  );
  for (const cc of [senderCc, receiverCc]) cc.configure(TWCC_ID, [{ mid: "0", kind: "video" }]);
  senderCc.start(0);
  let now = 0;
  let n = 0;
  return () => {
    for (let i = 0; i < 100; i++) {
      const j = n % frames.length;
      const rtp = frames[j] as Uint8Array;
      n++;
      now += 1;
      // sender: the number written in place as the packet leaves (media-send-path.ts), recorded
      const at = extensionElementOffset(rtp, TWCC_ID);
      const seq = senderCc.allocateTransportSequence();
      rtp[at] = seq >>> 8;
      rtp[at + 1] = seq & 0xff;
      senderCc.handleSent(now, seq, rtp.length + 10, -1);
      // receiver: every packet but 1 in 100 arrives (media-session.ts hands it the decoded packet)
      if (n % 100 !== 37) receiverCc.handleRtp(now + 20 + (n % 7), decoded[j] as RtpPacket, rtp.length + 10);
      if (n % k === 0) {
        receiverCc.handleTimeout(receiverCc.pollTimeout() ?? now + 20);
        receiverCc.pump(now + 20, PUMP_TARGET);
        if (feedback) {
          const wire = decodeRtcpCompound(encodeRtcpPacket(feedback));
          if (!wire.ok) throw new Error(wire.error.code);
          senderCc.handleTransportFeedback(now + 40, wire.value[0] as TransportWideFeedback);
          feedback = undefined;
        }
        const t = senderCc.pollTimeout();
        if (t !== undefined && t <= now) senderCc.handleTimeout(now);
      }
    }
    sink += senderCc.estimator.targetBitrateBps;
    return 100;
  };
}

/** One 50-packet feedback: 20 received, 3 lost, 12 mixed with a late (large, negative) delta, 15 received. */
function feedback(): TransportWideFeedback {
  const S = PacketStatus.SmallDelta;
  const L = PacketStatus.LargeDelta;
  const N = PacketStatus.NotReceived;
  const statuses: PacketStatusSymbol[] = [
    ...Array<PacketStatusSymbol>(20).fill(S),
    N,
    N,
    N,
    S,
    N,
    S,
    S,
    L,
    S,
    S,
    N,
    S,
    S,
    L,
    S,
    ...Array<PacketStatusSymbol>(15).fill(S),
  ];
  const deltas = statuses.flatMap((x, i) =>
    x === S ? [(i * 7) % 200] : x === L ? [i % 2 ? -400 : 2000] : [],
  );
  return {
    type: "twcc",
    senderSsrc: 1,
    mediaSsrc: 2,
    baseSequenceNumber: 65500,
    referenceTime: 1234,
    feedbackPacketCount: 7,
    statuses,
    deltas,
  };
}

function codec(who: Contender): () => number {
  const fb = feedback();
  const bytes = encodeTransportWideFeedback(fb);
  if (who === "tern")
    return () => {
      const r = decodeRtcpCompound(encodeTransportWideFeedback(fb));
      if (r.ok) sink += r.value.length;
      return fb.statuses.length;
    };
  const [w] = RtcpPacketConverter.deSerialize(Buffer.from(bytes));
  if (!(w instanceof RtcpTransportLayerFeedback)) throw new Error("werift did not read the feedback");
  return () => {
    const again = RtcpPacketConverter.deSerialize(w.serialize());
    sink += again.length;
    return fb.statuses.length;
  };
}

function work(who: Contender, c: Case): () => number {
  if (c === "twcc-codec") return codec(who);
  if (who !== "tern") throw new Error(`${who} has no ${c}`);
  if (c === "send-path") return sendPath();
  return ccPath(c === "cc-10" ? 10 : 50);
}

/** The media path, both ends, flat out for 1 s per round on a fresh Tern pair: CPU µs per packet received. */
async function mediaPath(): Promise<number> {
  const p = await ternPath("SRTP_AES128_CM_HMAC_SHA1_80");
  try {
    const o = await flatOut(p, quick() ? 0.5 : 1);
    return 1e6 / o.perCpuSecond;
  } finally {
    await p.close();
  }
}

function stackCommands(who: Contender) {
  return {
    /** CPU µs per packet of `case`, over about ROUND_CPU_MS of CPU. */
    round: async (arg: unknown): Promise<number | undefined> => {
      const c = arg as Case;
      if (!HAS[c].includes(who)) return undefined;
      if (c === "media-path") return mediaPath();
      const f = work(who, c);
      for (let i = 0; i < 20; i++) f();
      let units = 0;
      const c0 = process.cpuUsage();
      let used = 0;
      while (used < ROUND_CPU_MS * 1000) {
        units += f();
        const u = process.cpuUsage(c0);
        used = u.user + u.system;
      }
      if (sink === 0) throw new Error("nothing done");
      return used / units;
    },
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const script = fileURLToPath(import.meta.url);
  const procs = CONTENDERS.map((c) => new StackProcess(script, c));
  const labels: Record<Case, string> = {
    "media-path": "media path, both ends: PeerConnection → SRTP → UDP → SRTP → receiver (µs per packet)",
    "send-path": "send path: VP8 packetize + history + stats + SRTP protect (µs per packet)",
    "cc-10": "CC path, both ends, feedback every 10 packets (~1 Mbit/s) (µs per packet)",
    "cc-50": "CC path, both ends, feedback every 50 packets (~10 Mbit/s) (µs per packet)",
    "twcc-codec": "TWCC feedback encode + decode (µs per packet reported)",
  };
  const rows: BenchRow[] = [];
  const medians: Partial<Record<Case, number>> = {};
  try {
    for (const c of CASES) {
      const r = await interleavedRounds<number | undefined>(procs, {
        warmUp: 1,
        rounds: ROUNDS,
        command: "round",
        arg: c,
      });
      const values = Object.fromEntries(
        HAS[c].map((n) => [n, spread((r[n] ?? []).filter((x): x is number => x !== undefined))]),
      );
      medians[c] = values.tern?.median;
      rows.push({ case: labels[c], values, ...(c === "cc-10" ? { headline: true } : {}) });
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  const share = (c: Case, of: Case): string => {
    const cc = medians[c];
    const base = medians[of];
    return cc === undefined || base === undefined ? "—" : `${((100 * cc) / base).toFixed(1)} %`;
  };
  writeReport(
    {
      name: "cc",
      title: "congestion control's CPU per packet (both ends) against the send path; TWCC codec vs werift",
      unit: "µs per packet",
      better: "lower",
      subject: "tern",
      baselines: ["werift"],
      rows,
      config: {
        tern: {
          sendPath:
            "RtpSender.packetizeFrame (VP8, MID + TWCC extensions, RTX history) + SrtpContext.protect AES_CM_80",
          mediaPath:
            "bench/media/media-path.ts ternPath, AES_CM_80, congestion control off, flatOut 1 s per round",
          ccPath:
            "sender: extensionElementOffset + CongestionController.allocateTransportSequence/handleSent; receiver: CongestionController.handleRtp; per feedback: receiver handleTimeout + pump, encode, decode, sender handleTransportFeedback",
          twccCodec: "encodeTransportWideFeedback + decodeRtcpCompound",
          feedbackPackets: 50,
        },
        werift: {
          twccCodec: "TransportWideCC serialize + RtcpPacketConverter.deSerialize",
          feedbackPackets: 50,
        },
      },
      method: {
        rounds: ROUNDS,
        warmUpRounds: 1,
        roundCpuMs: ROUND_CPU_MS,
        processes: "one child process per contender, rounds interleaved",
      },
      notes: [
        `CC's share of the media path (both ends): ${share("cc-10", "media-path")} with feedback every 10 packets, ${share("cc-50", "media-path")} every 50 (goal: under 5 %).`,
        `Against the sender's packetization and SRTP alone (no sockets, no receive side): ${share("cc-10", "send-path")} and ${share("cc-50", "send-path")} — an upper bound, the CC path counting both ends.`,
        "Not in the CC path: the pacer's queue (a copy of each packet while it waits, when a rate is set) and, for an application's ready RTP packets (writeRtp), adding the extension element to each.",
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
