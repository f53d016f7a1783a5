/**
 * STUN messages (RFC 8489 §5, §6, §14): decode untrusted bytes, encode typed messages with
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT computed over the output.
 *
 * Decoding rules (what is kept and what is refused):
 * - The datagram is exactly one message: Length is a multiple of 4 and 20 + Length = data.length.
 * - At most MAX_STUN_ATTRIBUTES attributes are walked ("too-many-attributes").
 * - FINGERPRINT, when present, is verified ("fingerprint-mismatch") and must be last ("attribute-malformed").
 * - RFC 8489 §14.5/§14.6: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are
 *   kept; after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT. Other attributes there are framing-checked
 *   and then ignored: they do not appear in `attributes`.
 * - Unknown attributes are kept raw. The decoded message owns a private copy of the input (`raw`);
 *   byte-valued attributes (DATA, unknown raw, MESSAGE-INTEGRITY…) are views into that copy.
 * - Never throws.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { computeFingerprint } from "./fingerprint.js";
import { readUint32, writeUint32 } from "./ice-attributes.js";
import {
  computeIntegrity,
  MESSAGE_INTEGRITY_LENGTH,
  MESSAGE_INTEGRITY_SHA256_LENGTH,
} from "./message-integrity.js";
import { decodeStunAttribute, encodeStunAttributeValue, stunAttributeCode } from "./stun-attribute.js";
import { StunEncodeError } from "./stun-encode-error.js";
import {
  decodeMessageType,
  encodeMessageType,
  paddedLength,
  readUint16,
  STUN_HEADER_LENGTH,
  TRANSACTION_ID_LENGTH,
} from "./stun-header.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  type StunAttributeKind,
  StunAttrType,
  type StunDecodeErrorCode,
  type StunMessage,
} from "./stun-message-types.js";
import { MAGIC_COOKIE } from "./xor-mapped-address.js";

export { verifyMessageIntegrity, verifyMessageIntegritySha256 } from "./message-integrity.js";

/** Bound on attributes walked per message (a 1500-byte datagram holds at most ~370 empty ones). */
export const MAX_STUN_ATTRIBUTES = 64;

export interface StunEncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1) keyed with this: short-term = UTF-8 password (SASLprep-free),
   *  long-term = MD5(username:realm:password) (see longTermKey). */
  readonly integrityKey?: Uint8Array;
  /** Adds MESSAGE-INTEGRITY-SHA256 keyed with this. RFC 8489 §14.5/§14.6 order: after MESSAGE-INTEGRITY
   *  when both are present. */
  readonly integritySha256Key?: Uint8Array;
  /** Adds FINGERPRINT last. */
  readonly fingerprint?: boolean;
  /** Byte written into attribute padding (default 0; RFC 8489 §14 lets receivers ignore it). RFC 5769's
   *  §2.1–2.3 vectors pad with 0x20. */
  readonly paddingByte?: number;
}

/** RFC 7983 demux + header sanity: first byte 0..3, magic cookie at 4..7, length multiple of 4 and consistent. */
export function isStunMessage(data: Uint8Array): boolean {
  if (data.length < STUN_HEADER_LENGTH || (data[0] ?? 0xff) > 3) return false;
  const length = readUint16(data, 2);
  return length % 4 === 0 && STUN_HEADER_LENGTH + length === data.length && readCookie(data) === MAGIC_COOKIE;
}

function readCookie(b: Uint8Array): number {
  return (((b[4] ?? 0) << 24) | ((b[5] ?? 0) << 16) | ((b[6] ?? 0) << 8) | (b[7] ?? 0)) >>> 0;
}

