import { type CipherGCM, createCipheriv, createDecipheriv, type DecipherGCM } from "node:crypto";
import type { CipherSuiteInfo } from "../wire/cipher-suite.js";

/**
 * AEAD record protection for DTLS 1.2.
 *
 * AES-GCM (RFC 5288 §3, RFC 6347 §4.1.2.1): nonce = salt[4] (client/server_write_IV) || nonce_explicit[8];
 * the explicit part is sent in front of the ciphertext and Tern sets it to epoch || sequence_number.
 * CHACHA20-POLY1305 (RFC 7905 §2): nonce = write_IV[12] XOR (0^32 || epoch || sequence_number); nothing
 * explicit on the wire.
 * additional_data (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1) = seq_num (epoch || sequence_number, 8 bytes) +
 * type + version + length (of the plaintext).
 */
export interface RecordCipher {
  /** Bytes a protected record adds to its plaintext. */
  readonly overhead: number;
  seal(epoch: number, seq: number, type: number, version: number, plaintext: Uint8Array): Uint8Array;
  /** The plaintext, or undefined when the record fails authentication or is malformed. */
  open(
    epoch: number,
    seq: number,
    type: number,
    version: number,
    fragment: Uint8Array,
  ): Uint8Array | undefined;
}

const TAG_LENGTH = 16;

type Aead = CipherSuiteInfo["aead"];

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

function seqNum(epoch: number, seq: number): Uint8Array {
  const b = new Uint8Array(8);
  b[0] = epoch >> 8;
  b[1] = epoch & 0xff;
  const hi = Math.floor(seq / 0x100000000);
  b[2] = (hi >> 8) & 0xff;
  b[3] = hi & 0xff;
  new DataView(b.buffer).setUint32(4, seq >>> 0);
  return b;
}

function additionalData(epochSeq: Uint8Array, type: number, version: number, length: number): Uint8Array {
  const ad = new Uint8Array(13);
  ad.set(epochSeq);
  ad[8] = type;
  ad[9] = version >> 8;
  ad[10] = version & 0xff;
  ad[11] = length >> 8;
  ad[12] = length & 0xff;
  return ad;
}

export function createRecordCipher(
  suite: CipherSuiteInfo,
  key: Uint8Array,
  writeIv: Uint8Array,
): RecordCipher {
  const algorithm = suite.aead;
  const explicit = suite.explicitNonceLength;
  const nonceFor = (epochSeq: Uint8Array): Uint8Array => {
    const nonce = new Uint8Array(12);
    if (explicit > 0) {
      nonce.set(writeIv.subarray(0, 4));
      nonce.set(epochSeq, 4);
    } else {
      nonce.set(writeIv);
      for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] as number) ^ (epochSeq[i] as number);
    }
    return nonce;
  };
  return {
    overhead: explicit + TAG_LENGTH,
    seal(epoch, seq, type, version, plaintext) {
      const es = seqNum(epoch, seq);
      const cipher = cipherFor(algorithm, key, nonceFor(es));
      cipher.setAAD(additionalData(es, type, version, plaintext.length), {
        plaintextLength: plaintext.length,
      });
      const body = cipher.update(plaintext);
      cipher.final();
      const tag = cipher.getAuthTag();
      const out = new Uint8Array(explicit + body.length + TAG_LENGTH);
      if (explicit > 0) out.set(es);
      out.set(body, explicit);
      out.set(tag, explicit + body.length);
      return out;
    },
    open(epoch, seq, type, version, fragment) {
      const length = fragment.length - explicit - TAG_LENGTH;
      if (length < 0) return undefined;
      const nonce =
        explicit > 0
          ? (() => {
              const n = new Uint8Array(12);
              n.set(writeIv.subarray(0, 4));
              n.set(fragment.subarray(0, explicit), 4);
              return n;
            })()
          : nonceFor(seqNum(epoch, seq));
      try {
        const decipher = decipherFor(algorithm, key, nonce);
        decipher.setAAD(additionalData(seqNum(epoch, seq), type, version, length), {
          plaintextLength: length,
        });
        decipher.setAuthTag(fragment.subarray(explicit + length));
        const body = decipher.update(fragment.subarray(explicit, explicit + length));
        decipher.final();
        return new Uint8Array(body.buffer, body.byteOffset, body.length);
      } catch {
        return undefined;
      }
    },
  };
}
