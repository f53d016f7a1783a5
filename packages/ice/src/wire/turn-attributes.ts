/**
 * The fixed-layout TURN attributes of RFC 8656 §18 (the address ones are in xor-mapped-address.ts):
 *
 * ```
 * CHANNEL-NUMBER (0x000C)           | Channel Number (16) |        RFFU = 0 (16)        |
 * LIFETIME (0x000D)                 | lifetime in seconds (32)                          |
 * DATA (0x0013)                     | any bytes                                         |
 * REQUESTED-ADDRESS-FAMILY (0x0017) | Family (8) |            Reserved (24)             |
 * EVEN-PORT (0x0018)                |R|  RFFU (7) |            (1-byte value)
 * REQUESTED-TRANSPORT (0x0019)      | Protocol (8) |              RFFU (24)             |
 * DONT-FRAGMENT (0x001A)            (no value)
 * RESERVATION-TOKEN (0x0022)        | token (64)                                        |
 * ```
 * Reserved / RFFU bits are sent as zero and ignored on receipt.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { StunEncodeError } from "./stun-encode-error.js";

/** First byte of a 4-byte value (REQUESTED-TRANSPORT, REQUESTED-ADDRESS-FAMILY). */
export function decodeLeadingByte(value: Uint8Array): Decoded<number, "attribute-malformed"> {
  if (value.length !== 4) return decodeFail("attribute-malformed", 0);
  return decodeOk(value[0] ?? 0);
}

export function encodeLeadingByte(n: number, what: string): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new StunEncodeError("bad-value", `${what}: ${n}`);
  return Uint8Array.of(n, 0, 0, 0);
}

/** First 16 bits of a 4-byte value (CHANNEL-NUMBER). */
export function decodeChannelNumber(value: Uint8Array): Decoded<number, "attribute-malformed"> {
  if (value.length !== 4) return decodeFail("attribute-malformed", 0);
  return decodeOk(((value[0] ?? 0) << 8) | (value[1] ?? 0));
}

export function encodeChannelNumber(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new StunEncodeError("bad-value", `channel: ${n}`);
  return Uint8Array.of(n >> 8, n & 0xff, 0, 0);
}

export function decodeEvenPort(value: Uint8Array): Decoded<boolean, "attribute-malformed"> {
  if (value.length !== 1) return decodeFail("attribute-malformed", 0);
  return decodeOk(((value[0] ?? 0) & 0x80) !== 0);
}

export function encodeEvenPort(reserve: boolean): Uint8Array {
  return Uint8Array.of(reserve ? 0x80 : 0);
}

export function decodeReservationToken(value: Uint8Array): Decoded<Uint8Array, "attribute-malformed"> {
  if (value.length !== 8) return decodeFail("attribute-malformed", 0);
  return decodeOk(value.slice());
}

export function encodeReservationToken(token: Uint8Array): Uint8Array {
  if (token.length !== 8) throw new StunEncodeError("bad-value", "RESERVATION-TOKEN is 8 bytes");
  return token;
}
