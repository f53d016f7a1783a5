import { LinkCapacity } from "./link-capacity.js";
import type { BandwidthUsage } from "./overuse-detector.js";

/**
 * The delay-based rate controller of draft-ietf-rmcat-gcc-02 §5.5, as libwebrtc's `AimdRateControl`: a
 * state machine (increase / hold / decrease) driven by the over-use detector. Increase is multiplicative
 * (8 %/s) far from the link's known capacity and additive (a packet per response time) near it; on over-use the rate drops to β = 0.85 × the acknowledged throughput and holds until the queue
 * drains. An increase never goes past 1.5 × the acknowledged throughput + 10 kbit/s, and none happens in
 * application-limited periods (ALR): the estimate cannot grow past what was actually sent.
 */
export interface AimdOptions {
  readonly minBitrateBps: number;
  readonly maxBitrateBps: number;
}

const BETA = 0.85;
const DEFAULT_RTT_MS = 200;

export class AimdRateControl {
  readonly linkCapacity = new LinkCapacity();
  #state: "hold" | "increase" | "decrease" = "hold";
  #current: number;
  #latestThroughput: number;
  #initialized = false;
  #timeLastChangeMs = Number.NEGATIVE_INFINITY;
  #timeFirstThroughputMs = Number.NEGATIVE_INFINITY;
  #rttMs = DEFAULT_RTT_MS;
  #inAlr = false;
  readonly #o: AimdOptions;

  constructor(o: AimdOptions) {
    this.#o = o;
    this.#current = o.maxBitrateBps;
    this.#latestThroughput = o.maxBitrateBps;
  }

  /** Whether an estimate exists (a start bitrate, a probe or five seconds of throughput). */
  get validEstimate(): boolean {
    return this.#initialized;
  }

  /** bps */
  get estimate(): number {
    return this.#current;
  }

  get state(): "hold" | "increase" | "decrease" {
    return this.#state;
  }

  setStartBitrate(bps: number): void {
    this.#current = bps;
    this.#latestThroughput = bps;
    this.#initialized = true;
  }

  setRtt(rttMs: number): void {
    this.#rttMs = rttMs;
  }

  setInAlr(inAlr: boolean): void {
    this.#inAlr = inAlr;
  }

  /** Sets the estimate (a probe result, or halving before any throughput is known). */
  setEstimate(bps: number, nowMs: number): void {
    this.#initialized = true;
    this.#current = this.#clamp(bps);
    this.#timeLastChangeMs = nowMs;
  }

  /** Over-use again soon after a decrease: only once per RTT (10–200 ms), or when throughput halved. */
  timeToReduceFurther(nowMs: number, throughputBps: number): boolean {
    const interval = Math.min(200, Math.max(10, this.#rttMs));
    if (nowMs - this.#timeLastChangeMs >= interval) return true;
    return this.#initialized && throughputBps < 0.5 * this.#current;
  }

  initialTimeToReduceFurther(nowMs: number): boolean {
    return this.#initialized && this.timeToReduceFurther(nowMs, this.#current / 2 - 1);
  }

  /** The detector's state and the acknowledged throughput (if measured) at `nowMs`: the new estimate. */
  update(usage: BandwidthUsage, throughputBps: number | undefined, nowMs: number): number {
    if (!this.#initialized) {
      if (!Number.isFinite(this.#timeFirstThroughputMs)) {
        if (throughputBps !== undefined) this.#timeFirstThroughputMs = nowMs;
      } else if (nowMs - this.#timeFirstThroughputMs > 5000 && throughputBps !== undefined) {
        this.#current = throughputBps;
        this.#initialized = true;
      }
    }
    this.#change(usage, throughputBps, nowMs);
    return this.#current;
  }

  #change(usage: BandwidthUsage, throughputBps: number | undefined, nowMs: number): void {
    const throughput = throughputBps ?? this.#latestThroughput;
    if (throughputBps !== undefined) this.#latestThroughput = throughputBps;
    if (!this.#initialized && usage !== "overusing") return;
    if (usage === "normal" && this.#state === "hold") {
      this.#timeLastChangeMs = nowMs;
      this.#state = "increase";
    } else if (usage === "overusing") this.#state = "decrease";
    else if (usage === "underusing") this.#state = "hold";
    let next: number | undefined;
    const cap = this.linkCapacity;
    if (this.#state === "increase") {
      if (throughput > cap.upperBound) cap.reset();
      let limit = 1.5 * throughput + 10_000;
      if (this.#inAlr) limit = this.#current;
      if (this.#current < limit) {
        const dtMs = nowMs - this.#timeLastChangeMs;
        const increased = cap.hasEstimate
          ? this.#current + this.#nearMaxIncreaseBpsPerSec() * (dtMs / 1000)
          : this.#current + this.#multiplicativeIncrease(dtMs);
        next = Math.min(increased, limit);
      }
      this.#timeLastChangeMs = nowMs;
    } else if (this.#state === "decrease") {
      let decreased = throughput * BETA;
      if (decreased > 5000) decreased -= 5000;
      const e = cap.estimate;
      if (decreased > this.#current && e !== undefined) decreased = BETA * e;
      if (decreased < this.#current) next = decreased;
      if (throughput < cap.lowerBound) cap.reset();
      this.#initialized = true;
      cap.onOveruseDetected(throughput);
      this.#state = "hold";
      this.#timeLastChangeMs = nowMs;
    }
    this.#current = this.#clamp(next ?? this.#current);
  }

  #multiplicativeIncrease(dtMs: number): number {
    const alpha = Number.isFinite(dtMs) ? 1.08 ** Math.min(dtMs / 1000, 1) : 1.08;
    return Math.max(this.#current * (alpha - 1), 1000);
  }

  /**
   * One full packet (1200 octets) per response time (RTT + 100 ms). libwebrtc adds one average packet of
   * a 30 fps stream instead, which grows with the rate: a larger flow would then increase faster than a
   * smaller one sharing its bottleneck, and the two would not converge to fair shares. The same increase
   * for every flow is what makes AIMD fair (the decrease is proportional to the rate).
   */
  #nearMaxIncreaseBpsPerSec(): number {
    const responseSec = (this.#rttMs + 100) / 1000;
    return (1200 * 8) / responseSec;
  }

  #clamp(bps: number): number {
    return Math.min(this.#o.maxBitrateBps, Math.max(this.#o.minBitrateBps, bps));
  }
}
