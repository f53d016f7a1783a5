/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5) and MESSAGE-INTEGRITY-SHA256 (§14.6).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      0x0008 / 0x001C          |   Length = 20 / 16..32 (×4)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             HMAC-SHA1 (20 bytes) / HMAC-SHA256 (≥ 16 bytes)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The HMAC covers the message up to, not including, the attribute, with the header Length set as if the
 * attribute were the last one (so later FINGERPRINT / MESSAGE-INTEGRITY-SHA256 are excluded). A truncated
 * MESSAGE-INTEGRITY-SHA256 carries the leading bytes of the HMAC.
 */
import { hmacSha1, hmacSha256, macEqual } from "../crypto/stun-integrity.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { findAttributeSpan, STUN_HEADER_LENGTH } from "./stun-header.js";
import type { DecodedStunMessage } from "./stun-message-types.js";
import { StunAttrType } from "./stun-message-types.js";

export const MESSAGE_INTEGRITY_LENGTH = 20;
export const MESSAGE_INTEGRITY_SHA256_LENGTH = 32;

export function decodeMessageIntegrity(value: Uint8Array): Decoded<Uint8Array, "attribute-malformed"> {
  if (value.length !== MESSAGE_INTEGRITY_LENGTH) return decodeFail("attribute-malformed", 0);
  return decodeOk(value);
}

export function decodeMessageIntegritySha256(value: Uint8Array): Decoded<Uint8Array, "attribute-malformed"> {
  if (value.length < 16 || value.length > 32 || value.length % 4 !== 0) {
    return decodeFail("attribute-malformed", 0);
  }
  return decodeOk(value);
}

/**
 * HMAC over `bytes[0..offset]` with the header Length replaced by `offset - 20 + 4 + valueLength`
 * (the message as if the integrity attribute at `offset` ended it).
 */
export function computeIntegrity(
  algorithm: "sha1" | "sha256",
  key: Uint8Array,
  bytes: Uint8Array,
  offset: number,
  valueLength: number,
): Uint8Array {
  const length = offset - STUN_HEADER_LENGTH + 4 + valueLength;
  const chunks = [bytes.subarray(0, 2), Uint8Array.of(length >> 8, length & 0xff), bytes.subarray(4, offset)];
  return algorithm === "sha1" ? hmacSha1(key, chunks) : hmacSha256(key, chunks);
}

/** RFC 8489 §14.5: check MESSAGE-INTEGRITY over the raw bytes; timing-safe compare. */
export function verifyMessageIntegrity(msg: DecodedStunMessage, key: Uint8Array): "ok" | "missing" | "bad" {
  // One the decoder ignored (after MESSAGE-INTEGRITY-SHA256, RFC 8489 §14.6) does not count.
  if (!msg.attributes.some((a) => a.type === "message-integrity")) return "missing";
  const span = findAttributeSpan(msg.raw, StunAttrType.MessageIntegrity);
  if (span === undefined) return "missing";
  if (span.valueLength !== MESSAGE_INTEGRITY_LENGTH) return "bad";
  const expected = computeIntegrity("sha1", key, msg.raw, span.offset, MESSAGE_INTEGRITY_LENGTH);
  const got = msg.raw.subarray(span.offset + 4, span.offset + 4 + MESSAGE_INTEGRITY_LENGTH);
  return macEqual(expected, got) ? "ok" : "bad";
}

/** RFC 8489 §14.6: check MESSAGE-INTEGRITY-SHA256 (possibly truncated to ≥ 16 bytes); timing-safe compare. */
export function verifyMessageIntegritySha256(
  msg: DecodedStunMessage,
  key: Uint8Array,
): "ok" | "missing" | "bad" {
  if (!msg.attributes.some((a) => a.type === "message-integrity-sha256")) return "missing";
  const span = findAttributeSpan(msg.raw, StunAttrType.MessageIntegritySha256);
  if (span === undefined) return "missing";
  const n = span.valueLength;
  if (n < 16 || n > 32 || n % 4 !== 0) return "bad";
  const expected = computeIntegrity("sha256", key, msg.raw, span.offset, n).subarray(0, n);
  const got = msg.raw.subarray(span.offset + 4, span.offset + 4 + n);
  return macEqual(expected, got) ? "ok" : "bad";
}
