import type { PacketFeedback } from "@tern/rtp";
import { AcknowledgedBitrate } from "./congestion/acknowledged-bitrate.js";
import { AlrDetector } from "./congestion/alr-detector.js";
import { DelayBasedEstimate } from "./congestion/delay-based-estimate.js";
import { LossBasedControl } from "./congestion/loss-based-control.js";
import { ProbeBitrateEstimator } from "./congestion/probe-bitrate-estimator.js";
import { type ProbeCluster, ProbeController } from "./congestion/probe-controller.js";
import { QueueDelay } from "./congestion/queue-delay.js";
import { RembCap } from "./congestion/remb-cap.js";

export type { ProbeCluster } from "./congestion/probe-controller.js";

export interface BandwidthEstimatorOptions {
  /** The estimate before any feedback (default 300 kbit/s, libwebrtc's). */
  readonly startBitrateBps?: number;
  /** Never below (default 30 kbit/s). */
  readonly minBitrateBps?: number;
  /** Never above, probes included (default 10 Mbit/s). */
  readonly maxBitrateBps?: number;
  /** Probe every 5 s in application-limited periods (default true). */
  readonly alrProbing?: boolean;
}

export interface BandwidthEstimatorCounters {
  feedbackPackets: number;
  packetsAcked: number;
  packetsLost: number;
  probeResults: number;
  overuse: number;
}

/** How often the ALR detector and the prober look at the clock while the estimator runs (ms). */
const PROCESS_INTERVAL_MS = 100;

/**
 * A sender-side bandwidth estimator in the shape of Google Congestion Control (draft-ietf-rmcat-gcc-02,
 * as libwebrtc's GoogCC runs it), sans-IO: the media session feeds it what it sent (`handleSent`), what
 * the receiver's transport-wide feedback says (`handleFeedback`), REMB (`handleRemb`) and RTT, and asks
 * it for a rate (`targetBitrateBps`) and for probe clusters (`pollProbe`) for the pacer to send.
 *
 * target = min(loss-based, delay-based, REMB, max). The delay-based estimate (inter-arrival → trendline →
 * over-use detector → AIMD) backs off on queuing delay; the loss-based one (2 % / 10 % thresholds) backs
 * off on congestion loss only; probes (3× and 6× the start, then further while they find room, and every
 * 5 s in ALR) let the estimate climb faster than AIMD and after a quiet period; in ALR it never increases
 * on its own. One file per concept under `congestion/`.
 */
export class BandwidthEstimator {
  readonly counters: BandwidthEstimatorCounters = {
    feedbackPackets: 0,
    packetsAcked: 0,
    packetsLost: 0,
    probeResults: 0,
    overuse: 0,
  };
  readonly #delay: DelayBasedEstimate;
  readonly #loss: LossBasedControl;
  readonly #acked = new AcknowledgedBitrate();
  readonly #alr = new AlrDetector();
  readonly #probes: ProbeController;
  readonly #probeEstimator = new ProbeBitrateEstimator();
  readonly #remb = new RembCap();
  readonly #queue = new QueueDelay();
  readonly #start: number;
  #max: number;
  #target: number;
  #startedMs: number | undefined;
  #nextProcessMs: number | undefined;
  #lastAlrEndedMs: number | undefined;

