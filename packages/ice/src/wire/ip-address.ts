/**
 * IP address text <-> bytes, for the address attributes of STUN (RFC 8489 §14.1, §14.2).
 *
 * Input accepts dotted-quad IPv4 and RFC 4291 §2.2 IPv6 text (hex groups, one `::`, an embedded
 * dotted-quad tail such as `::ffff:192.0.2.1`); zones (`%eth0`) are rejected. Output is the canonical
 * RFC 5952 §4 form: lower case, no leading zeros, the longest run (≥ 2 groups, first if tied) of zero
 * groups compressed to `::`, and IPv4-mapped addresses written `::ffff:a.b.c.d` (RFC 5952 §5).
 */

/** 4 for IPv4 text, 6 for IPv6 text, undefined when it is neither. */
export function ipFamily(text: string): 4 | 6 | undefined {
  const bytes = encodeIpAddress(text);
  if (bytes === undefined) return undefined;
  return bytes.length === 4 ? 4 : 6;
}

/** Parses an IPv4 or IPv6 literal into 4 or 16 network-order bytes; undefined when it is not one. */
export function encodeIpAddress(text: string): Uint8Array | undefined {
  if (text.includes(":")) return encodeIpv6(text);
  return encodeIpv4(text);
}

/** Formats 4 or 16 network-order bytes (any other length gives undefined). */
export function decodeIpAddress(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length === 16) return formatIpv6(bytes);
  return undefined;
}

function encodeIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? "";
    // RFC 6943 §3.1.1: strict dotted-decimal, no octal or hex forms.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function encodeIpv6(text: string): Uint8Array | undefined {
  if (text.length > 45 || text.includes("%")) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] ?? "", halves.length === 1);
  if (head === undefined) return undefined;
  if (halves.length === 1) return head.length === 16 ? head : undefined;
  const tail = parseGroups(halves[1] ?? "", true);
  if (tail === undefined) return undefined;
  // "::" stands for at least one zero group.
  if (head.length + tail.length > 14) return undefined;
  const out = new Uint8Array(16);
  out.set(head, 0);
  out.set(tail, 16 - tail.length);
  return out;
}

/** Hex groups separated by ":", optionally ending in a dotted quad when `allowV4Tail`. */
function parseGroups(text: string, allowV4Tail: boolean): Uint8Array | undefined {
  if (text === "") return new Uint8Array(0);
  const groups = text.split(":");
  const bytes: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] ?? "";
    if (i === groups.length - 1 && allowV4Tail && g.includes(".")) {
      const v4 = encodeIpv4(g);
      if (v4 === undefined) return undefined;
      bytes.push(...v4);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = Number.parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (bytes.length > 16) return undefined;
  return Uint8Array.from(bytes);
}

function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted-quad tail.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  // RFC 5952 §4.2.2: a single zero group is not compressed.
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}
