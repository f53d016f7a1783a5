import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";
import type { SrtpDerivedKeys } from "./srtp-key-derivation.js";
import { sharedOutputSlab } from "./srtp-output-slab.js";
import type { SrtpTransform } from "./srtp-transform.js";

const TAG_LENGTH = 16;

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP, RFC 7714:
 * - SRTP (§8): IV = (00 00 || SSRC || ROC || SEQ) XOR salt; AAD = the RTP header (CSRCs and extension
 *   included); the 16-octet tag follows the ciphertext.
 * - SRTCP (§9): IV = (00 00 || SSRC || 00 00 || 0 || 31-bit index) XOR salt; with E = 1 the AAD is the
 *   first 8 octets || ESRTCP word and the rest is encrypted; with E = 0 the AAD is the whole RTCP packet ||
 *   ESRTCP word and only the tag is produced (§9.3). Layout: header || cipher || tag || ESRTCP word.
 *
 * Node's GCM cipher cannot take a new IV, so each packet needs its own cipher object — that object, and the
 * Buffers its `update`/`getAuthTag` return, are most of the per-packet cost here. Never hand-written GHASH.
 */
export class AesGcmTransform implements SrtpTransform<undefined> {
  readonly srtpTagLength = TAG_LENGTH;
  readonly srtcpTrailerLength = TAG_LENGTH + 4;
  readonly #algorithm: "aes-128-gcm" | "aes-256-gcm";
  readonly #rtpKey: KeyObject;
  readonly #rtcpKey: KeyObject;
  readonly #rtpSalt: Uint8Array;
  readonly #rtcpSalt: Uint8Array;
  readonly #iv = new Uint8Array(12);
  #aad = new Uint8Array(64);
  readonly #slab = sharedOutputSlab();

  constructor(keys: SrtpDerivedKeys) {
    const keyLength = keys.srtp.cipherKey.length;
    if ((keyLength !== 16 && keyLength !== 32) || keys.srtp.cipherSalt.length !== 12) {
      throw new RangeError("AES-GCM needs a 128- or 256-bit session key and a 96-bit session salt");
    }
    this.#algorithm = keyLength === 16 ? "aes-128-gcm" : "aes-256-gcm";
    this.#rtpKey = createSecretKey(keys.srtp.cipherKey);
    this.#rtcpKey = createSecretKey(keys.srtcp.cipherKey);
    this.#rtpSalt = keys.srtp.cipherSalt;
    this.#rtcpSalt = keys.srtcp.cipherSalt;
  }

  createRtpStream(): undefined {
    return undefined;
  }