export function decodeStunMessage(data: Uint8Array): Decoded<DecodedStunMessage, StunDecodeErrorCode> {
  if (data.length < STUN_HEADER_LENGTH) return decodeFail("too-short", data.length);
  if (((data[0] ?? 0) & 0xc0) !== 0) return decodeFail("not-stun", 0);
  if (readCookie(data) !== MAGIC_COOKIE) return decodeFail("bad-cookie", 4);
  const length = readUint16(data, 2);
  if (length % 4 !== 0 || STUN_HEADER_LENGTH + length !== data.length) return decodeFail("bad-length", 2);

  const raw = new Uint8Array(data.length);
  raw.set(data);
  const { method, class: cls } = decodeMessageType(readUint16(raw, 0));
  const transactionId = raw.subarray(8, STUN_HEADER_LENGTH);
  const attributes: StunAttribute[] = [];
  let seenIntegrity = false;
  let seenIntegritySha256 = false;
  let count = 0;
  let offset = STUN_HEADER_LENGTH;
  const end = raw.length;
  while (offset < end) {
    if (++count > MAX_STUN_ATTRIBUTES) return decodeFail("too-many-attributes", offset);
    if (end - offset < 4) return decodeFail("attribute-truncated", offset);
    const code = readUint16(raw, offset);
    const valueLength = readUint16(raw, offset + 2);
    const valueStart = offset + 4;
    if (valueStart + paddedLength(valueLength) > end) return decodeFail("attribute-truncated", offset);
    const value = raw.subarray(valueStart, valueStart + valueLength);
    const next = valueStart + paddedLength(valueLength);

    if (code === StunAttrType.Fingerprint) {
      if (valueLength !== 4) return decodeFail("attribute-malformed", offset);
      if (next !== end) return decodeFail("attribute-malformed", next);
      const got = readUint32(value, 0);
      if (computeFingerprint(raw.subarray(0, offset)) !== got)
        return decodeFail("fingerprint-mismatch", offset);
      attributes.push({ type: "fingerprint", value: got });
      break;
    }
    const ignored = seenIntegritySha256 || (seenIntegrity && code !== StunAttrType.MessageIntegritySha256);
    if (!ignored) {
      const attr = decodeStunAttribute(code, value, transactionId);
      if (!attr.ok) return decodeFail(attr.error.code, valueStart + attr.error.at);
      attributes.push(attr.value);
      if (code === StunAttrType.MessageIntegrity) seenIntegrity = true;
      if (code === StunAttrType.MessageIntegritySha256) seenIntegritySha256 = true;
    }
    offset = next;
  }
  return decodeOk({ method, class: cls, transactionId, attributes, raw });
}

interface PendingAttribute {
  readonly code: number;
  readonly value: Uint8Array;
}

/**
 * Encodes a message. Attributes are written in order, except MESSAGE-INTEGRITY,
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, which are computed and appended (in that order) from `opts`.
 * A `message-integrity(-sha256)` attribute in `msg.attributes` is a placeholder that requires its key in
 * `opts` (else StunEncodeError "missing-key"); a `fingerprint` attribute there means `fingerprint: true`.
 * Throws StunEncodeError on API misuse (bad method, transaction id, address, oversize value).
 */
