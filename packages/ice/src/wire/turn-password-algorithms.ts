/**
 * PASSWORD-ALGORITHMS (0x8002, RFC 8489 §14.11) and PASSWORD-ALGORITHM (0x001D, §14.12), which the STUN
 * codec keeps as raw "unknown" attributes; the TURN client's long-term credential exchange (§9.2)
 * reads and writes them here.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Algorithm 1           | Algorithm 1 Parameters Length |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Algorithm 1 Parameters (variable)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Algorithm 2           | Algorithm 2 Parameters Length |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    ...
 * ```
 * PASSWORD-ALGORITHM is one such entry. Parameters are padded to 4 bytes. IANA "STUN Password
 * Algorithms": 0x0001 MD5, 0x0002 SHA-256 (both without parameters).
 *
 * The NONCE of a server that supports these starts with the "nonce cookie" `obMatJos2` and four base64
 * characters of 24 "STUN Security Features" bits (§9.2, with erratum 6290: bit 0 is the least
 * significant): bit 0 "Password algorithms", bit 1 "Username anonymity".
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { paddedLength, readUint16 } from "./stun-header.js";
import { StunAttrType } from "./stun-message-types.js";

export const PasswordAlgorithm = { MD5: 0x0001, SHA256: 0x0002 } as const;

export interface PasswordAlgorithmEntry {
  readonly algorithm: number;
  readonly parameters: Uint8Array;
}

/** Bound on entries walked (the IANA registry has two). */
const MAX_ENTRIES = 16;

export function decodePasswordAlgorithms(
  value: Uint8Array,
): Decoded<readonly PasswordAlgorithmEntry[], "attribute-malformed"> {
  const out: PasswordAlgorithmEntry[] = [];
  let offset = 0;
  while (offset < value.length) {
    if (out.length >= MAX_ENTRIES || value.length - offset < 4)
      return decodeFail("attribute-malformed", offset);
    const algorithm = readUint16(value, offset);
    const length = readUint16(value, offset + 2);
    if (offset + 4 + length > value.length) return decodeFail("attribute-malformed", offset + 2);
    out.push({ algorithm, parameters: value.slice(offset + 4, offset + 4 + length) });
    offset = Math.min(value.length, offset + 4 + paddedLength(length));
  }
  return decodeOk(out);
}

export function encodePasswordAlgorithm(entry: PasswordAlgorithmEntry): Uint8Array {
  const n = entry.parameters.length;
  if (n > 0xffff || !Number.isInteger(entry.algorithm) || entry.algorithm < 0 || entry.algorithm > 0xffff) {
    throw new RangeError("PASSWORD-ALGORITHM: 16-bit algorithm and parameters under 64 KiB");
  }
  const out = new Uint8Array(4 + paddedLength(n));
  out[0] = entry.algorithm >> 8;
  out[1] = entry.algorithm & 0xff;
  out[2] = n >> 8;
  out[3] = n & 0xff;
  out.set(entry.parameters, 4);
  return out;
}

/** The PASSWORD-ALGORITHM attribute, as the STUN codec carries it (raw). */
export function passwordAlgorithmAttribute(algorithm: number): {
  readonly type: "unknown";
  readonly code: number;
  readonly raw: Uint8Array;
} {
  return {
    type: "unknown",
    code: StunAttrType.PasswordAlgorithm,
    raw: encodePasswordAlgorithm({ algorithm, parameters: new Uint8Array(0) }),
  };
}

export const NONCE_COOKIE = "obMatJos2";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** STUN Security Features of a nonce that starts with the nonce cookie; undefined otherwise. */
export function nonceSecurityFeatures(
  nonce: string,
): { readonly passwordAlgorithms: boolean; readonly usernameAnonymity: boolean } | undefined {
  if (!nonce.startsWith(NONCE_COOKIE) || nonce.length < NONCE_COOKIE.length + 4) return undefined;
  let bits = 0;
  for (const ch of nonce.slice(NONCE_COOKIE.length, NONCE_COOKIE.length + 4)) {
    const sextet = BASE64.indexOf(ch);
    if (sextet < 0) return undefined;
    bits = (bits << 6) | sextet;
  }
  return { passwordAlgorithms: (bits & 1) !== 0, usernameAnonymity: (bits & 2) !== 0 };
}
