/**
 * Congestion-control scenarios on the simulated network: Tern peers (ICE, DTLS-SRTP, RTP, transport-wide
 * CC both ways) where A sends video to B through a bottleneck (`@tern/ice/testing`'s `Bottleneck`: a rate,
 * a drop-tail queue, cross traffic), and A's application is an encoder that follows its target bitrate
 * (`bandwidth-estimate` events): a frame every 33 ms of target / 30 octets (the VP8 clip's frames, padded),
 * a keyframe when one is asked for. The bottleneck and any random loss go on once both peers are
 * connected, so the handshake's timing (whose ECDSA signatures vary in length) never reaches the
 * measurements: a seed gives one run, exactly.
 */
import type { DtlsCertificate } from "@tern/dtls-srtp";
import { Bottleneck, type CrossTraffic, Prng, runFor, runUntil, type SimNetwork } from "@tern/ice/testing";
import type { LocalTransceiver } from "../../src/sdp/index.js";
import { vp8Clip } from "../interop/media-fixtures.js";
import { type SimPeer, type SimSessionOptions, simPair } from "./sim-peer.js";

/** A bottleneck that records how long each packet waits in its queue. */
export class MeasuredBottleneck extends Bottleneck {
  readonly waits: { readonly at: number; readonly ms: number }[] = [];
  override admit(now: number, bytes: number): number | undefined {
    this.waits.push({ at: now, ms: this.queueDelayMs(now) });
    return super.admit(now, bytes);
  }
}

export interface CcScenario {
  readonly seed: number;
  /** the bottleneck on A → B (undefined: none, the path is as fast as A sends) */
  readonly link?: {
    readonly bitrateBps: number;
    readonly queueMs: number;
    readonly crossTraffic?: readonly CrossTraffic[];
  };
  /** steps of the bottleneck's rate: [ms after media starts, bps] */
  readonly steps?: readonly (readonly [number, number])[];
  /** random loss on the path, both ways (default 0) */
  readonly lossRate?: number;
  /** one-way delay (default 20 ms) */
  readonly delayMs?: number;
  readonly durationMs: number;
  /** flows sharing the bottleneck (default 1); the second starts `secondFlowAtMs` after the first */
  readonly flows?: 1 | 2;
  readonly secondFlowAtMs?: number;
  readonly session?: SimSessionOptions;
}

export interface FlowTrace {
  /** A's target bitrate every 100 ms: [ms since media started, bps] */
  readonly targets: readonly (readonly [number, number])[];
  readonly a: SimPeer;
  readonly b: SimPeer;
  /** octets of video B reassembled */
  readonly receivedBytes: () => number;
}

export interface CcRun {
  readonly flows: readonly FlowTrace[];
  readonly bottleneck: MeasuredBottleneck | undefined;
  /** when media started (sim ms): the origin of every trace */
  readonly t0: number;
  readonly net: SimNetwork;
}

function video(ssrc: number, cname: string): LocalTransceiver[] {
  return [
    {
      mid: "0",
      kind: "video",
      direction: "sendrecv",
      sender: { ssrc, rtxSsrc: ssrc + 1, cname, streamIds: [cname], trackId: `${cname}-v` },
    },
  ];
}

/** The encoder: one frame every 33 ms at A's current target (a keyframe when asked for). */
class FollowingEncoder {
  #i = 0;
  #ts = 1000;
  #handledRequests = 0;
  readonly clip = vp8Clip();

  constructor(readonly peer: SimPeer) {}

  frame(now: number): void {
    const a = this.peer;
    if (a.keyframeRequests.length > this.#handledRequests) {
      this.#handledRequests = a.keyframeRequests.length;
      this.#i = 0;
    }
    const target =
      a.estimates.at(-1)?.estimate.senders.find((s) => s.mid === "0")?.targetBitrateBps ?? 300_000;
    // The clip's frame cut or padded to the target's size: the depacketizer needs only its first octets.
    const base = this.clip[this.#i % this.clip.length]?.data ?? new Uint8Array(100);
    const size = Math.max(100, Math.round(target / 8 / 30));
    const data = new Uint8Array(size);
    data.set(base.subarray(0, size));
    a.sendFrame(now, "0", data, this.#ts >>> 0);
    this.#ts += 3000;
    this.#i++;
  }
}

export async function runCcScenario(
  s: CcScenario,
  certificates: readonly [DtlsCertificate, DtlsCertificate],
): Promise<CcRun> {
  const delay = s.delayMs ?? 20;
  const first = simPair({
    seed: s.seed,
    lossRate: 0,
    delayMs: [delay, delay],
    certificates,
    transceiversA: video(0x1000, "A1"),
    transceiversB: video(0x2000, "B1"),
    congestionControl: true,
    ...(s.session ? { sessionA: s.session } : {}),
  });
  const net = first.net;
  const pairs = [first];
  if ((s.flows ?? 1) === 2) {
    pairs.push(
      simPair({
        seed: s.seed,
        lossRate: 0,
        delayMs: [delay, delay],
        certificates,
        transceiversA: video(0x3000, "A2"),
        transceiversB: video(0x4000, "B2"),
        congestionControl: true,
        net,
        addresses: [
          { address: "10.0.0.3", port: 5000 },
          { address: "10.0.0.4", port: 6000 },
        ],
        ...(s.session ? { sessionA: s.session } : {}),
      }),
    );
  }
  runUntil(net, () => pairs.every((p) => p.a.dtlsConnected && p.b.dtlsConnected), {
    maxSteps: 50_000,
    maxTimeMs: 20_000,
  });
  const t0 = net.now();
  const bottleneck = s.link ? new MeasuredBottleneck({ ...s.link }, new Prng(s.seed ^ 0x5eed)) : undefined;
  for (const p of pairs) {
    if (bottleneck) net.addLinkRule({ from: { address: p.a.base.address }, bottleneck });
    if (s.lossRate) {
      net.addLinkRule({ from: { address: p.a.base.address }, lossRate: s.lossRate });
      net.addLinkRule({ from: { address: p.b.base.address }, lossRate: s.lossRate });
    }
  }
  const encoders = pairs.map((p) => new FollowingEncoder(p.a));
  const traces = pairs.map((p) => ({
    targets: [] as [number, number][],
    a: p.a,
    b: p.b,
    receivedBytes: () => p.b.frames.reduce((n, f) => n + f.data.length, 0),
  }));
  const steps = [...(s.steps ?? [])];
  const secondAt = s.secondFlowAtMs ?? 0;
  for (let t = 0; t <= s.durationMs; t += 1) {
    const stepDue = steps.length > 0 && (steps[0] as readonly [number, number])[0] <= t;
    if (t % 33 !== 0 && t % 100 !== 0 && !stepDue) continue;
    runFor(net, t0 + t - net.now());
    while (steps.length > 0 && (steps[0] as readonly [number, number])[0] <= t) {
      bottleneck?.setBitrate(net.now(), (steps.shift() as readonly [number, number])[1]);
    }
    if (t % 33 === 0) {
      encoders.forEach((e, i) => {
        if (i === 0 || t >= secondAt) e.frame(net.now());
      });
    }
    if (t % 100 === 0) {
      traces.forEach((tr) => {
        tr.targets.push([t, tr.a.session.congestion.estimator.targetBitrateBps]);
      });
    }
  }
  return { flows: traces, bottleneck, t0, net };
}

/** The values of `series` whose time is in [from, to). */
export function between(series: readonly (readonly [number, number])[], from: number, to: number): number[] {
  return series.filter(([t]) => t >= from && t < to).map(([, v]) => v);
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
}
