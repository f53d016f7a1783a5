import { type Cipher, createCipheriv } from "node:crypto";

/**
 * AES in Counter Mode for SRTP/SRTCP, RFC 3711 §4.1.1:
 *
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),  block j encrypts IV + j
 *
 * i is the 48-bit packet index (ROC * 2^16 + SEQ for SRTP, the 31-bit SRTCP index for SRTCP), k_s the
 * 112-bit session salt. As big-endian 32-bit words of the 128-bit counter block:
 *
 *   w0 = salt[0..4)   w1 = salt[4..8) ^ SSRC   w2 = salt[8..12) ^ (i >> 16)
 *   w3 = ((salt[12..14) ^ (i & 0xffff)) << 16) | j
 *
 * Node's CTR cipher object cannot be re-keyed with a new IV, and creating one per packet (plus the Buffer its
 * `update` returns) costs far more than the AES itself. So one `aes-128-ecb` cipher, created once per
 * session key, encrypts a whole run of counter blocks — for many packets at a time — in one `update()` call,
 * and the keystream is XORed in JS. ECB with no padding is stateless between whole blocks, so reusing the
 * object for ever is exactly AES-CM.
 *
 * The cipher is created on the first `generate`: a direction that never carries a packet (SRTCP one way,
 * a peer that sends no media) costs no native cipher context. Until then the key waits in a buffer of
 * its own or at `keyAt` in one the caller shares between several keys (one allocation per transform).
 */
export class AesCmKeystream {
  #ecb: Cipher | undefined;
  /** The session key is at [#keyAt, #keyAt + 16) of this until the cipher is made from it. */
  #keyStore: Uint8Array | undefined;
  readonly #keyAt: number;
  readonly #s0: number;
  readonly #s1: number;
  readonly #s2: number;
  readonly #s3: number;

  constructor(cipherKey: Uint8Array, cipherSalt: Uint8Array, keyStore = new Uint8Array(16), keyAt = 0) {
    if (cipherKey.length !== 16 || cipherSalt.length !== 14) {
      throw new RangeError("AES-CM needs a 128-bit session key and a 112-bit session salt");
    }
    if (!(keyAt >= 0 && keyAt + 16 <= keyStore.length))
      throw new RangeError("key does not fit the buffer given");
    keyStore.set(cipherKey, keyAt);
    this.#keyStore = keyStore;
    this.#keyAt = keyAt;
    const s = new DataView(cipherSalt.buffer, cipherSalt.byteOffset, 14);
    this.#s0 = s.getUint32(0);
    this.#s1 = s.getUint32(4);
    this.#s2 = s.getUint32(8);
    this.#s3 = s.getUint16(12);
  }

  /**
   * Keystream for `packets` consecutive indices from `firstIndex` of one SSRC, `stride` octets (a multiple of
   * 16, at most 2^20) per packet: packet k's keystream is `[k * stride, (k + 1) * stride)` of the result.
   */
  generate(ssrc: number, firstIndex: number, packets: number, stride: number): Uint8Array {
    const words = (packets * stride) >>> 2;
    if (counters.length < words) counters = new Uint32Array(Math.max(words, 2 * counters.length));
    // counter blocks are big-endian; the Uint32Array stores in platform order, hence `be32`
    const c = counters;
    const w0 = be32(this.#s0);
    const w1 = be32((this.#s1 ^ ssrc) >>> 0);
    const blocks = stride >>> 4;
    let at = 0;
    for (let k = 0; k < packets; k++) {
      const index = firstIndex + k;
      const high = Math.floor(index / 65536);
      const w2 = be32((this.#s2 ^ high) >>> 0);
      const w3 = ((this.#s3 ^ (index - high * 65536)) << 16) >>> 0;
      for (let j = 0; j < blocks; j++) {
        c[at] = w0;
        c[at + 1] = w1;
        c[at + 2] = w2;
        c[at + 3] = be32((w3 | j) >>> 0);
        at += 4;
      }
    }
    return (this.#ecb ?? this.#createCipher()).update(new Uint8Array(c.buffer, 0, words << 2));
  }

  #createCipher(): Cipher {
    const store = this.#keyStore as Uint8Array;
    const key = store.subarray(this.#keyAt, this.#keyAt + 16);
    const ecb = createCipheriv("aes-128-ecb", key, null);
    ecb.setAutoPadding(false);
    key.fill(0); // the cipher holds the key now
    this.#ecb = ecb;
    this.#keyStore = undefined;
    return ecb;
  }
}

/**
 * The counter blocks `generate` encrypts, shared by every keystream of the process: they are only input to
 * the one synchronous `update` call (which returns a fresh buffer), so no instance needs its own.
 */
let counters = new Uint32Array(256);

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The 32-bit word whose in-memory bytes are `x` big-endian. */
function be32(x: number): number {
  return LITTLE_ENDIAN ? ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0 : x;
}

/** A keystream buffer and the 32-bit view over its whole `ArrayBuffer` (undefined if unaligned). */
export interface Keystream {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array | undefined;
}

export function wordsOf(bytes: Uint8Array): Uint32Array | undefined {
  return (bytes.byteOffset & 3) === 0
    ? new Uint32Array(bytes.buffer, 0, bytes.buffer.byteLength >>> 2)
    : undefined;
}

/** What an empty window holds (shared: nothing writes into a keystream buffer). */
const NO_KEYSTREAM = new Uint8Array(0);

/** Upper bound on one window's keystream, and on the packets it covers. */
const WINDOW_BYTES = 16384;
const WINDOW_MAX_PACKETS = 128;

/**
 * Keystream for the packets of one SSRC, made ahead of time: a window of `count` consecutive indices, each
 * `stride` octets, produced by one `generate` call. Media is sent (and mostly received) in index order,
 * so the next packets' keystream is usually already there. The window adapts: it doubles while its
 * keystream gets used and halves when it was mostly wasted (random access, big jumps), down to one packet,
 * where it costs what a per-packet ECB call costs.
 *
 * Only authenticated indices reach a receiver's window (decryption happens after the tag check), so forged
 * packets cannot make it compute anything.
 */
export class AesCmKeystreamWindow implements Keystream {
  bytes: Uint8Array = NO_KEYSTREAM;
  words: Uint32Array | undefined;
  #first = 0;
  #count = 0;
  #stride = 0;
  #used = 0;
  #want = 1;

  readonly #source: AesCmKeystream;
  readonly #ssrc: number;

  constructor(source: AesCmKeystream, ssrc: number) {
    this.#source = source;
    this.#ssrc = ssrc;
  }

  /** Offset into `bytes` of the keystream for `index`, `length` octets long (refills when needed). */
  locate(index: number, length: number): number {
    const k = index - this.#first;
    if (k >= 0 && k < this.#count && length <= this.#stride) {
      this.#used++;
      return k * this.#stride;
    }
    this.#refill(index, length);
    return 0;
  }

  #refill(index: number, length: number): void {
    if (this.#count > 0) {
      if (this.#used * 2 >= this.#count) this.#want = Math.min(this.#want * 2, WINDOW_MAX_PACKETS);
      else this.#want = Math.max(this.#want >>> 1, 1);
    }
    const stride = Math.max(16, (length + 15) & ~15, length <= this.#stride ? this.#stride : 0);
    const count = Math.max(1, Math.min(this.#want, Math.floor(WINDOW_BYTES / stride)));
    this.bytes = this.#source.generate(this.#ssrc, index, count, stride);
    this.words = wordsOf(this.bytes);
    this.#first = index;
    this.#count = count;
    this.#stride = stride;
    this.#used = 1;
  }
}
