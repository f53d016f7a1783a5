/**
 * Copies of payloads a machine keeps (the retransmission history's), carved from slabs of its own rather
 * than one ArrayBuffer each: a media sender keeps every packet it sends, and a fresh `new Uint8Array(n)`
 * per packet is an off-heap allocation that shows in the send path's profile. A slab belongs to one
 * owner, so its copies age together and a slab is freed once the owner has dropped every copy in it;
 * what one owner pins is what it keeps plus at most one slab.
 */
const SLAB_BYTES = 16 * 1024;
/** Larger payloads get an ArrayBuffer of their own. */
const LARGEST_CARVED = SLAB_BYTES / 4;

export class PayloadSlab {
  #slab: Uint8Array | undefined;
  #used = 0;

  /** A copy of `bytes` (never a view of them). */
  copy(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    if (n > LARGEST_CARVED) return new Uint8Array(bytes);
    let slab = this.#slab;
    if (slab === undefined || this.#used + n > slab.length) {
      slab = new Uint8Array(SLAB_BYTES);
      this.#slab = slab;
      this.#used = 0;
    }
    const out = slab.subarray(this.#used, this.#used + n);
    out.set(bytes);
    this.#used += (n + 7) & ~7;
    return out;
  }
}
