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
 * caller into the buffer `reserve` returns, right after this key's ipad block, so the inner hash is one
 * call over contiguous bytes. A property test checks this equals `createHmac("sha1", key)` for random keys
 * and messages, with contexts interleaved.
 *
 * Memory: an instance keeps only its 128 octets of pads, in a buffer of its own or at `padsAt` in one
 * the caller shares between several keys (one allocation per SRTP transform). The buffers hashed are process-wide, shared by
 * every instance (as Buffer's pool is): `reserve` copies this key's ipad into the shared inner buffer and
 * `sign` its opad into the shared outer one. Safe because a `reserve` … `sign` sequence runs to completion
 * synchronously, with no other instance's `reserve` in between (the callers guarantee that); what the
 * caller wrote after `MESSAGE_OFFSET` is left as it was by `sign`.
 */
export class HmacSha1 {
  /** [at, at + 64) K ^ ipad, [at + 64, at + 128) K ^ opad */
  readonly #pads: Uint8Array;
  readonly #at: number;

  static readonly MESSAGE_OFFSET = 64;
  /** Octets of pads an instance keeps. */
  static readonly PADS_LENGTH = 128;

  /** `pads[padsAt, padsAt + 128)` is written here and then read by this instance only. */
  constructor(key: Uint8Array, pads = new Uint8Array(HmacSha1.PADS_LENGTH), padsAt = 0) {
    if (!(padsAt >= 0 && padsAt + HmacSha1.PADS_LENGTH <= pads.length)) {
      throw new RangeError("HMAC pads do not fit the buffer given");
    }
    const k = key.length > 64 ? binaryToBytes(hash("sha1", key, "binary")) : key;
    this.#pads = pads;
    this.#at = padsAt;
    pads.fill(0x36, padsAt, padsAt + 64);
    pads.fill(0x5c, padsAt + 64, padsAt + 128);
    for (let i = 0; i < k.length; i++) {
      pads[padsAt + i]! ^= k[i]!;
      pads[padsAt + 64 + i]! ^= k[i]!;
    }
  }

  /**
   * The shared buffer to write a message of `length` octets into, from `MESSAGE_OFFSET`, with this key's
   * ipad block before it. Valid until the next `reserve` of any instance; pass it to `sign` before that.
   */
  reserve(length: number): Uint8Array {
    if (inner.length < 64 + length) {
      inner = new Uint8Array(64 + Math.max(length, 2 * (inner.length - 64)));
    }
    const pads = this.#pads;
    const at = this.#at;
    for (let i = 0; i < 64; i++) inner[i] = pads[at + i]!;
    return inner;
  }

  /**
   * HMAC of `[64, 64 + length)` of the buffer the last `reserve` returned (which must have been this
   * instance's), its first `tagLength` (≤ 20) octets written to `out[outOffset…]`.
   */
  sign(length: number, out: Uint8Array, outOffset: number, tagLength: number): void {
    const innerMac = hash("sha1", inner.subarray(0, 64 + length), "binary");
    const pads = this.#pads;
    const at = this.#at + 64;
    for (let i = 0; i < 64; i++) outer[i] = pads[at + i]!;
    for (let i = 0; i < 20; i++) outer[64 + i] = innerMac.charCodeAt(i);
    const mac = hash("sha1", outer, "binary");
    for (let i = 0; i < tagLength; i++) out[outOffset + i] = mac.charCodeAt(i);
  }
}

/** Shared by all instances (see the class comment); grown for the largest message seen. */
let inner = new Uint8Array(64 + 1500);
const outer = new Uint8Array(64 + 20);

function binaryToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
