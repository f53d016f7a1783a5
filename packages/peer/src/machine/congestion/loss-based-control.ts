/**
 * The loss-based controller of draft-ietf-rmcat-gcc-02 §6, as libwebrtc's classic send-side bandwidth
 * estimation: over windows of at least 20 packets reported on, loss over 10 % lowers the rate to
 * rate × (1 − loss / 2) (at most once per 300 ms + RTT), but not under 80 % of what the receiver
 * acknowledges (what gets through a full link is its capacity: cutting under it only wastes the link, as
 * libwebrtc's loss-based BWE v2 bounds itself by the acknowledged rate); loss of 2–10 % holds it — unless
 * packets also wait in a standing queue (over 30 ms of queuing delay): then the loss is congestion, from a
 * drop-tail queue kept full at just over the link's rate (which shows no delay gradient), and the rate goes
 * to 90 % of what is acknowledged, to drain it; loss under 2 % raises it
 * by 8 % of the lowest rate of the last second (+1 kbit/s) — until it is back at the delay-based estimate,
 * which it then follows, up and down (as libwebrtc's loss-based BWE v2 does while there is no loss): a
 * flow without loss is paced by the delay-based AIMD alone, whose additive increase and multiplicative
 * decrease is what lets flows sharing a bottleneck converge to fair shares. Random loss of a few percent
 * never drives the rate down; congestion loss does. Capped by the delay-based estimate and REMB.
 */
export interface LossBasedOptions {
  readonly startBitrateBps: number;
  readonly minBitrateBps: number;
  readonly maxBitrateBps: number;
}

const LOW_LOSS = 0.02;
const HIGH_LOSS = 0.1;
const MIN_PACKETS = 20;
const INCREASE_INTERVAL_MS = 1000;
const DECREASE_INTERVAL_MS = 300;
const START_PHASE_MS = 2000;
const ACKED_FLOOR = 0.8;
const STANDING_QUEUE_MS = 30;
const DRAIN = 0.9;

export class LossBasedControl {
  readonly #o: LossBasedOptions;
  #current: number;
  #expected = 0;
  #lost = 0;
  /** last loss fraction, 0–1 */
  #lastLoss = 0;
  #hasDecreasedSinceLoss = false;
  #timeLastDecreaseMs = Number.NEGATIVE_INFINITY;
  #firstReportMs: number | undefined;
  #hasLossReport = false;
  /** (time, rate) pairs: the sliding minimum of the last second */
  readonly #history: [number, number][] = [];
  #delayBasedLimit = Number.POSITIVE_INFINITY;
  #receiverLimit = Number.POSITIVE_INFINITY;
  #rttMs = 0;
  #ackedBps: number | undefined;
  #queueDelayMs = 0;
  /** No loss decrease since the rate last caught up with the delay-based estimate: follow it. */
  #following = true;

  constructor(o: LossBasedOptions) {
    this.#o = o;
    this.#current = o.startBitrateBps;
  }

  /** bps */
  get estimate(): number {
    return this.#current;
  }

  /** The loss fraction of the last full window (0–1). */
  get lossFraction(): number {
    return this.#lastLoss;
  }

  setRtt(rttMs: number): void {
    this.#rttMs = rttMs;
  }

  /** The receiver's REMB (Infinity: none). */
  setReceiverLimit(bps: number, nowMs: number): void {
    this.#receiverLimit = bps;
    this.#apply(this.#current, nowMs);
  }

  setDelayBasedLimit(bps: number, nowMs: number): void {
    this.#delayBasedLimit = bps;
    this.#apply(this.#following ? Number.POSITIVE_INFINITY : this.#current, nowMs);
  }

  /** Forces the rate (a probe result raised the delay-based estimate above it during start-up). */
  setEstimate(bps: number, nowMs: number): void {
    this.#history.length = 0;
    this.#apply(bps, nowMs);
  }

