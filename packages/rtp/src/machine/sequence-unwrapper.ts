import { rtpTimestampDelta, seqDelta } from "../wire/sequence-number.js";

/**
 * Extends 16-bit RTP sequence numbers (RFC 3550 §5.1) to a safe integer that keeps counting across
 * wraps: each value is placed the short way round from the highest seen so far. The first value maps
 * to itself; a value older than it across the wrap maps below zero (e.g. 65535 right after 0 is -1).
 */
export class SequenceUnwrapper {
  #highest: number | undefined;

  unwrap(seq: number): number {
    const s = seq & 0xffff;
    if (this.#highest === undefined) {
      this.#highest = s;
      return s;
    }
    const ext = this.#highest + seqDelta(s, this.#highest & 0xffff);
    if (ext > this.#highest) this.#highest = ext;
    return ext;
  }

  /** The highest extended value seen, if any. */
  get highest(): number | undefined {
    return this.#highest;
  }
}

/** The same for 32-bit RTP timestamps (RFC 3550 §5.1), placed within ±2^31 ticks of the highest. */
export class TimestampUnwrapper {
  #highest: number | undefined;

  unwrap(ts: number): number {
    const t = ts >>> 0;
    if (this.#highest === undefined) {
      this.#highest = t;
      return t;
    }
    const ext = this.#highest + rtpTimestampDelta(t, this.#highest >>> 0);
    if (ext > this.#highest) this.#highest = ext;
    return ext;
  }
}
