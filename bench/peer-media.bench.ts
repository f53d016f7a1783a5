/**
 * `pnpm bench peer-media`: RTP packets per second from one peer to another over loopback, flat out,
 * Tern against werift, with plain node:dgram (the ceiling) and node:dgram + Tern's SRTP alone (the floor
 * under any one-thread pipeline), both SRTP profiles for each (AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM,
 * forced on both ends), interleaved rounds; every (contender, profile, round) runs in a fresh child process
 * that warms up on its own pair first (see `measure`).
 *
 * Equal work: every contender gets the same 1212-byte RTP packet as wire bytes and parses it with its own
 * decoder (see media/media-path.ts); the profile each pair negotiated, the size of a received packet and
 * its header extensions are read back from the running stacks, and a row is dropped for a contender whose
 * configuration differs from Tern's. wrtc (libwebrtc) has no RTP-level API: it is measured through its
 * RTCVideoSource/RTCVideoSink (VP8 encode and decode included) and shown beside the rows, not in them.
 */
import { fileURLToPath } from "node:url";
import { startStunServer } from "@tern/ice";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, configMismatches, writeReport } from "./harness/report.js";
import { median, spread } from "./harness/spread.js";
import { benchEntry, quick, StackProcess } from "./harness/stack-process.js";
import {
  dgramPath,
  dgramSrtpPath,
  flatOut,
  type MediaPath,
  type Outcome,
  ternPath,
} from "./media/media-path.js";
import { weriftPath } from "./media/werift-media-path.js";
import { type WrtcMediaOutcome, wrtcVideoRound } from "./media/wrtc-media-path.js";
import type { SrtpProfileName } from "./peers/pair-options.js";

const CONTENDERS = ["tern", "werift", "node:dgram", "node:dgram + SRTP"] as const;
type Contender = (typeof CONTENDERS)[number];
const PROCESS = {
  tern: "tern",
  werift: "werift",
  "node:dgram": "dgram",
  "node:dgram + SRTP": "dgram-srtp",
} as const;
const PROFILES: readonly { readonly name: SrtpProfileName; readonly label: string }[] = [
  { name: "SRTP_AES128_CM_HMAC_SHA1_80", label: "AES_CM_80" },
  { name: "SRTP_AEAD_AES_128_GCM", label: "GCM" },
];
const ROUNDS = quick() ? 3 : 6;
const ROUND_SECONDS = Number(process.env.MEDIA_ROUND_SECONDS ?? (quick() ? 0.6 : 1));
/** Flat out on a pair of its own before the measured pair, in every process (module loading and JIT). */
const WARM_SECONDS = quick() ? 0.5 : 1;
const BURST = 32;
const WRTC_SECONDS = quick() ? 2 : 4;

interface RoundArg {
  readonly profile: SrtpProfileName;
  readonly seconds: number;
}
interface RoundResult extends Outcome {
  readonly config: Readonly<Record<string, unknown>>;
}

function makePath(who: string, profile: SrtpProfileName, stunUrl: string): Promise<MediaPath> {
  if (who === "tern") return ternPath(profile);
  if (who === "werift") return weriftPath(profile, stunUrl);
  if (who === "dgram") return dgramPath();
  return dgramSrtpPath(profile);
}

