/**
 * The STUN message header (RFC 8489 §5) and the attribute TLV framing (§14).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *                   0                 1
 *                   2  3  4 5 6 7 8 9 0 1 2 3 4 5
 *                  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *                  |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 *                  |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 *                  +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Attribute values are padded to a multiple of 4 bytes; the Length field excludes the padding.
 */
import type { StunClass } from "./stun-message-types.js";

export const STUN_HEADER_LENGTH = 20;
export const TRANSACTION_ID_LENGTH = 12;

const CLASS_BITS: Readonly<Record<StunClass, number>> = {
  request: 0b00,
  indication: 0b01,
  success: 0b10,
  error: 0b11,
};
const CLASSES: readonly StunClass[] = ["request", "indication", "success", "error"];

/** 12-bit method + class -> the 14-bit message type. */
export function encodeMessageType(method: number, cls: StunClass): number {
  const c = CLASS_BITS[cls];
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((c & 0b01) << 4) |
    ((c & 0b10) << 7)
  );
}

export function decodeMessageType(type: number): { readonly method: number; readonly class: StunClass } {
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const c = ((type >> 4) & 0b01) | ((type >> 7) & 0b10);
  return { method, class: CLASSES[c] ?? "request" };
}

export function readUint16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

/** Value length rounded up to the 4-byte boundary. */
export function paddedLength(n: number): number {
  return (n + 3) & ~3;
}

/** Where an attribute sits inside a message's raw bytes. */
export interface AttributeSpan {
  /** Offset of the attribute's Type field. */
  readonly offset: number;
  readonly valueLength: number;
}

/**
 * Offset of the first attribute of type `code` in a message's raw bytes, walking the TLVs; undefined when
 * absent or when the framing is broken before reaching it.
 */
export function findAttributeSpan(raw: Uint8Array, code: number): AttributeSpan | undefined {
  if (raw.length < STUN_HEADER_LENGTH) return undefined;
  const end = Math.min(raw.length, STUN_HEADER_LENGTH + readUint16(raw, 2));
  let offset = STUN_HEADER_LENGTH;
  while (offset + 4 <= end) {
    const type = readUint16(raw, offset);
    const valueLength = readUint16(raw, offset + 2);
    if (offset + 4 + valueLength > end) return undefined;
    if (type === code) return { offset, valueLength };
    offset += 4 + paddedLength(valueLength);
  }
  return undefined;
}
