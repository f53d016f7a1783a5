/**
 * REMB (draft-alvestrand-rmcat-remb-03) from the remote receiver, honoured as a cap on the sender's
 * estimate: the latest REMB received, forgotten after `expiryMs` without a new one (a receiver that
 * stopped sending REMB no longer limits us).
 */
export class RembCap {
  #bps = Number.POSITIVE_INFINITY;
  #atMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly expiryMs = 10_000) {}

  handleRemb(nowMs: number, bps: number): void {
    this.#bps = bps;
    this.#atMs = nowMs;
  }

  /** The cap in force at `nowMs` (Infinity: none). */
  cap(nowMs: number): number {
    return nowMs - this.#atMs > this.expiryMs ? Number.POSITIVE_INFINITY : this.#bps;
  }
}