export function encodeStunMessage(msg: StunMessage, opts: StunEncodeOptions = {}): Uint8Array {
  if (!Number.isInteger(msg.method) || msg.method < 0 || msg.method > 0xfff) {
    throw new StunEncodeError("bad-method", `method must be 12 bits: ${msg.method}`);
  }
  if (msg.transactionId.length !== TRANSACTION_ID_LENGTH) {
    throw new StunEncodeError("bad-transaction-id", "transaction id must be 12 bytes");
  }
  const pending: PendingAttribute[] = [];
  let wantsIntegrity = opts.integrityKey !== undefined;
  let wantsIntegritySha256 = opts.integritySha256Key !== undefined;
  let wantsFingerprint = opts.fingerprint === true;
  for (const attr of msg.attributes) {
    if (attr.type === "message-integrity") wantsIntegrity = true;
    else if (attr.type === "message-integrity-sha256") wantsIntegritySha256 = true;
    else if (attr.type === "fingerprint") wantsFingerprint = true;
    else {
      const value = encodeStunAttributeValue(attr, msg.transactionId);
      if (value.length > 0xffff)
        throw new StunEncodeError("value-too-long", `${attr.type} exceeds 65535 bytes`);
      pending.push({ code: stunAttributeCode(attr), value });
    }
  }
  if (wantsIntegrity && opts.integrityKey === undefined) {
    throw new StunEncodeError("missing-key", "MESSAGE-INTEGRITY without opts.integrityKey");
  }
  if (wantsIntegritySha256 && opts.integritySha256Key === undefined) {
    throw new StunEncodeError("missing-key", "MESSAGE-INTEGRITY-SHA256 without opts.integritySha256Key");
  }

  let size = STUN_HEADER_LENGTH;
  for (const p of pending) size += 4 + paddedLength(p.value.length);
  if (wantsIntegrity) size += 4 + MESSAGE_INTEGRITY_LENGTH;
  if (wantsIntegritySha256) size += 4 + MESSAGE_INTEGRITY_SHA256_LENGTH;
  if (wantsFingerprint) size += 8;
  if (size - STUN_HEADER_LENGTH > 0xffff)
    throw new StunEncodeError("message-too-long", `message is ${size} bytes`);

  const out = new Uint8Array(size);
  const type = encodeMessageType(msg.method, msg.class);
  out[0] = type >> 8;
  out[1] = type & 0xff;
  writeUint32(out, 4, MAGIC_COOKIE);
  out.set(msg.transactionId, 8);
  const pad = opts.paddingByte ?? 0;
  let offset = STUN_HEADER_LENGTH;
  const writeAttribute = (code: number, value: Uint8Array): void => {
    out[offset] = code >> 8;
    out[offset + 1] = code & 0xff;
    out[offset + 2] = value.length >> 8;
    out[offset + 3] = value.length & 0xff;
    out.set(value, offset + 4);
    const padded = paddedLength(value.length);
    out.fill(pad, offset + 4 + value.length, offset + 4 + padded);
    offset += 4 + padded;
  };
  const setLength = (n: number): void => {
    out[2] = n >> 8;
    out[3] = n & 0xff;
  };
  for (const p of pending) writeAttribute(p.code, p.value);
  if (opts.integrityKey !== undefined && wantsIntegrity) {
    const mac = computeIntegrity("sha1", opts.integrityKey, out, offset, MESSAGE_INTEGRITY_LENGTH);
    writeAttribute(StunAttrType.MessageIntegrity, mac);
  }
  if (opts.integritySha256Key !== undefined && wantsIntegritySha256) {
    const mac = computeIntegrity(
      "sha256",
      opts.integritySha256Key,
      out,
      offset,
      MESSAGE_INTEGRITY_SHA256_LENGTH,
    );
    writeAttribute(StunAttrType.MessageIntegritySha256, mac);
  }
  if (wantsFingerprint) {
    setLength(offset - STUN_HEADER_LENGTH + 8);
    const crc = computeFingerprint(out.subarray(0, offset));
    const value = new Uint8Array(4);
    writeUint32(value, 0, crc);
    writeAttribute(StunAttrType.Fingerprint, value);
  }
  setLength(size - STUN_HEADER_LENGTH);
  return out;
}

/** First attribute of a kind, typed. */
export function getAttribute<K extends StunAttributeKind>(
  msg: StunMessage,
  kind: K,
): Extract<StunAttribute, { type: K }> | undefined {
  for (const a of msg.attributes) {
    if (a.type === kind) return a as Extract<StunAttribute, { type: K }>;
  }
  return undefined;
}

/** Comprehension-required (0x0000–0x7FFF) attribute codes that were decoded as "unknown"; answer those with 420. */
export function unknownComprehensionRequired(msg: StunMessage): number[] {
  const codes: number[] = [];
  for (const a of msg.attributes) {
    if (a.type === "unknown" && a.code < 0x8000 && !codes.includes(a.code)) codes.push(a.code);
  }
  return codes;
}

/** RFC 8489 §6.3.4: an error response to `req` with ERROR-CODE first, then `extra`. */
export function stunErrorResponse(
  req: StunMessage,
  code: number,
  reason: string,
  extra: readonly StunAttribute[] = [],
): StunMessage {
  return {
    method: req.method,
    class: "error",
    transactionId: req.transactionId,
    attributes: [{ type: "error-code", code, reason }, ...extra],
  };
}

/** RFC 8489 §6.3.3: a success response to `req` carrying `attributes`. */
export function stunSuccessResponse(req: StunMessage, attributes: readonly StunAttribute[]): StunMessage {
  return { method: req.method, class: "success", transactionId: req.transactionId, attributes };
}
