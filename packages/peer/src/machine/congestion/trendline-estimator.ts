/**
 * The delay-gradient filter of draft-ietf-rmcat-gcc-02 §5.3, as libwebrtc's trendline estimator (which
 * replaced the draft's Kalman filter): the one-way delay variation of each group (arrival delta − send
 * delta) accumulates into a delay curve, smoothed exponentially; the slope of a least-squares line
 * through the last `windowSize` points of it is the trend. Rising: a queue is building.
 */
export interface TrendlineOptions {
  /** points the line is fitted through (default 20) */
  readonly windowSize?: number;
  /** exponential smoothing of the accumulated delay (default 0.9) */
  readonly smoothing?: number;
  /** the trend is scaled by this and by the number of deltas (up to 60) before the detector sees it (default 4) */
  readonly thresholdGain?: number;
}

/** The modified trend counts at most this many deltas (libwebrtc `kMinNumDeltas`). */
const MAX_DELTAS_SCALE = 60;
const MAX_DELTA_COUNT = 1000;

export class TrendlineEstimator {
  readonly #window: number;
  readonly #smoothing: number;
  readonly #gain: number;
  readonly #x: number[] = [];
  readonly #y: number[] = [];
  #firstArrivalMs: number | undefined;
  #accumulated = 0;
  #smoothed = 0;
  #deltas = 0;
  #trend = 0;

  constructor(o: TrendlineOptions = {}) {
    this.#window = o.windowSize ?? 20;
    this.#smoothing = o.smoothing ?? 0.9;
    this.#gain = o.thresholdGain ?? 4;
  }

  /** Deltas counted so far (capped at 1000). */
  get deltas(): number {
    return this.#deltas;
  }

  /** The last slope fitted (ms of delay per ms). */
  get trend(): number {
    return this.#trend;
  }

  /**
   * One group's deltas (ms) and its arrival time: returns the modified trend the overuse detector
   * compares with its threshold (`min(deltas, 60) × slope × gain`).
   */
  update(arrivalDeltaMs: number, sendDeltaMs: number, arrivalMs: number): number {
    const delta = arrivalDeltaMs - sendDeltaMs;
    this.#deltas = Math.min(this.#deltas + 1, MAX_DELTA_COUNT);
    if (this.#firstArrivalMs === undefined) this.#firstArrivalMs = arrivalMs;
    this.#accumulated += delta;
    this.#smoothed = this.#smoothing * this.#smoothed + (1 - this.#smoothing) * this.#accumulated;
    this.#x.push(arrivalMs - this.#firstArrivalMs);
    this.#y.push(this.#smoothed);
    if (this.#x.length > this.#window) {
      this.#x.shift();
      this.#y.shift();
    }
    if (this.#x.length === this.#window) {
      const slope = linearFitSlope(this.#x, this.#y);
      if (slope !== undefined) this.#trend = slope;
    }
    return Math.min(this.#deltas, MAX_DELTAS_SCALE) * this.#trend * this.#gain;
  }
}

/** Least-squares slope of y over x; undefined when every x is the same. */
export function linearFitSlope(x: readonly number[], y: readonly number[]): number | undefined {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i] as number;
    sy += y[i] as number;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    num += dx * ((y[i] as number) - my);
    den += dx * dx;
  }
  return den === 0 ? undefined : num / den;
}
