/**
 * Hands out packet-sized `Uint8Array`s carved from 64 KiB slabs, the way `Buffer.allocUnsafe` carves its
 * pool: a fresh `ArrayBuffer` per packet costs microseconds (native allocation plus GC accounting) and would
 * be most of SRTP's per-packet cost. Each view is the caller's to keep (nothing else writes into it once
 * handed out); views share their `buffer` with other packets, so never hand `view.buffer` to anyone.
 *
 * `words` is a `Uint32Array` over the whole current slab, for XOR over 32-bit words: a view returned by
 * `alloc` starts 8-aligned, at word `view.byteOffset >>> 2` of `words` (read `words` after `alloc`).
 */
export class OutputSlab {
  static readonly SLAB_BYTES = 65536;
  #bytes: Uint8Array;
  #words: Uint32Array;
  #offset = 0;

  constructor() {
    const buffer = new ArrayBuffer(OutputSlab.SLAB_BYTES);
    this.#bytes = new Uint8Array(buffer);
    this.#words = new Uint32Array(buffer);
  }

  get words(): Uint32Array {
    return this.#words;
  }

  /** A view of `length` octets; contents are whatever was there (overwrite all of it). */
  alloc(length: number): Uint8Array {
    if (length > OutputSlab.SLAB_BYTES >>> 2) {
      // big packets get their own buffer; `words` then does not cover them, which `coversWords` tells
      return new Uint8Array(length);
    }
    if (this.#offset + length > OutputSlab.SLAB_BYTES) {
      const buffer = new ArrayBuffer(OutputSlab.SLAB_BYTES);
      this.#bytes = new Uint8Array(buffer);
      this.#words = new Uint32Array(buffer);
      this.#offset = 0;
    }
    const view = new Uint8Array(this.#bytes.buffer, this.#offset, length);
    this.#offset = (this.#offset + length + 7) & ~7;
    return view;
  }

  /** Whether `view` (from `alloc`) lies in the slab that `words` covers. */
  coversWords(view: Uint8Array): boolean {
    return view.buffer === this.#words.buffer;
  }
}

/**
 * dst[dstOffset + i] ^= src[srcOffset + i] for i < length. Uses the 32-bit views (over the whole
 * `ArrayBuffer` of each side, or undefined) when both absolute offsets are 4-aligned; byte order does not
 * matter for XOR.
 */
export function xorInto(
  dst: Uint8Array,
  dstWords: Uint32Array | undefined,
  dstOffset: number,
  src: Uint8Array,
  srcWords: Uint32Array | undefined,
  srcOffset: number,
  length: number,
): void {
  let i = 0;
  const d = dst.byteOffset + dstOffset;
  const s = src.byteOffset + srcOffset;
  if (dstWords !== undefined && srcWords !== undefined && ((d | s) & 3) === 0) {
    const dw = d >>> 2;
    const sw = s >>> 2;
    const n = length >>> 2;
    for (let w = 0; w < n; w++) dstWords[dw + w]! ^= srcWords[sw + w]!;
    i = n << 2;
  }
  for (; i < length; i++) dst[dstOffset + i]! ^= src[srcOffset + i]!;
}

/**
 * The slab every SRTP transform of the process carves from (as Buffer's pool): a context does not hold
 * 64 KiB of its own (per connection that was most of Tern's memory). Safe because protect/unprotect run to
 * completion synchronously between `alloc` and the use of `words`, and a handed-out view is never rewritten.
 */
let shared: OutputSlab | undefined;
export function sharedOutputSlab(): OutputSlab {
  shared ??= new OutputSlab();
  return shared;
}
