/**
 * The over-use detector of draft-ietf-rmcat-gcc-02 §5.4 with its adaptive threshold (§5.4, equation 5),
 * as libwebrtc runs it on the trendline's modified trend: over the threshold for more than 10 ms (and
 * twice in a row, and not falling) is over-use; under minus the threshold is under-use; else normal. The
 * threshold follows |trend| — quickly down (k_d = 0.039), slowly up (k_u = 0.0087) — within [6, 600], so
 * the detector neither starves against loss-based flows nor fires on noise.
 */
export type BandwidthUsage = "normal" | "overusing" | "underusing";

/** §5.4: over-use must last this long (ms) before it is signalled. */
const OVERUSING_TIME_THRESHOLD_MS = 10;
/** A trend this far past the threshold is an outlier: the threshold does not follow it. */
const MAX_ADAPT_OFFSET_MS = 15;
const K_UP = 0.0087;
const K_DOWN = 0.039;
const MAX_TIME_DELTA_MS = 100;

export class OveruseDetector {
  #threshold = 12.5;
  #lastUpdateMs: number | undefined;
  #timeOverUsing = -1;
  #overuseCounter = 0;
  #prevTrend = 0;
  #state: BandwidthUsage = "normal";

  get state(): BandwidthUsage {
    return this.#state;
  }

  /** The adaptive threshold γ (ms of modified trend). */
  get threshold(): number {
    return this.#threshold;
  }

  /**
   * The modified trend of a group, the raw slope (to tell rising from falling), the group's send delta
   * and our time now.
   */
  detect(
    modifiedTrend: number,
    trend: number,
    sendDeltaMs: number,
    deltas: number,
    nowMs: number,
  ): BandwidthUsage {
    if (deltas < 2) {
      this.#state = "normal";
      return this.#state;
    }
    if (modifiedTrend > this.#threshold) {
      if (this.#timeOverUsing === -1) this.#timeOverUsing = sendDeltaMs / 2;
      else this.#timeOverUsing += sendDeltaMs;
      this.#overuseCounter++;
      if (
        this.#timeOverUsing > OVERUSING_TIME_THRESHOLD_MS &&
        this.#overuseCounter > 1 &&
        trend >= this.#prevTrend
      ) {
        this.#timeOverUsing = 0;
        this.#overuseCounter = 0;
        this.#state = "overusing";
      }
    } else if (modifiedTrend < -this.#threshold) {
      this.#timeOverUsing = -1;
      this.#overuseCounter = 0;
      this.#state = "underusing";
    } else {
      this.#timeOverUsing = -1;
      this.#overuseCounter = 0;
      this.#state = "normal";
    }
    this.#prevTrend = trend;
    this.#updateThreshold(modifiedTrend, nowMs);
    return this.#state;
  }

  #updateThreshold(modifiedTrend: number, nowMs: number): void {
    if (this.#lastUpdateMs === undefined) this.#lastUpdateMs = nowMs;
    const m = Math.abs(modifiedTrend);
    if (m > this.#threshold + MAX_ADAPT_OFFSET_MS) {
      this.#lastUpdateMs = nowMs;
      return;
    }
    const k = m < this.#threshold ? K_DOWN : K_UP;
    const dt = Math.min(nowMs - this.#lastUpdateMs, MAX_TIME_DELTA_MS);
    this.#threshold = Math.min(600, Math.max(6, this.#threshold + k * (m - this.#threshold) * dt));
    this.#lastUpdateMs = nowMs;
  }
}
