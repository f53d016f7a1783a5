/**
 * Value checks for fields of untrusted SDP, after RFC 8866 §9 (ABNF) and the attribute RFCs. sdp-transform
 * turns digit-only strings into numbers and leaves the rest as strings, so every field it hands back is
 * read through these as `unknown`.
 */

/** RFC 8866 §9 `token`. */
export const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/;
/** RFC 5234 VCHAR run (no spaces). */
export const VCHARS = /^[\x21-\x7e]+$/;

/** The text of a string or (sdp-transform-converted) number field; undefined for anything else. */
export function fieldText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** A decimal integer field in 0..max (given as a digit string or a number); undefined when not. */
export function fieldUint(value: unknown, max: number): number | undefined {
  const text = fieldText(value);
  if (text === undefined || !/^[0-9]{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n <= max ? n : undefined;
}

/** A 7-bit RTP payload type (RFC 3550 §5.1) written as decimal. */
export function payloadTypeOf(value: unknown): number | undefined {
  return fieldUint(value, 127);
}

export const MAX_UINT32 = 0xffff_ffff;

/** Whitespace-separated words of a field value (runs of spaces/tabs collapse). */
export function words(text: string): string[] {
  return text.split(/[ \t]+/).filter((w) => w !== "");
}