  /**
   * Feedback about `packets` packets, `lost` of them not received; the acknowledged rate (bps), if known,
   * and how long packets now wait in queues (ms).
   */
  handleLossReport(lost: number, packets: number, nowMs: number, ackedBps?: number, queueDelayMs = 0): void {
    this.#ackedBps = ackedBps;
    this.#queueDelayMs = queueDelayMs;
    if (this.#firstReportMs === undefined) this.#firstReportMs = nowMs;
    if (packets <= 0) return;
    const expected = this.#expected + packets;
    if (expected < MIN_PACKETS) {
      this.#expected = expected;
      this.#lost += lost;
      return;
    }
    this.#hasDecreasedSinceLoss = false;
    this.#lastLoss = Math.min(1, Math.max(0, this.#lost + lost) / expected);
    this.#lost = 0;
    this.#expected = 0;
    this.#hasLossReport = true;
    this.#update(nowMs);
  }

  #update(nowMs: number): void {
    // Start-up (no loss yet, first 2 s): follow the delay-based estimate and REMB, so probing can lift it.
    if (
      this.#lastLoss === 0 &&
      this.#firstReportMs !== undefined &&
      nowMs - this.#firstReportMs < START_PHASE_MS
    ) {
      let next = this.#current;
      if (Number.isFinite(this.#delayBasedLimit)) next = Math.max(next, this.#delayBasedLimit);
      if (Number.isFinite(this.#receiverLimit)) next = Math.max(next, this.#receiverLimit);
      if (next !== this.#current) {
        this.#history.length = 0;
        this.#history.push([nowMs, this.#current]);
        this.#apply(next, nowMs);
        return;
      }
    }
    this.#updateHistory(nowMs);
    if (!this.#hasLossReport) return;
    if (this.#lastLoss <= LOW_LOSS) {
      if (this.#following) {
        this.#apply(Number.POSITIVE_INFINITY, nowMs);
        return;
      }
      const min = this.#history[0]?.[1] ?? this.#current;
      const upper = Math.min(this.#delayBasedLimit, this.#receiverLimit, this.#o.maxBitrateBps);
      const next = Math.floor(min * 1.08 + 0.5) + 1000;
      if (next >= upper) this.#following = true;
      this.#apply(next, nowMs);
      return;
    }
    const acked = this.#ackedBps;
    if (
      this.#lastLoss <= HIGH_LOSS &&
      this.#queueDelayMs > STANDING_QUEUE_MS &&
      acked !== undefined &&
      this.#current > DRAIN * acked
    ) {
      if (
        !this.#hasDecreasedSinceLoss &&
        nowMs - this.#timeLastDecreaseMs >= DECREASE_INTERVAL_MS + this.#rttMs
      ) {
        this.#timeLastDecreaseMs = nowMs;
        this.#hasDecreasedSinceLoss = true;
        this.#following = false;
        this.#apply(DRAIN * acked, nowMs);
      }
      return;
    }
    if (this.#lastLoss > HIGH_LOSS) {
      if (
        !this.#hasDecreasedSinceLoss &&
        nowMs - this.#timeLastDecreaseMs >= DECREASE_INTERVAL_MS + this.#rttMs
      ) {
        this.#timeLastDecreaseMs = nowMs;
        this.#hasDecreasedSinceLoss = true;
        this.#following = false;
        const floor = ACKED_FLOOR * (this.#ackedBps ?? 0);
        this.#apply(
          Math.min(this.#current, Math.max(this.#current * (1 - this.#lastLoss / 2), floor)),
          nowMs,
        );
      }
    }
  }

  #updateHistory(nowMs: number): void {
    const h = this.#history;
    while (h.length > 0 && nowMs - (h[0] as [number, number])[0] + 1 > INCREASE_INTERVAL_MS) h.shift();
    while (h.length > 0 && this.#current <= (h[h.length - 1] as [number, number])[1]) h.pop();
    h.push([nowMs, this.#current]);
  }

  #apply(bps: number, _nowMs: number): void {
    const upper = Math.min(this.#delayBasedLimit, this.#receiverLimit, this.#o.maxBitrateBps);
    this.#current = Math.max(this.#o.minBitrateBps, Math.min(bps, upper));
  }
}