  constructor(o: BandwidthEstimatorOptions = {}) {
    this.#start = o.startBitrateBps ?? 300_000;
    const min = o.minBitrateBps ?? 30_000;
    this.#max = o.maxBitrateBps ?? 10_000_000;
    this.#delay = new DelayBasedEstimate({
      startBitrateBps: this.#start,
      minBitrateBps: min,
      maxBitrateBps: this.#max,
    });
    this.#loss = new LossBasedControl({
      startBitrateBps: this.#start,
      minBitrateBps: min,
      maxBitrateBps: this.#max,
    });
    this.#probes = new ProbeController(this.#max, o.alrProbing ?? true);
    this.#target = this.#start;
    this.#alr.setEstimatedBitrate(this.#target);
  }

  /** The rate the senders should aim for, bps. */
  get targetBitrateBps(): number {
    return this.#target;
  }

  get delayBasedBitrateBps(): number {
    return this.#delay.estimate;
  }

  get lossBasedBitrateBps(): number {
    return this.#loss.estimate;
  }

  /** What the receiver acknowledged lately (bps), once measured. */
  get acknowledgedBitrateBps(): number | undefined {
    return this.#acked.bitrateBps;
  }

  /** Loss fraction of the last loss window (0–1). */
  get lossFraction(): number {
    return this.#loss.lossFraction;
  }

  get inAlr(): boolean {
    return this.#alr.inAlr;
  }

  /** How long packets wait in the path's queues now (ms): one-way delay over its 30-s minimum. */
  get queueDelayMs(): number {
    return this.#queue.delayMs;
  }

  get overuseState(): string {
    return this.#delay.usage;
  }

  /** The transport is up: probing starts. */
  start(nowMs: number): void {
    if (this.#startedMs !== undefined) return;
    this.#startedMs = nowMs;
    this.#nextProcessMs = nowMs + PROCESS_INTERVAL_MS;
    this.#probes.start(nowMs, this.#start);
  }

  /** The most the senders may use together (each sender's maxBitrate summed; Infinity: unlimited). */
  setMaxBitrate(bps: number): void {
    const max = Math.max(this.#start / 10, Math.min(bps, Number.MAX_SAFE_INTEGER));
    this.#max = max;
    this.#probes.setMaxBitrate(max);
    this.#updateTarget(this.#startedMs ?? 0);
  }

  /** A packet left (media, retransmission or probe padding), with the probe cluster it was sent for (−1). */
  handleSent(nowMs: number, bytes: number): void {
    this.#alr.handleSent(nowMs, bytes);
  }

  /** A probe cluster the pacer starts sending. */
  handleProbeStarted(cluster: ProbeCluster): void {
    this.#probeEstimator.handleProbeStarted(cluster.id, cluster.minBytes, cluster.minPackets);
  }

  handleRtt(rttMs: number): void {
    if (!(rttMs >= 0 && Number.isFinite(rttMs))) return;
    this.#delay.aimd.setRtt(rttMs);
    this.#loss.setRtt(rttMs);
  }

  handleRemb(nowMs: number, bps: number): void {
    this.#remb.handleRemb(nowMs, bps);
    this.#loss.setReceiverLimit(bps, nowMs);
    this.#updateTarget(nowMs);
  }

  /** What one transport-wide feedback reported (`TransportSendHistory.handleFeedback`). */
  handleFeedback(nowMs: number, results: readonly PacketFeedback[]): void {
    if (results.length === 0) return;
    this.counters.feedbackPackets++;
    const received: PacketFeedback[] = [];
    let lost = 0;
    for (const r of results) {
      if (r.arrivalTimeMs === undefined) lost++;
      else received.push(r);
    }
    this.counters.packetsAcked += received.length;
    this.counters.packetsLost += lost;
    received.sort((a, b) => (a.arrivalTimeMs as number) - (b.arrivalTimeMs as number));
    const alrEnded = this.#alr.alrEndedMs;
    for (const p of received) {
      if (alrEnded !== undefined && alrEnded !== this.#lastAlrEndedMs && p.sendTimeMs > alrEnded) {
        this.#acked.expectFastRateChange();
        this.#lastAlrEndedMs = alrEnded;
      }
      this.#acked.handleAcked(p.arrivalTimeMs as number, p.sizeBytes);
      this.#queue.handlePacket(nowMs, p.sendTimeMs, p.arrivalTimeMs as number);
      this.#probeEstimator.handlePacket(nowMs, p);
    }
    // A probe only ever raises the target (libwebrtc ignores results under its network estimate): the
    // delay-based estimate where it is above it, the loss-based one (libwebrtc's SetSendBitrate) up to it.
    let probe = this.#probeEstimator.takeResult();
    if (probe !== undefined && probe <= this.#target) probe = undefined;
    if (probe !== undefined) this.counters.probeResults++;
    const delayProbe = probe !== undefined && probe > this.#delay.estimate ? probe : undefined;
    const before = this.#delay.usage;
    const updated = this.#delay.handleFeedback(
      nowMs,
      received,
      this.#acked.bitrateBps,
      delayProbe,
      this.#alr.inAlr,
    );
    if (this.#delay.usage === "overusing" && before !== "overusing") this.counters.overuse++;
    if (this.#delay.usage === "overusing" || lost > 0.02 * results.length)
      this.#probes.handleCongestion(nowMs);
    if (updated) this.#loss.setDelayBasedLimit(this.#delay.estimate, nowMs);
    if (probe !== undefined && this.#delay.usage !== "overusing")
      this.#loss.setEstimate(Math.min(probe, this.#delay.estimate), nowMs);
    this.#loss.handleLossReport(lost, results.length, nowMs, this.#acked.bitrateBps, this.#queue.delayMs);
    this.#updateTarget(nowMs);
  }

  handleTimeout(nowMs: number): void {
    if (this.#nextProcessMs !== undefined && nowMs >= this.#nextProcessMs) {
      this.#alr.handleTimeout(nowMs);
      this.#nextProcessMs = nowMs + PROCESS_INTERVAL_MS;
    }
    this.#probes.handleTimeout(nowMs, this.#alr.alrStartedMs);
  }

  pollTimeout(): number | undefined {
    const p = this.#probes.pollTimeout(this.#alr.alrStartedMs);
    const t = this.#nextProcessMs;
    if (p === undefined) return t;
    if (t === undefined) return p;
    return Math.min(p, t);
  }

  /** A probe cluster to send now, if one is due. */
  pollProbe(): ProbeCluster | undefined {
    return this.#probes.pollProbe();
  }

  #updateTarget(nowMs: number): void {
    const target = Math.min(this.#loss.estimate, this.#delay.estimate, this.#remb.cap(nowMs), this.#max);
    this.#target = target;
    this.#alr.setEstimatedBitrate(target);
    this.#probes.setEstimate(nowMs, target);
  }
}
