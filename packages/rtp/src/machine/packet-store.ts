/**
 * Copies of packets a machine keeps (the retransmission history's), carved from 16-KiB slabs of its own
 * and addressed by slab number and offset — no object per copy. A media sender keeps its last thousand
 * packets: one view and one record object each survived long enough to be copied and promoted by the
 * garbage collector, which cost more of the send path than the copies themselves. A slab is dropped
 * once every copy in it has been released (and it is no longer the one being filled); one dropped slab
 * is kept for the next (a ring in steady state then allocates no ArrayBuffer: 70 MB/s of fresh slabs at
 * 60,000 packets/s drove V8's external-memory GCs). What an owner pins is what it keeps plus two slabs.
 */
const SLAB_BYTES = 16 * 1024;
/** Larger copies get a slab of their own. */
const LARGEST_CARVED = SLAB_BYTES / 4;

export class PacketStore {
  readonly #slabs: (Uint8Array | undefined)[] = [];
  /** copies not yet released, per slab */
  readonly #live: number[] = [];
  /** slab numbers free for reuse */
  readonly #free: number[] = [];
  /** a dropped slab's array, for the next slab */
  #spare: Uint8Array | undefined;
  #current = -1;
  #used = 0;
  /** The slab number of the last `reserve` (release it when the copy is dropped). */
  slab = -1;
  /** The offset in its slab of the last `reserve`. */
  offset = 0;

  /**
   * Room for `n` octets: returns the slab to write them into, at `this.offset`; `this.slab` names it for
   * `release` and `bytes`.
   */
  reserve(n: number): Uint8Array {
    let i: number;
    if (n > LARGEST_CARVED) {
      i = this.#newSlab(n);
      this.offset = 0;
    } else {
      i = this.#current;
      if (i < 0 || this.#used + n > SLAB_BYTES) {
        const old = i;
        i = this.#newSlab(SLAB_BYTES);
        this.#current = i;
        this.#used = 0;
        if (old >= 0 && this.#live[old] === 0) this.#drop(old);
      }
      this.offset = this.#used;
      this.#used += (n + 7) & ~7;
    }
    this.#live[i] = (this.#live[i] ?? 0) + 1;
    this.slab = i;
    return this.#slabs[i] as Uint8Array;
  }

  /** One copy in `slab` is no longer kept. */
  release(slab: number): void {
    const live = (this.#live[slab] ?? 0) - 1;
    this.#live[slab] = live;
    if (live <= 0 && slab !== this.#current) this.#drop(slab);
  }

  /** The slab `slab` (for reading a copy in it). */
  bytes(slab: number): Uint8Array | undefined {
    return this.#slabs[slab];
  }

  /** Slabs held now, the spare one included (for tests and memory accounting). */
  get slabs(): number {
    return this.#slabs.length - this.#free.length + (this.#spare ? 1 : 0);
  }

  #newSlab(n: number): number {
    const i = this.#free.pop() ?? this.#slabs.length;
    const spare = this.#spare;
    if (n === SLAB_BYTES && spare) this.#spare = undefined;
    this.#slabs[i] = n === SLAB_BYTES && spare ? spare : new Uint8Array(n);
    this.#live[i] = 0;
    return i;
  }

  #drop(i: number): void {
    const slab = this.#slabs[i];
    if (slab?.length === SLAB_BYTES) this.#spare = slab;
    this.#slabs[i] = undefined;
    this.#live[i] = 0;
    this.#free.push(i);
  }
}
