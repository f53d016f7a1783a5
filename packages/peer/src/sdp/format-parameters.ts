/**
 * Format-specific parameters, RFC 8866 §6.15 `a=fmtp:<fmt> <format specific parameters>`, in the
 * `name=value;name=value` form that Opus (RFC 7587 §7), H.264 (RFC 6184 §8.1), VP8 (RFC 7741 §6.1) and
 * RTX (RFC 4588 §8.6) use. Names are media-type parameters, so compared case-insensitively: they are
 * lowercased. Bounded: at most `MAX_FORMAT_PARAMETERS` are read.
 */
export const MAX_FORMAT_PARAMETERS = 64;

/** Parses `a=fmtp` text into a map (lowercase names; a bare token maps to ""). Never throws. */
export function parseFormatParameters(fmtp: string | undefined): ReadonlyMap<string, string> {
  const params = new Map<string, string>();
  if (fmtp === undefined) return params;
  for (const part of fmtp.split(";", MAX_FORMAT_PARAMETERS)) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    if (name === "" || params.has(name)) continue;
    params.set(name, eq < 0 ? "" : item.slice(eq + 1).trim());
  }
  return params;
}

/** Writes parameters back as `a=fmtp` text, in the given order (`name=value;name=value`). */
export function formatFormatParameters(params: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [name, value] of params) parts.push(value === "" ? name : `${name}=${value}`);
  return parts.join(";");
}

/** `apt` of an RTX payload type (RFC 4588 §8.6), or undefined. */
export function rtxAssociatedPayloadType(fmtp: string | undefined): number | undefined {
  const apt = parseFormatParameters(fmtp).get("apt");
  if (apt === undefined || !/^[0-9]{1,3}$/.test(apt)) return undefined;
  const pt = Number(apt);
  return pt <= 127 ? pt : undefined;
}
