import { hash } from "node:crypto";

/**
 * HMAC-SHA1 (RFC 2104) for SRTP's authentication transform (RFC 3711 §4.2.1), composed from the one-shot
 * `crypto.hash` over precomputed key-XOR-ipad / key-XOR-opad blocks:
 *
 *   HMAC(K, m) = SHA1((K ^ opad) || SHA1((K ^ ipad) || m))
 *
 * Why not `createHmac`: every `createHmac(...).digest()` builds a native object and a result Buffer (a new
 * ArrayBuffer each time, which dominates the cost for packet-sized input). `crypto.hash(…, "binary")`
 * returns its digest as a short string and allocates nothing off-heap. The message is written by the
 * caller into `scratch` right after the ipad block so the inner hash is one call over contiguous bytes.
 * A property test checks this equals `createHmac("sha1", key)` for random keys and messages.
 */
export class HmacSha1 {
  /** [0, 64) holds K ^ ipad; callers write the message from `HmacSha1.MESSAGE_OFFSET`. */
  scratch: Uint8Array;
  readonly #outer = new Uint8Array(64 + 20);

  static readonly MESSAGE_OFFSET = 64;

  constructor(key: Uint8Array, initialMessageCapacity = 1500) {
    const k = key.length > 64 ? binaryToBytes(hash("sha1", key, "binary")) : key;
    this.scratch = new Uint8Array(64 + initialMessageCapacity);
    this.scratch.fill(0x36, 0, 64);
    this.#outer.fill(0x5c, 0, 64);
    for (let i = 0; i < k.length; i++) {
      this.scratch[i]! ^= k[i]!;
      this.#outer[i]! ^= k[i]!;
    }
  }

  /** Makes room for a message of `length` octets in `scratch` (keeping the ipad block), and returns it. */
  reserve(length: number): Uint8Array {
    if (this.scratch.length < 64 + length) {
      const grown = new Uint8Array(64 + Math.max(length, 2 * (this.scratch.length - 64)));
      grown.set(this.scratch.subarray(0, 64));
      this.scratch = grown;
    }
    return this.scratch;
  }

  /**
   * HMAC of `scratch[64, 64 + length)`, its first `tagLength` (≤ 20) octets written to `out[outOffset…]`.
   */
  sign(length: number, out: Uint8Array, outOffset: number, tagLength: number): void {
    const inner = hash("sha1", this.scratch.subarray(0, 64 + length), "binary");
    const outer = this.#outer;
    for (let i = 0; i < 20; i++) outer[64 + i] = inner.charCodeAt(i);
    const mac = hash("sha1", outer, "binary");
    for (let i = 0; i < tagLength; i++) out[outOffset + i] = mac.charCodeAt(i);
  }
}

function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
