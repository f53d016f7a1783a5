import {
  type RtpPacket,
  TransportFeedbackGenerator,
  TransportSendHistory,
  type TransportWideFeedback,
  transportSequenceNumberOf,
} from "@tern/rtp";
import {
  BandwidthEstimator,
  type BandwidthEstimatorOptions,
  type ProbeCluster,
} from "./bandwidth-estimator.js";
import { allocateBitrate, type SenderDemand } from "./congestion/bitrate-allocation.js";
import type { SentPacketSink } from "./media-send-path.js";

export interface CongestionControlOptions extends BandwidthEstimatorOptions {
  /** Pacing rate = target × this (default 2.5, libwebrtc's). */
  readonly pacingFactor?: number;
}

/** What the media session tells the application: the target, and each sender's share of it. */
export interface BandwidthEstimate {
  readonly targetBitrateBps: number;
  readonly senders: readonly { readonly mid: string; readonly targetBitrateBps: number }[];
}

/** What congestion control drives on the send side (`MediaSendPath`): the pacer's rate and probes. */
export interface PacedSendSide {
  startProbe(cluster: ProbeCluster): void;
  /** The pacing rate (undefined: none) and the long-term rate (the estimate) it may exceed in bursts. */
  setPacingRate(now: number, bps: number | undefined, targetBps?: number): void;
  /** A video frame the pacer dropped: its mid. */
  pollDroppedFrame(): string | undefined;
}

/** What a `pump` produces for the media session to send or emit. */
export interface CongestionOutput {
  /** transport-wide feedback for the remote senders */
  feedback(fb: TransportWideFeedback): void;
  /** a new estimate for the application */
  estimate(e: BandwidthEstimate): void;
  /** a video frame of `mid` was dropped from the pacer: ask its encoder for a keyframe */
  keyframeNeeded(mid: string): void;
}

/** A change of the target smaller than this share is not reported to the application. */
const REPORT_CHANGE = 0.02;

/**
 * Transport-wide congestion control for one media session, both ways:
 * - receiving: every RTP packet with the negotiated transport-wide sequence number is recorded and
 *   reported to its sender in RTPFB 15 feedback (`TransportFeedbackGenerator`);
 * - sending: every packet that leaves gets the next transport-wide sequence number and a send-time record
 *   (`TransportSendHistory`); the remote's feedback, REMB and RTT feed the `BandwidthEstimator`, whose
 *   target sets the pacer's rate (× `pacingFactor`) and is shared among the senders (`allocateBitrate`,
 *   each capped by its `maxBitrate`).
 * Sans-IO; the media session drives it.
 */
export class CongestionController implements SentPacketSink {
  readonly estimator: BandwidthEstimator;
  readonly sendHistory = new TransportSendHistory(1);
  #generator: TransportFeedbackGenerator;
  /** The negotiated extmap id (undefined: transport-wide CC not negotiated, nothing runs). */
  #extensionId: number | undefined;
  readonly #pacingFactor: number;
  #started = false;
  #demands: readonly SenderDemand[] = [];
  readonly #maxBitrates = new Map<string, number>();
  #reported: number | undefined;

  constructor(
    rtcpSsrc: number,
    o: CongestionControlOptions = {},
    private readonly out: CongestionOutput,
  ) {
    this.estimator = new BandwidthEstimator(o);
    this.#pacingFactor = o.pacingFactor ?? 2.5;
    this.#generator = new TransportFeedbackGenerator({ senderSsrc: rtcpSsrc });
  }

  /** Whether transport-wide CC was negotiated (then the estimate drives pacing). */
  get enabled(): boolean {
    return this.#extensionId !== undefined;
  }

  get extensionId(): number | undefined {
    return this.#extensionId;
  }

  /** The receive side's feedback generator (counters, interval). */
  get feedbackGenerator(): TransportFeedbackGenerator {
    return this.#generator;
  }

  /** The pacing rate the estimate asks for (bps); undefined when CC is off. */
  get pacingBitrateBps(): number | undefined {
    return this.enabled ? this.estimator.targetBitrateBps * this.#pacingFactor : undefined;
  }

  /** After a negotiation: the extmap id (undefined: not negotiated), and the senders (mid, kind). */
  configure(
    extensionId: number | undefined,
    senders: readonly { readonly mid: string; readonly kind: "audio" | "video" }[],
  ): void {
    this.#extensionId = extensionId;
    this.#demands = senders.map((s) => ({ mid: s.mid, kind: s.kind }));
    this.#applyDemands();
  }

  /** W3C maxBitrate of the sender of `mid` (undefined: none): its share never exceeds it. */
  setMaxBitrate(mid: string, bps: number | undefined): void {
    if (bps === undefined) this.#maxBitrates.delete(mid);
    else this.#maxBitrates.set(mid, bps);
    this.#applyDemands();
  }

