import type { PacketFeedback } from "@tern/rtp";
import { AimdRateControl } from "./aimd-rate-control.js";
import { InterArrival } from "./inter-arrival.js";
import { type BandwidthUsage, OveruseDetector } from "./overuse-detector.js";
import { TrendlineEstimator } from "./trendline-estimator.js";

/**
 * The delay-based half of GCC (draft-ietf-rmcat-gcc-02 §5; libwebrtc's `DelayBasedBwe`): received packets,
 * in arrival order, through inter-arrival grouping, the trendline filter and the over-use detector; the
 * detector's state, the acknowledged throughput and any probe result drive the AIMD controller.
 */
export class DelayBasedEstimate {
  readonly #interArrival = new InterArrival();
  readonly #trendline = new TrendlineEstimator();
  readonly #detector = new OveruseDetector();
  readonly aimd: AimdRateControl;

  constructor(o: {
    readonly startBitrateBps: number;
    readonly minBitrateBps: number;
    readonly maxBitrateBps: number;
  }) {
    this.aimd = new AimdRateControl({ minBitrateBps: o.minBitrateBps, maxBitrateBps: o.maxBitrateBps });
    this.aimd.setStartBitrate(o.startBitrateBps);
  }

  get usage(): BandwidthUsage {
    return this.#detector.state;
  }

  /** The detector's adaptive threshold, and the last modified trend (for tests and stats). */
  get threshold(): number {
    return this.#detector.threshold;
  }

  /** bps */
  get estimate(): number {
    return this.aimd.estimate;
  }

  /**
   * One feedback's received packets (sorted by arrival), the acknowledged throughput and a probe result
   * if one completed, whether in ALR: returns whether the estimate was updated.
   */
  handleFeedback(
    nowMs: number,
    received: readonly PacketFeedback[],
    ackedBps: number | undefined,
    probeBps: number | undefined,
    inAlr: boolean,
  ): boolean {
    for (const p of received) {
      const arrival = p.arrivalTimeMs as number;
      const d = this.#interArrival.handlePacket(p.sendTimeMs, arrival, nowMs, p.sizeBytes);
      if (!d) continue;
      const modified = this.#trendline.update(d.arrivalDeltaMs, d.sendDeltaMs, arrival);
      this.#detector.detect(modified, this.#trendline.trend, d.sendDeltaMs, this.#trendline.deltas, arrival);
    }
    this.aimd.setInAlr(inAlr);
    const aimd = this.aimd;
    if (this.#detector.state === "overusing") {
      if (ackedBps !== undefined && aimd.timeToReduceFurther(nowMs, ackedBps)) {
        aimd.update("overusing", ackedBps, nowMs);
        return true;
      }
      if (ackedBps === undefined && aimd.initialTimeToReduceFurther(nowMs)) {
        // Over-use before any throughput is known: halve every 200 ms.
        aimd.setEstimate(aimd.estimate / 2, nowMs);
        return true;
      }
      return false;
    }
    if (probeBps !== undefined) {
      aimd.setEstimate(probeBps, nowMs);
      return true;
    }
    aimd.update(this.#detector.state, ackedBps, nowMs);
    return aimd.validEstimate;
  }
}
