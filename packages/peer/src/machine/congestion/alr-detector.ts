/**
 * Application-limited region detection (libwebrtc's `AlrDetector`): a budget that fills at 65 % of the
 * estimate and empties by what is sent, over a 500 ms window. When the budget is over 80 % full the
 * sender is sending much less than it may (application limited: ALR starts); under 50 % it is using the
 * estimate again (ALR ends). In ALR the delay-based estimate does not increase (no feedback can show a
 * higher rate is safe), and the prober tests the link every few seconds instead.
 */
const USAGE_RATIO = 0.65;
const START_RATIO = 0.8;
const STOP_RATIO = 0.5;
const WINDOW_MS = 500;

export class AlrDetector {
  #targetBps = 0;
  #maxBytes = 0;
  #bytesRemaining = 0;
  #lastSendMs: number | undefined;
  #alrStartedMs: number | undefined;
  #alrEndedMs: number | undefined;

  /** When the current ALR started (ms), undefined when not in ALR. */
  get alrStartedMs(): number | undefined {
    return this.#alrStartedMs;
  }

  /** When the last ALR ended (ms), if one did. */
  get alrEndedMs(): number | undefined {
    return this.#alrEndedMs;
  }

  get inAlr(): boolean {
    return this.#alrStartedMs !== undefined;
  }

  setEstimatedBitrate(bps: number): void {
    this.#targetBps = bps * USAGE_RATIO;
    this.#maxBytes = (WINDOW_MS * this.#targetBps) / 8000;
    this.#bytesRemaining = Math.min(Math.max(-this.#maxBytes, this.#bytesRemaining), this.#maxBytes);
  }

  handleSent(nowMs: number, bytes: number): void {
    const last = this.#lastSendMs;
    this.#lastSendMs = nowMs;
    if (last === undefined) return;
    this.#bytesRemaining = Math.max(this.#bytesRemaining - bytes, -this.#maxBytes);
    this.#bytesRemaining = Math.min(
      this.#bytesRemaining + (this.#targetBps * (nowMs - last)) / 8000,
      this.#maxBytes,
    );
    const ratio = this.#maxBytes === 0 ? 0 : this.#bytesRemaining / this.#maxBytes;
    if (ratio > START_RATIO && this.#alrStartedMs === undefined) this.#alrStartedMs = nowMs;
    else if (ratio < STOP_RATIO && this.#alrStartedMs !== undefined) {
      this.#alrStartedMs = undefined;
      this.#alrEndedMs = nowMs;
    }
  }

  /** Nothing sent for a while: the budget fills as if time passed (call from a timer). */
  handleTimeout(nowMs: number): void {
    this.handleSent(nowMs, 0);
  }
}
