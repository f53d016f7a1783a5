/**
 * The fragments of one user message being reassembled (RFC 9260 §6.9, RFC 8260 §2.1), kept sorted by
 * `key`: the TSN for DATA (a message's fragments take consecutive TSNs) or the FSN for I-DATA. Arrival is
 * mostly in order, so insertion looks from the end.
 */
export class MessageAssembly {
  readonly #keys: number[] = [];
  readonly #parts: Uint8Array[] = [];
  /** Key of the B fragment, or -1 until it came. */
  firstKey = -1;
  /** Key of the E fragment, or -1 until it came. */
  lastKey = -1;
  /** User bytes held. */
  bytes = 0;
  /** Lowest TSN among the fragments (to drop it when FORWARD TSN passes it). */
  minTsn = Number.POSITIVE_INFINITY;
  ppid = 0;

  constructor(
    readonly streamId: number,
    readonly unordered: boolean,
    /** Unwrapped SSN or MID (ordered), MID (I-DATA unordered), or -1 (DATA unordered). */
    readonly sequence: number,
  ) {}

  get count(): number {
    return this.#keys.length;
  }

  /** Adds one fragment; returns false if one with the same key is already there (ignored). */
  add(
    key: number,
    tsn: number,
    data: Uint8Array,
    beginning: boolean,
    ending: boolean,
    ppid: number,
  ): boolean {
    const keys = this.#keys;
    let i = keys.length;
    while (i > 0 && (keys[i - 1] as number) > key) i--;
    if (i > 0 && keys[i - 1] === key) return false;
    if (i === keys.length) {
      keys.push(key);
      this.#parts.push(data);
    } else {
      keys.splice(i, 0, key);
      this.#parts.splice(i, 0, data);
    }
    this.bytes += data.length;
    if (tsn < this.minTsn) this.minTsn = tsn;
    if (beginning) {
      this.firstKey = key;
      this.ppid = ppid;
    }
    if (ending) this.lastKey = key;
    return true;
  }

  /** Every fragment from B to E is here (keys are consecutive from B to E). */
  get complete(): boolean {
    return (
      this.firstKey >= 0 &&
      this.lastKey >= this.firstKey &&
      this.#keys.length === this.lastKey - this.firstKey + 1
    );
  }

  /** The message: one copy of every fragment into one array. */
  assemble(): Uint8Array {
    if (this.#parts.length === 1) return this.#parts[0] as Uint8Array;
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
