import { decodeFail, decodeOk } from "@tern/ice";
import { SDP_LIMITS, type SdpParseResult } from "./sdp-parse-error.js";

/**
 * The line structure of SDP (RFC 8866 §5): `<type>=<value>` lines, a session block, then one block per
 * `m=` line. Split on CRLF, CR or LF exactly as sdp-transform splits, so both see the same blocks.
 */
export interface SdpLine {
  /** One lowercase letter. */
  readonly type: string;
  readonly value: string;
  /** Character offset of the line in the description. */
  readonly at: number;
}

export interface SdpBlock {
  readonly at: number;
  readonly lines: readonly SdpLine[];
}

export interface SdpBlocks {
  readonly session: SdpBlock;
  /** One block per m= line; its first line is the m= line. */
  readonly media: readonly SdpBlock[];
}

/** RFC 8866 §9 `att-field = token`. */
const ATTRIBUTE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/;

/** Splits and bounds the lines; never throws. */
export function splitSdpLines(text: unknown): SdpParseResult<SdpBlocks> {
  if (typeof text !== "string") return decodeFail("not-a-string", 0);
  if (text.length > SDP_LIMITS.maxLength) return decodeFail("too-long", SDP_LIMITS.maxLength);
  const session: SdpLine[] = [];
  const media: { at: number; lines: SdpLine[] }[] = [];
  let current = session;
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 13 && text.charCodeAt(end) !== 10) end++;
    const length = end - start;
    if (length > SDP_LIMITS.maxLineLength) return decodeFail("line-too-long", start);
    if (length > 0) {
      if (++count > SDP_LIMITS.maxLines) return decodeFail("too-many-lines", start);
      const type = text[start] ?? "";
      if (length < 2 || text[start + 1] !== "=" || type < "a" || type > "z")
        return decodeFail("bad-line", start);
      const line: SdpLine = { type, value: text.slice(start + 2, end), at: start };
      if (count === 1 && (type !== "v" || line.value !== "0")) return decodeFail("bad-version", start);
      if (type === "a" && !ATTRIBUTE_NAME.test(attributeOf(line.value).name)) {
        return decodeFail("bad-attribute", start);
      }
      if (type === "m") {
        if (media.length >= SDP_LIMITS.maxMediaSections) return decodeFail("too-many-media", start);
        current = [];
        media.push({ at: start, lines: current });
      }
      current.push(line);
    }
    if (end >= text.length) break;
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
  if (count === 0) return decodeFail("bad-version", 0);
  return decodeOk({ session: { at: 0, lines: session }, media });
}

/** `a=<name>[:<value>]` split at the first colon. */
export function attributeOf(value: string): { readonly name: string; readonly value?: string } {
  const colon = value.indexOf(":");
  return colon < 0 ? { name: value } : { name: value.slice(0, colon), value: value.slice(colon + 1) };
}
