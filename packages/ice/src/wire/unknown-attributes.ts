/**
 * UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): the comprehension-required attribute types a server did not
 * understand, sent in a 420 (Unknown Attribute) error response.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Attribute 1 Type         |       Attribute 2 Type        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Attribute 3 Type         |       Attribute 4 Type    ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The value length is 2 × count; an odd count is padded like any attribute (RFC 8489 §14).
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { StunEncodeError } from "./stun-encode-error.js";

export function decodeUnknownAttributes(
  value: Uint8Array,
): Decoded<readonly number[], "attribute-malformed"> {
  if (value.length % 2 !== 0) return decodeFail("attribute-malformed", value.length - 1);
  const codes: number[] = [];
  for (let i = 0; i < value.length; i += 2) codes.push(((value[i] ?? 0) << 8) | (value[i + 1] ?? 0));
  return decodeOk(codes);
}

export function encodeUnknownAttributes(codes: readonly number[]): Uint8Array {
  const out = new Uint8Array(codes.length * 2);
  codes.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > 0xffff) {
      throw new StunEncodeError("bad-value", `attribute type out of range: ${c}`);
    }
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  });
  return out;
}
