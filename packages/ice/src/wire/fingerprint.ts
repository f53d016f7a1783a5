/**
 * FINGERPRINT (RFC 8489 §14.7).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      0x8028                   |          Length = 4           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 CRC-32 xor 0x5354554e                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The CRC-32 of ISO/IEC 13239 (zlib's) over the message up to, not including, the FINGERPRINT attribute,
 * with the header Length already counting FINGERPRINT. When present it MUST be the last attribute.
 */
import { crc32 } from "node:zlib";

/** RFC 8489 §14.7: "STUN" in ASCII. */
export const FINGERPRINT_XOR = 0x5354554e;

/** The FINGERPRINT value for `bytesBefore` (the header with its final Length, and the attributes before it). */
export function computeFingerprint(bytesBefore: Uint8Array): number {
  return (crc32(bytesBefore) ^ FINGERPRINT_XOR) >>> 0;
}
