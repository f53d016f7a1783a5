/**
 * The UTF-8 text attributes of RFC 8489: USERNAME (§14.3), REALM (§14.9), NONCE (§14.10),
 * SOFTWARE (§14.14) and ALTERNATE-DOMAIN (§14.16). Each is a bare byte string with a length bound:
 *
 * ```
 * USERNAME          fewer than 509 bytes (RFC 5389 allowed 513, so up to 512 are accepted on receipt)
 * REALM, NONCE,     fewer than 128 characters: at most 509 bytes when encoding, 763 when decoding
 * SOFTWARE
 * ALTERNATE-DOMAIN  at most 255 bytes (a DNS name)
 * ```
 * Invalid UTF-8 is rejected as malformed rather than replaced, so what decodes re-encodes unchanged.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { StunEncodeError } from "./stun-encode-error.js";

export type TextAttributeKind = "username" | "realm" | "nonce" | "software" | "alternate-domain";

const LIMITS: Readonly<Record<TextAttributeKind, { readonly encode: number; readonly decode: number }>> = {
  username: { encode: 508, decode: 512 },
  realm: { encode: 509, decode: 763 },
  nonce: { encode: 509, decode: 763 },
  software: { encode: 509, decode: 763 },
  "alternate-domain": { encode: 255, decode: 255 },
};

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8 = new TextEncoder();

/** Strict UTF-8 decode: undefined on invalid input (never throws). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function decodeTextAttribute(
  kind: TextAttributeKind,
  value: Uint8Array,
): Decoded<string, "attribute-malformed"> {
  if (value.length > LIMITS[kind].decode) return decodeFail("attribute-malformed", LIMITS[kind].decode);
  const text = decodeUtf8(value);
  if (text === undefined) return decodeFail("attribute-malformed", 0);
  return decodeOk(text);
}

export function encodeTextAttribute(kind: TextAttributeKind, text: string): Uint8Array {
  const bytes = utf8.encode(text);
  if (bytes.length > LIMITS[kind].encode) {
    throw new StunEncodeError(
      "value-too-long",
      `${kind} is ${bytes.length} bytes (max ${LIMITS[kind].encode})`,
    );
  }
  return bytes;
}
