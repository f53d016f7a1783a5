/**
 * (Copied from packages/ice/test/sim/prng.ts: leaf packages never import each other, not even in tests.)
 *
 * A seeded pseudo-random generator for simulations: mulberry32 (Tommy Ettinger's 32-bit mixer).
 * Not cryptographic — it only has to be fast, well spread and reproducible from one seed, so that a
 * failing simulation replays exactly. Everything in a simulation (loss, delay, NAT ports, endpoints'
 * injected randomness) draws from one of these.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Prng seed must be an integer, got ${seed}`);
    this.#state = seed >>> 0;
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Prng.int: bad range [${min}, ${max}]`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p` (p <= 0 never draws, so a zero rate leaves the stream untouched). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /** `n` pseudo-random bytes (e.g. an injected STUN transaction id). */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextU32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** An independent generator seeded from this one: give each component its own stream. */
  fork(): Prng {
    return new Prng(this.nextU32());
  }
}
