/**
 * The acknowledged bitrate: what the receiver says arrived, per 150 ms window (500 ms for the first),
 * smoothed by libwebrtc's Bayesian estimator (a sample far from the estimate counts less; the estimate's
 * variance grows with time so it can follow a change). The AIMD controller decreases to 0.85 × this and
 * never increases past 1.5 × it.
 */
const INITIAL_WINDOW_MS = 500;
const WINDOW_MS = 150;
const UNCERTAINTY_SCALE = 10;

export class AcknowledgedBitrate {
  #sumBytes = 0;
  #windowMs = 0;
  #prevMs: number | undefined;
  #estimateKbps: number | undefined;
  #variance = 50;

  /** bps, once the first window has passed */
  get bitrateBps(): number | undefined {
    return this.#estimateKbps === undefined ? undefined : this.#estimateKbps * 1000;
  }

  /** After a quiet period the rate may change fast: trust new samples more. */
  expectFastRateChange(): void {
    this.#variance += 200;
  }

  /** One packet the receiver acknowledged: its arrival (ms, receiver's clock) and size. */
  handleAcked(arrivalMs: number, bytes: number): void {
    const window = this.#estimateKbps === undefined ? INITIAL_WINDOW_MS : WINDOW_MS;
    const sample = this.#updateWindow(arrivalMs, bytes, window);
    if (sample === undefined) return;
    const e = this.#estimateKbps;
    if (e === undefined) {
      this.#estimateKbps = sample;
      return;
    }
    const uncertainty = (UNCERTAINTY_SCALE * Math.abs(e - sample)) / (e + Math.min(sample, 0));
    const sampleVar = uncertainty * uncertainty;
    const predVar = this.#variance + 5;
    this.#estimateKbps = Math.max(0, (sampleVar * e + predVar * sample) / (sampleVar + predVar));
    this.#variance = (sampleVar * predVar) / (sampleVar + predVar);
  }

  #updateWindow(nowMs: number, bytes: number, windowMs: number): number | undefined {
    const prev = this.#prevMs;
    if (prev !== undefined && nowMs < prev) {
      this.#prevMs = undefined;
      this.#sumBytes = 0;
      this.#windowMs = 0;
    } else if (prev !== undefined) {
      this.#windowMs += nowMs - prev;
      if (nowMs - prev > windowMs) {
        this.#sumBytes = 0;
        this.#windowMs %= windowMs;
      }
    }
    this.#prevMs = nowMs;
    let sample: number | undefined;
    if (this.#windowMs >= windowMs) {
      sample = (8 * this.#sumBytes) / windowMs;
      this.#windowMs -= windowMs;
      this.#sumBytes = 0;
    }
    this.#sumBytes += bytes;
    return sample;
  }
}
