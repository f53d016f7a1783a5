/**
 * Sliding-window anti-replay: RFC 3711 §3.3.2 (SRTP/SRTCP replay list) and RFC 6347 §4.1.2.6 (DTLS
 * record replay detection). Shared by the SRTP contexts and the DTLS record layer.
 *
 * The window remembers the highest accepted index `top` and, for the `sizePackets` indices
 * `top - sizePackets + 1 … top`, whether each was received. Bit `index mod sizePackets` of a circular
 * bitmap stands for that index, so sliding forward only clears the bits of the indices skipped over;
 * nothing is shifted. The bitmap is a plain array of 16-bit words (small integers, stored unboxed): for
 * the usual 64-packet window that is a fraction of what a typed array and its buffer cost, and there is a
 * window per SRTP stream and per DTLS epoch.
 *
 * Indices are non-negative integers up to 2^48 (SRTP's 48-bit packet index, DTLS's 48-bit sequence
 * number): exact in a `number`.
 *
 * `check` never changes state; call `accept` only once the packet has been authenticated, so that a
 * forged packet cannot move the window (RFC 3711 §3.3.2, RFC 6347 §4.1.2.6).
 */
export type ReplayCheck = "ok" | "duplicate" | "too-old";

/** Largest index the window is specified for (2^48 - 1); larger indices are still exact up to 2^53. */
export const MAX_REPLAY_INDEX = 2 ** 48 - 1;

export class ReplayWindow {
  readonly sizePackets: number;
  readonly #mask: number;
  /** 16 bits per word */
  readonly #bits: number[];
  /** Highest accepted index, or -1 before the first `accept`. */
  #top = -1;

  /**
   * @param sizePackets a power of two from 32 to 32768 (RFC 3711 §3.3.2 asks for at least 64 for SRTP;
   * 64 is the DTLS default). Anything else is API misuse and throws a `RangeError`.
   */
  constructor(sizePackets = 64) {
    if (
      !Number.isInteger(sizePackets) ||
      sizePackets < 32 ||
      sizePackets > 32768 ||
      (sizePackets & (sizePackets - 1)) !== 0
    ) {
      throw new RangeError(`ReplayWindow size must be a power of two in 32..32768, got ${sizePackets}`);
    }
    this.sizePackets = sizePackets;
    this.#mask = sizePackets - 1;
    this.#bits = new Array<number>(sizePackets >>> 4).fill(0);
  }

  /** Highest accepted index, or undefined if nothing was accepted yet. */
  get top(): number | undefined {
    return this.#top < 0 ? undefined : this.#top;
  }

  /**
   * Whether a packet with this index may be accepted: "ok" when it is new (ahead of the window, or inside it
   * and not yet seen), "duplicate" when it was accepted before, "too-old" when it is behind the window
   * (or not a valid index). Changes nothing.
   */
  check(index: number): ReplayCheck {
    if (!(index >= 0)) return "too-old"; // also rejects NaN
    const top = this.#top;
    if (index > top) return "ok";
    if (top - index >= this.sizePackets) return "too-old";
    const bit = this.#bitOf(index);
    return (this.#bits[bit >>> 4]! & (1 << (bit & 15))) !== 0 ? "duplicate" : "ok";
  }

  /**
   * Records an authenticated packet. Moving ahead slides the window (forgetting the skipped indices);
   * an index inside the window is marked; an index behind the window is ignored.
   */
  accept(index: number): void {
    if (!(index >= 0)) return;
    const top = this.#top;
    if (index > top) {
      const advance = index - top;
      if (top < 0 || advance >= this.sizePackets) {
        this.#bits.fill(0);
      } else {
        this.#clearRange(this.#bitOf(top + 1), advance);
      }
      this.#top = index;
    } else if (top - index >= this.sizePackets) {
      return;
    }
    const bit = this.#bitOf(index);
    this.#bits[bit >>> 4]! |= 1 << (bit & 15);
  }

  /** Forgets everything (a new key, a new epoch). */
  reset(): void {
    this.#bits.fill(0);
    this.#top = -1;
  }

  #bitOf(index: number): number {
    // `&` truncates to 32 bits, which keeps the low bits exact; only indices ≥ 2^32 need the float `%`.
    return index < 0x80000000 ? index & this.#mask : index % this.sizePackets;
  }

  /** Clears `count` (< size) consecutive bits of the circular bitmap starting at `from`, wrapping around. */
  #clearRange(from: number, count: number): void {
    const size = this.sizePackets;
    const bits = this.#bits;
    let pos = from;
    let left = count;
    while (left > 0) {
      const inWord = pos & 15;
      const word = pos >>> 4;
      const n = Math.min(left, 16 - inWord, size - pos);
      // mask of n bits starting at inWord; the word stays within 16 bits
      bits[word]! &= ~(((1 << n) - 1) << inWord) & 0xffff;
      left -= n;
      pos += n;
      if (pos === size) pos = 0;
    }
  }
}
