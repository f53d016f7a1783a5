import { type CipherGCM, createCipheriv, createDecipheriv, type DecipherGCM } from "node:crypto";
import type { Tls13CipherSuiteInfo } from "../wire/tls13-cipher-suite.js";

/**
 * DTLS 1.3 record protection for one epoch and direction (RFC 9147 §4, RFC 8446 §5.2-5.3):
 *
 * - AEAD over DTLSInnerPlaintext; nonce = iv XOR the 64-bit sequence number (left-padded; the epoch is not
 *   in the nonce); additional data = the record header as sent, before record number encryption.
 * - Record number encryption (RFC 9147 §4.2.3): Mask = AES-ECB(sn_key, Ciphertext[0..15]) for AES suites,
 *   ChaCha20(sn_key, counter = Ciphertext[0..3], nonce = Ciphertext[4..15]) for ChaCha20; the sequence
 *   number bytes on the wire are XORed with the mask's first bytes.
 */
export interface RecordProtection13 {
  seal(seq: number, additionalData: Uint8Array, innerPlaintext: Uint8Array): Uint8Array;
  /** The inner plaintext, or undefined when the record fails authentication. */
  open(seq: number, additionalData: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined;
  /** The record number mask for a ciphertext of at least 16 bytes. */
  mask(ciphertext: Uint8Array): Uint8Array;
}

export const TAG_LENGTH = 16;

type Aead = Tls13CipherSuiteInfo["aead"];

function cipherFor(algorithm: Aead, key: Uint8Array, nonce: Uint8Array): CipherGCM {
  return algorithm === "chacha20-poly1305"
    ? createCipheriv(algorithm, key, nonce, { authTagLength: TAG_LENGTH })
    : createCipheriv(algorithm, key, nonce, { authTagLength: TAG_LENGTH });
}

function decipherFor(algorithm: Aead, key: Uint8Array, nonce: Uint8Array): DecipherGCM {
  return algorithm === "chacha20-poly1305"
    ? createDecipheriv(algorithm, key, nonce, { authTagLength: TAG_LENGTH })
    : createDecipheriv(algorithm, key, nonce, { authTagLength: TAG_LENGTH });
}

export function createRecordProtection13(
  suite: Tls13CipherSuiteInfo,
  key: Uint8Array,
  iv: Uint8Array,
  snKey: Uint8Array,
): RecordProtection13 {
  const algorithm = suite.aead;
  const nonceFor = (seq: number): Uint8Array => {
    const nonce = iv.slice();
    const hi = Math.floor(seq / 0x100000000);
    const lo = seq >>> 0;
    const tail = [
      hi >>> 24,
      (hi >>> 16) & 0xff,
      (hi >>> 8) & 0xff,
      hi & 0xff,
      lo >>> 24,
      (lo >>> 16) & 0xff,
      (lo >>> 8) & 0xff,
      lo & 0xff,
    ];
    for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] as number) ^ (tail[i] as number);
    return nonce;
  };
  // AES-ECB keeps no state between blocks: one cipher object serves every record of the epoch.
  const ecb =
    algorithm === "chacha20-poly1305"
      ? undefined
      : createCipheriv(`aes-${snKey.length * 8}-ecb`, snKey, null);
  ecb?.setAutoPadding(false);
  return {
    seal(seq, additionalData, innerPlaintext) {
      const cipher = cipherFor(algorithm, key, nonceFor(seq));
      cipher.setAAD(additionalData, { plaintextLength: innerPlaintext.length });
      const body = cipher.update(innerPlaintext);
      cipher.final();
      const out = new Uint8Array(body.length + TAG_LENGTH);
      out.set(body);
      out.set(cipher.getAuthTag(), body.length);
      return out;
    },
    open(seq, additionalData, ciphertext) {
      const length = ciphertext.length - TAG_LENGTH;
      if (length < 0) return undefined;
      try {
        const d = decipherFor(algorithm, key, nonceFor(seq));
        d.setAAD(additionalData, { plaintextLength: length });
        d.setAuthTag(ciphertext.subarray(length));
        const body = d.update(ciphertext.subarray(0, length));
        d.final();
        return new Uint8Array(body.buffer, body.byteOffset, body.length);
      } catch {
        return undefined;
      }
    },
    mask(ciphertext) {
      const sample = ciphertext.subarray(0, 16);
      if (ecb !== undefined) return new Uint8Array(ecb.update(sample));
      const c = createCipheriv("chacha20", snKey, sample);
      return new Uint8Array(c.update(new Uint8Array(16)));
    },
  };
}