function stackCommands(who: string, stunUrl: string) {
  return {
    round: async (arg: unknown): Promise<RoundResult> => {
      const { profile, seconds } = arg as RoundArg;
      const p = await makePath(who, profile, stunUrl);
      try {
        const o = await flatOut(p, seconds, BURST);
        return { ...o, config: p.config() };
      } finally {
        await p.close();
      }
    },
    wrtc: (arg: unknown): Promise<WrtcMediaOutcome> => wrtcVideoRound(Number(arg)),
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const stunUrl = `stun:127.0.0.1:${stun.address.port}`;
  const script = fileURLToPath(import.meta.url);
  const runs: Record<string, RoundResult[]> = {};
  const key = (c: Contender, p: SrtpProfileName) => `${c} ${p}`;
  let wrtcRuns: WrtcMediaOutcome[] = [];
  const wrtcErrors: string[] = [];
  /**
   * One measured round in a process of its own: a warm-up pair first (not kept), then a fresh pair. A
   * process kept over rounds and profiles carried its JIT state from one profile into the other (the
   * shared SRTP and pipeline code was compiled for whichever ran first), and one process's luck decided
   * every round of a run; fresh processes make the rounds independent samples.
   */
  const measure = async (c: Contender, profile: SrtpProfileName): Promise<RoundResult> => {
    const p = new StackProcess(script, PROCESS[c], [stunUrl]);
    try {
      await p.call("round", { profile, seconds: WARM_SECONDS } satisfies RoundArg);
      return await p.call<RoundResult>("round", { profile, seconds: ROUND_SECONDS } satisfies RoundArg);
    } finally {
      await p.stop();
    }
  };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const profile of PROFILES) {
        for (let i = 0; i < CONTENDERS.length; i++) {
          const c = CONTENDERS[(round + i) % CONTENDERS.length] as Contender;
          const r = await measure(c, profile.name);
          runs[key(c, profile.name)] = [...(runs[key(c, profile.name)] ?? []), r];
        }
      }
    }
    const wrtcProc = new StackProcess(script, "wrtc", [stunUrl]);
    try {
      for (let i = 0; i < 2; i++) wrtcRuns.push(await wrtcProc.call<WrtcMediaOutcome>("wrtc", WRTC_SECONDS));
    } catch (e) {
      wrtcErrors.push(e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e));
      wrtcRuns = [];
    } finally {
      await wrtcProc.stop();
    }
  } finally {
    await stun.close();
  }

  const rows: BenchRow[] = [];
  const config: Record<string, Record<string, unknown>> = {};
  const notes: string[] = [];
  const goals: Record<string, unknown> = {};
  for (const profile of PROFILES) {
    const cfg = Object.fromEntries(
      CONTENDERS.map((c) => [c, runs[key(c, profile.name)]?.at(-1)?.config ?? {}]),
    ) as Record<Contender, Readonly<Record<string, unknown>>>;
    for (const c of CONTENDERS) config[c] = { ...config[c], [profile.label]: cfg[c] };
    // Equal work, checked: SRTP profile and what arrived (size, extensions) against Tern's.
    const bad = configMismatches(
      { tern: cfg.tern, werift: cfg.werift, "node:dgram + SRTP": cfg["node:dgram + SRTP"] },
      "tern",
      ["srtpProfile", "rtpBytes", "extension"],
    );
    const dropped = new Set(bad.map((b) => b.who));
    for (const b of bad) notes.push(`${profile.label}: ${b.who} dropped from the rows, ${b.why}`);
    const values = (f: (o: Outcome) => number) =>
      Object.fromEntries(
        CONTENDERS.filter((c) => !dropped.has(c)).map((c) => [
          c,
          spread((runs[key(c, profile.name)] ?? []).map(f)),
        ]),
      );
    rows.push({
      case: `received/s flat out, ${profile.label}`,
      values: values((o) => o.rate),
      headline: profile === PROFILES[0],
    });
    rows.push({
      case: `packets per CPU-second (sender + receiver), ${profile.label}`,
      values: values((o) => o.perCpuSecond),
    });
    rows.push({
      case: `lost, ${profile.label}`,
      unit: "% of sent",
      better: "lower",
      values: values((o) => (100 * (o.sent - o.received)) / Math.max(1, o.sent)),
    });
    // The one-thread goal: Tern / floor, round by round (adjacent in time), then the spread of those.
    const t = runs[key("tern", profile.name)] ?? [];
    const f = runs[key("node:dgram + SRTP", profile.name)] ?? [];
    const d = runs[key("node:dgram", profile.name)] ?? [];
    const ofFloor = spread(t.map((x, i) => (100 * x.rate) / (f[i]?.rate ?? Number.NaN)));
    const ofFloorCpu = spread(t.map((x, i) => (100 * x.perCpuSecond) / (f[i]?.perCpuSecond ?? Number.NaN)));
    const ofDgram = spread(t.map((x, i) => (100 * x.rate) / (d[i]?.rate ?? Number.NaN)));
    goals[profile.label] = {
      ternPercentOfFloorRate: ofFloor,
      ternPercentOfFloorPerCpu: ofFloorCpu,
      ternPercentOfDgramRate: ofDgram,
    };
    notes.push(
      `${profile.label}: Tern = ${ofFloor.median.toFixed(0)} % (${ofFloor.min.toFixed(0)}–${ofFloor.max.toFixed(0)}) of the floor's received/s round by round, ${ofFloorCpu.median.toFixed(0)} % of its packets per CPU-second, ${ofDgram.median.toFixed(0)} % of plain node:dgram (goal ≥ 90 % of the floor).`,
    );
  }
  if (wrtcRuns.length > 0) {
    config.wrtc = {
      ...(wrtcRuns[0]?.config ?? {}),
      notCompared: "no RTP-level API; VP8 encode + decode in every packet",
    };
    notes.push(
      `wrtc → wrtc through RTCVideoSource/Sink (not equal work, no ratio): ${Math.round(median(wrtcRuns.map((w) => w.packetsPerSecond)))} RTP packets/s received at ${(median(wrtcRuns.map((w) => w.bitsPerSecond)) / 1e6).toFixed(1)} Mbit/s (libwebrtc paces to its bandwidth estimate), ${Math.round(median(wrtcRuns.map((w) => w.packetsPerCpuSecond)))} packets per CPU-second with its encoder and decoder, ${median(wrtcRuns.map((w) => w.framesDecodedPerSecond)).toFixed(0)} frames decoded/s.`,
    );
  } else notes.push(`wrtc media not measured: ${wrtcErrors.join("; ")}`);
  writeReport(
    {
      name: "peer-media",
      title:
        "RTP packets/s one peer sends another over loopback, flat out, same 1212-byte input bytes, both SRTP profiles on each",
      unit: "packets/s",
      better: "higher",
      subject: "tern",
      baselines: ["werift", "node:dgram", "node:dgram + SRTP"],
      rows,
      config,
      method: {
        rounds: ROUNDS,
        roundSeconds: ROUND_SECONDS,
        burst: `${BURST} sends, then setImmediate (the receiving socket is read between bursts)`,
        warmSeconds: WARM_SECONDS,
        processes:
          "a fresh child process per (contender, profile, round), sender and receiver of a pair in it: a warm-up pair, then the measured pair",
        input:
          "the same 1212-byte RTP packet as a Buffer, new seq and timestamp written in per send; each stack parses it",
        tern: "decodeRtpPacket → LocalTrack.writeRtp → SRTP → ICE → RemoteTrack 'rtp' (jitter buffer, NACK, stats and frame events run as always)",
        werift:
          "RTCRtpSender.sendRtp(Buffer) (parses, rewrites SSRC/PT/seq) → SRTP → ICE → track.onReceiveRtp",
        floor: "node:dgram + Tern's SrtpContext protect/unprotect of the same bytes, nothing else",
        goals,
      },
      notes,
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name, args) => {
    if (!args[0]) throw new Error("usage: stack <tern|werift|dgram|dgram-srtp|wrtc> <stun url>");
    return stackCommands(name, args[0]);
  },
});