  #applyDemands(): void {
    this.#demands = this.#demands.map((d) => {
      const max = this.#maxBitrates.get(d.mid);
      return max === undefined
        ? { mid: d.mid, kind: d.kind }
        : { mid: d.mid, kind: d.kind, maxBitrateBps: max };
    });
    let max = 0;
    for (const d of this.#demands) max += d.maxBitrateBps ?? Number.POSITIVE_INFINITY;
    this.estimator.setMaxBitrate(this.#demands.length === 0 ? Number.POSITIVE_INFINITY : max);
    this.#reported = undefined;
    this.#report();
  }

  allocateTransportSequence(): number {
    return this.sendHistory.allocate();
  }

  /**
   * After every input: feedback out, probes and the pacing rate to the pacer, dropped frames to keyframe
   * requests. (New estimates go to the application as they are made.)
   */
  pump(now: number, send: PacedSendSide): void {
    const out = this.out;
    for (let f = this.#generator.pollFeedback(); f; f = this.#generator.pollFeedback()) out.feedback(f);
    if (this.enabled) {
      for (let c = this.pollProbe(); c; c = this.pollProbe()) {
        this.handleProbeStarted(c);
        send.startProbe(c);
      }
      send.setPacingRate(now, this.pacingBitrateBps, this.estimator.targetBitrateBps);
    }
    for (let m = send.pollDroppedFrame(); m !== undefined; m = send.pollDroppedFrame()) out.keyframeNeeded(m);
  }

  /** The transport is up (DTLS-SRTP connected): the estimator starts probing. */
  start(now: number): void {
    if (this.#started || !this.enabled) return;
    this.#started = true;
    this.estimator.start(now);
    this.#report();
  }

  /** A received RTP packet (unprotected): its transport-wide sequence number goes into the next feedback. */
  handleRtp(now: number, p: RtpPacket, bytes: number): void {
    const id = this.#extensionId;
    if (id === undefined || !p.extension) return;
    const seq = transportSequenceNumberOf(p.extension, id);
    if (seq >= 0) this.#generator.handlePacket(now, seq, p.ssrc, bytes);
  }

  /** A packet we sent: `seq` its transport-wide number (undefined: none), `bytes` on the wire. */
  handleSent(now: number, seq: number | undefined, bytes: number, probeCluster: number): void {
    if (seq !== undefined) this.sendHistory.handleSent(now, seq, bytes, probeCluster);
    if (this.enabled) this.estimator.handleSent(now, bytes);
  }

  /** The pacer starts a probe cluster. */
  handleProbeStarted(c: ProbeCluster): void {
    this.estimator.handleProbeStarted(c);
  }

  handleTransportFeedback(now: number, fb: TransportWideFeedback): void {
    if (!this.enabled) return;
    this.estimator.handleFeedback(now, this.sendHistory.handleFeedback(fb));
    this.#report();
  }

  handleRemb(now: number, bps: number): void {
    this.estimator.handleRemb(now, bps);
    this.#report();
  }

  handleRtt(rttMs: number): void {
    this.estimator.handleRtt(rttMs);
  }

  handleTimeout(now: number): void {
    const g = this.#generator.pollTimeout();
    if (g !== undefined && g <= now) this.#generator.handleTimeout(now);
    const e = this.estimator.pollTimeout();
    if (this.#started && e !== undefined && e <= now) this.estimator.handleTimeout(now);
  }

  pollTimeout(): number | undefined {
    const g = this.#generator.pollTimeout();
    const e = this.#started ? this.estimator.pollTimeout() : undefined;
    if (g === undefined) return e;
    if (e === undefined) return g;
    return Math.min(g, e);
  }

  private pollProbe(): ProbeCluster | undefined {
    return this.#started ? this.estimator.pollProbe() : undefined;
  }

  /** The target of the sender of `mid` (its share of the estimate), when CC runs. */
  senderTarget(mid: string): number | undefined {
    if (!this.enabled) return undefined;
    return allocateBitrate(this.estimator.targetBitrateBps, this.#demands).get(mid);
  }

  #report(): void {
    if (!this.#started) return;
    const t = this.estimator.targetBitrateBps;
    const last = this.#reported;
    if (last !== undefined && Math.abs(t - last) < REPORT_CHANGE * last) return;
    this.#reported = t;
    const shares = allocateBitrate(t, this.#demands);
    this.out.estimate({
      targetBitrateBps: t,
      senders: [...shares].map(([mid, targetBitrateBps]) => ({ mid, targetBitrateBps })),
    });
  }
}
