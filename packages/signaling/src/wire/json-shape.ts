/**
 * A bound on the shape of JSON text before `JSON.parse` sees it. `JSON.parse` costs time in proportion to
 * nesting and member count, not only bytes: an array nested 30,000 deep (60 KB) took 8.9 ms to parse, an
 * object of 3,000 keys 1.35 ms, and a handful of connections sending those starved every other peer. No
 * signaling message needs more than 3 levels or a few dozen members, so text past these bounds is refused
 * by one linear pass over the bytes that allocates nothing.
 *
 * Every structural character of JSON (RFC 8259 §2) is ASCII, so the pass reads UTF-16 code units and
 * only has to know whether it is inside a string. It does not validate JSON (JSON.parse still does); it
 * only guarantees that text that passes is shallow and small in members.
 */

export interface JsonShapeBounds {
  /** Deepest nesting of objects and arrays. */
  readonly maxDepth: number;
  /** Object members plus array elements, counted by their `:` and `,` separators (outside strings). */
  readonly maxMembers: number;
}

export type JsonShapeVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "too-deep" | "too-many-members"; readonly at: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

const OK: JsonShapeVerdict = { ok: true };

/** Scans JSON `text` and says whether it stays within `bounds`. Never throws. */
export function checkJsonShape(text: string, bounds: JsonShapeBounds): JsonShapeVerdict {
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const b = text.charCodeAt(i);
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    switch (b) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (++depth > bounds.maxDepth) return { ok: false, reason: "too-deep", at: i };
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        depth--;
        break;
      case COLON:
      case COMMA:
        if (++members > bounds.maxMembers) return { ok: false, reason: "too-many-members", at: i };
        break;
    }
  }
  return OK;
}
