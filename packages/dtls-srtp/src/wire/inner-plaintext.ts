import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * RFC 8446 §5.2 / RFC 9147 §4 DTLSInnerPlaintext:
 *
 * ```
 * struct {
 *     opaque content[DTLSPlaintext.length];
 *     ContentType type;
 *     uint8 zeros[length_of_padding];
 * } DTLSInnerPlaintext;
 * ```
 *
 * The true content type is the last non-zero byte; a plaintext of only zeros is malformed.
 */
export interface InnerPlaintext {
  readonly contentType: number;
  readonly content: Uint8Array;
}

export function decodeInnerPlaintext(bytes: Uint8Array): Decoded<InnerPlaintext, "no-content-type"> {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0) return decodeFail("no-content-type", 0);
  return decodeOk({ contentType: bytes[end - 1] as number, content: bytes.subarray(0, end - 1) });
}

export function encodeInnerPlaintext(m: InnerPlaintext, padding = 0): Uint8Array {
  const out = new Uint8Array(m.content.length + 1 + padding);
  out.set(m.content);
  out[m.content.length] = m.contentType;
  return out;
}