  protectRtp(rtp: Uint8Array, headerLength: number, ssrc: number, roc: number, seq: number): Uint8Array {
    const length = rtp.length;
    const cipher = createCipheriv(this.#algorithm, this.#rtpKey, this.#formIv(this.#rtpSalt, ssrc, roc, seq));
    cipher.setAAD(rtp.subarray(0, headerLength));
    const ciphertext = cipher.update(rtp.subarray(headerLength));
    cipher.final();
    const out = this.#slab.alloc(length + TAG_LENGTH);
    out.set(rtp.subarray(0, headerLength));
    out.set(ciphertext, headerLength);
    out.set(cipher.getAuthTag(), length);
    return out;
  }

  unprotectRtp(
    srtp: Uint8Array,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
  ): Uint8Array | undefined {
    const end = srtp.length - TAG_LENGTH;
    const decipher = createDecipheriv(
      this.#algorithm,
      this.#rtpKey,
      this.#formIv(this.#rtpSalt, ssrc, roc, seq),
    );
    decipher.setAAD(srtp.subarray(0, headerLength));
    decipher.setAuthTag(srtp.subarray(end));
    const plaintext = decipher.update(srtp.subarray(headerLength, end));
    if (!finalVerifies(decipher)) return undefined;
    const out = this.#slab.alloc(end);
    out.set(srtp.subarray(0, headerLength));
    out.set(plaintext, headerLength);
    return out;
  }

  protectRtcp(rtcp: Uint8Array, ssrc: number, index: number, encrypt: boolean): Uint8Array {
    const length = rtcp.length;
    const esrtcp = ((encrypt ? 0x80000000 : 0) | index) >>> 0;
    const cipher = createCipheriv(
      this.#algorithm,
      this.#rtcpKey,
      this.#formIv(this.#rtcpSalt, ssrc, 0, index),
    );
    const aadLength = encrypt ? 8 : length;
    cipher.setAAD(this.#formAad(rtcp, aadLength, esrtcp));
    const out = this.#slab.alloc(length + TAG_LENGTH + 4);
    out.set(rtcp.subarray(0, aadLength));
    if (encrypt) out.set(cipher.update(rtcp.subarray(8)), 8);
    cipher.final();
    out.set(cipher.getAuthTag(), length);
    writeUint32(out, length + TAG_LENGTH, esrtcp);
    return out;
  }

  esrtcpOffset(length: number): number {
    return length - 4;
  }

  unprotectRtcp(srtcp: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined {
    const tagAt = srtcp.length - 4 - TAG_LENGTH;
    const esrtcp = ((encrypted ? 0x80000000 : 0) | index) >>> 0;
    const decipher = createDecipheriv(
      this.#algorithm,
      this.#rtcpKey,
      this.#formIv(this.#rtcpSalt, ssrc, 0, index),
    );
    decipher.setAAD(this.#formAad(srtcp, encrypted ? 8 : tagAt, esrtcp));
    decipher.setAuthTag(srtcp.subarray(tagAt, tagAt + TAG_LENGTH));
    const plaintext = encrypted ? decipher.update(srtcp.subarray(8, tagAt)) : undefined;
    if (!finalVerifies(decipher)) return undefined;
    const out = this.#slab.alloc(tagAt);
    if (plaintext === undefined) {
      out.set(srtcp.subarray(0, tagAt));
    } else {
      out.set(srtcp.subarray(0, 8));
      out.set(plaintext, 8);
    }
    return out;
  }

  /**
   * The 12-octet IV: (00 00 || SSRC || 48-bit value) XOR salt, the 48-bit value being ROC || SEQ for SRTP
   * (RFC 7714 §8.1, `roc` and `low` = SEQ) and 00 00 || 0 || 31-bit index for SRTCP (§9.1, `roc` = 0 and
   * `low` = index). Both are `roc * 2^16 + low`, written big-endian into octets [6, 12).
   */
  #formIv(salt: Uint8Array, ssrc: number, roc: number, low: number): Uint8Array {
    const iv = this.#iv;
    const high = roc + Math.floor(low / 65536); // octets [6, 10)
    iv[0] = salt[0]!;
    iv[1] = salt[1]!;
    iv[2] = salt[2]! ^ (ssrc >>> 24);
    iv[3] = salt[3]! ^ (ssrc >>> 16);
    iv[4] = salt[4]! ^ (ssrc >>> 8);
    iv[5] = salt[5]! ^ ssrc;
    iv[6] = salt[6]! ^ (high >>> 24);
    iv[7] = salt[7]! ^ (high >>> 16);
    iv[8] = salt[8]! ^ (high >>> 8);
    iv[9] = salt[9]! ^ high;
    iv[10] = salt[10]! ^ (low >>> 8);
    iv[11] = salt[11]! ^ low;
    return iv;
  }

  /** `packet[0, length) || esrtcp` in a reused buffer (RFC 7714 §9.2/§9.3 AAD). */
  #formAad(packet: Uint8Array, length: number, esrtcp: number): Uint8Array {
    if (this.#aad.length < length + 4) this.#aad = new Uint8Array(2 * (length + 4));
    const aad = this.#aad;
    aad.set(packet.subarray(0, length));
    writeUint32(aad, length, esrtcp);
    return aad.subarray(0, length + 4);
  }
}

function finalVerifies(decipher: { final(): unknown }): boolean {
  try {
    decipher.final();
    return true;
  } catch {
    return false;
  }
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
}
