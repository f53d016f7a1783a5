import type { SctpDecodeErrorCode } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { padded4, readU16, writeU16 } from "./network-order.js";

/**
 * The type-length-value layout of optional/variable-length parameters, RFC 9260 §3.2.1, which error
 * causes (§3.3.10) and RE-CONFIG parameters (RFC 6525 §4) share:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Parameter Type       |       Parameter Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                       Parameter Value                         /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The length counts the 4-byte header and the value, not the padding to a multiple of 4 that follows.
 * The padding of the last parameter of a chunk is not counted in the Chunk Length either (§3.2), so a
 * list may end before that padding does.
 */
export const PARAMETER_HEADER_LENGTH = 4;

/** Decodes one TLV; `at` is its first byte in `b`, `length` its declared length (≥ 4, within the list). */
export type TlvDecoder<T> = (
  b: Uint8Array,
  at: number,
  length: number,
  type: number,
) => Decoded<T, SctpDecodeErrorCode>;

/**
 * The TLVs in `b[from, to)`, each decoded by `decodeOne`. Bounded by the bytes: at most `(to - from) / 4`
 * entries, each checked against `to` before it is read.
 */
export function decodeTlvList<T>(
  b: Uint8Array,
  from: number,
  to: number,
  decodeOne: TlvDecoder<T>,
): Decoded<T[], SctpDecodeErrorCode> {
  const out: T[] = [];
  let at = from;
  while (at < to) {
    if (to - at < PARAMETER_HEADER_LENGTH) return decodeFail("parameter-truncated", at);
    const type = readU16(b, at);
    const length = readU16(b, at + 2);
    if (length < PARAMETER_HEADER_LENGTH) return decodeFail("parameter-length-invalid", at + 2);
    if (at + length > to) return decodeFail("parameter-truncated", at);
    const one = decodeOne(b, at, length, type);
    if (!one.ok) return one;
    out.push(one.value);
    at += padded4(length);
  }
  return decodeOk(out);
}

/** Octets the list takes inside a chunk: every entry padded but the last. */
export function tlvListLength<T>(items: readonly T[], lengthOf: (item: T) => number): number {
  let n = 0;
  for (let i = 0; i < items.length; i++) {
    const len = lengthOf(items[i] as T);
    n += i === items.length - 1 ? len : padded4(len);
  }
  return n;
}

/** Writes the list at `at`, zeroing the padding between entries; returns the offset after the last entry. */
export function encodeTlvListInto<T>(
  out: Uint8Array,
  at: number,
  items: readonly T[],
  lengthOf: (item: T) => number,
  encodeOne: (out: Uint8Array, at: number, item: T) => void,
): number {
  let end = at;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const len = lengthOf(item);
    encodeOne(out, at, item);
    end = at + len;
    const next = at + padded4(len); // padding counts from the entry's start: `out` may be at any offset
    if (i < items.length - 1) out.fill(0, end, next);
    at = next;
  }
  return end;
}

export function writeTlvHeader(out: Uint8Array, at: number, type: number, length: number): void {
  writeU16(out, at, type);
  writeU16(out, at + 2, length);
}
