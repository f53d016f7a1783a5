/**
 * libwebrtc's link capacity estimator, used by the AIMD controller: an exponential average of the
 * acknowledged rate at each over-use (and of probe results), with its normalized deviation. Inside the
 * band ±3 deviations the controller is near the link's capacity and increases additively; a throughput
 * outside it resets the estimate (multiplicative increase again).
 */
export class LinkCapacity {
  #estimateKbps: number | undefined;
  #deviationKbps = 0.4;

  get hasEstimate(): boolean {
    return this.#estimateKbps !== undefined;
  }

  /** bps */
  get estimate(): number | undefined {
    return this.#estimateKbps === undefined ? undefined : this.#estimateKbps * 1000;
  }

  /** bps: above this the estimate is stale (Infinity without one) */
  get upperBound(): number {
    const e = this.#estimateKbps;
    return e === undefined ? Number.POSITIVE_INFINITY : (e + 3 * this.#deviation(e)) * 1000;
  }

  /** bps: below this the estimate is stale (0 without one) */
  get lowerBound(): number {
    const e = this.#estimateKbps;
    return e === undefined ? 0 : Math.max(0, e - 3 * this.#deviation(e)) * 1000;
  }

  reset(): void {
    this.#estimateKbps = undefined;
  }

  onOveruseDetected(ackedBps: number): void {
    this.#update(ackedBps, 0.05);
  }

  onProbeRate(probeBps: number): void {
    this.#update(probeBps, 0.5);
  }

  #deviation(e: number): number {
    return Math.sqrt(this.#deviationKbps * e);
  }

  #update(sampleBps: number, alpha: number): void {
    const sample = sampleBps / 1000;
    const e = this.#estimateKbps === undefined ? sample : (1 - alpha) * this.#estimateKbps + alpha * sample;
    this.#estimateKbps = e;
    const norm = Math.max(e, 1);
    const error = e - sample;
    this.#deviationKbps = Math.min(
      2.5,
      Math.max(0.4, (1 - alpha) * this.#deviationKbps + (alpha * error * error) / norm),
    );
  }
}
