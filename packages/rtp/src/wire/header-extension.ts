import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";

/**
 * The RTP header extension block as carried by the header (RFC 3550 §5.3.1): a 16-bit profile-defined
 * value and `data` whose length is a multiple of 4 octets.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * ```
 */
export interface RtpHeaderExtension {
  readonly profile: number;
  readonly data: Uint8Array;
}

/** One RFC 8285 extension element: a local identifier and its data. */
export interface HeaderExtensionElement {
  readonly id: number;
  readonly data: Uint8Array;
}

/** RFC 8285 §4.2: the one-byte header form is announced by profile 0xBEDE. */
export const ONE_BYTE_PROFILE = 0xbede;
/** RFC 8285 §4.3: the two-byte form uses 0x100 in the upper 12 bits and 4 "appbits" below. */
export const TWO_BYTE_PROFILE = 0x1000;

export type HeaderExtensionForm = "one-byte" | "two-byte";

export type HeaderExtensionErrorCode = "not-rfc8285" | "element-truncated" | "element-reserved-id";

/** Which RFC 8285 form a profile value announces, or undefined for a non-RFC 8285 extension. */
export function headerExtensionForm(profile: number): HeaderExtensionForm | undefined {
  if (profile === ONE_BYTE_PROFILE) return "one-byte";
  if ((profile & 0xfff0) === TWO_BYTE_PROFILE) return "two-byte";
  return undefined;
}

/**
 * RFC 8285 §4.2 / §4.3: split an extension block into its elements. Padding octets (ID 0) are skipped;
 * in the one-byte form ID 15 is reserved and stops processing (§4.2). Elements are views into `ext.data`.
 */
export function decodeHeaderExtensionElements(
  ext: RtpHeaderExtension,
): Decoded<readonly HeaderExtensionElement[], HeaderExtensionErrorCode> {
  const form = headerExtensionForm(ext.profile);
  if (form === undefined) return decodeFail("not-rfc8285", 0);
  const d = ext.data;
  const out: HeaderExtensionElement[] = [];
  let i = 0;
  if (form === "one-byte") {
    while (i < d.length) {
      const b = d[i] as number;
      if (b === 0) {
        i++;
        continue;
      }
      const id = b >> 4;
      if (id === 15) break;
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > d.length) return decodeFail("element-truncated", i);
      out.push({ id, data: d.subarray(i + 1, i + 1 + len) });
      i += 1 + len;
    }
  } else {
    while (i < d.length) {
      const id = d[i] as number;
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 2 > d.length) return decodeFail("element-truncated", i);
      const len = d[i + 1] as number;
      if (i + 2 + len > d.length) return decodeFail("element-truncated", i);
      out.push({ id, data: d.subarray(i + 2, i + 2 + len) });
      i += 2 + len;
    }
  }
  return decodeOk(out);
}

/** The data of the first element with `id`, if the block is RFC 8285 and well formed. */
export function findHeaderExtensionElement(ext: RtpHeaderExtension, id: number): Uint8Array | undefined {
  const r = decodeHeaderExtensionElements(ext);
  if (!r.ok) return undefined;
  for (const e of r.value) if (e.id === id) return e.data;
  return undefined;
}

/**
 * RFC 8285 §4.1.2: elements fit the one-byte form when every ID is 1–14 and every length 1–16;
 * otherwise the two-byte form (IDs 1–255, lengths 0–255) is needed.
 */
export function fitsOneByteForm(elements: readonly HeaderExtensionElement[]): boolean {
  for (const e of elements) {
    if (e.id < 1 || e.id > 14 || e.data.length < 1 || e.data.length > 16) return false;
  }
  return true;
}

/**
 * Build an RFC 8285 extension block, zero-padded to a multiple of 4 octets. The one-byte form is used
 * when every element fits it, unless `form` asks for the two-byte one. Throws a `UsageError` for an
 * element no form can carry (ID outside 1–255, data over 255 octets, or over 16 when one-byte is forced).
 */
export function encodeHeaderExtension(
  elements: readonly HeaderExtensionElement[],
  form?: HeaderExtensionForm,
  appBits = 0,
): RtpHeaderExtension {
  const useOne = form === undefined ? fitsOneByteForm(elements) : form === "one-byte";
  if (useOne && !fitsOneByteForm(elements)) throw new UsageError("element does not fit the one-byte form");
  let size = 0;
  for (const e of elements) {
    if (!useOne && (e.id < 1 || e.id > 255 || e.data.length > 255)) {
      throw new UsageError(`extension element id ${e.id} / length ${e.data.length} out of range`);
    }
    size += (useOne ? 1 : 2) + e.data.length;
  }
  const padded = (size + 3) & ~3;
  if (padded / 4 > 0xffff) throw new UsageError("header extension longer than 65535 words");
  const data = new Uint8Array(padded);
  let i = 0;
  for (const e of elements) {
    if (useOne) {
      data[i++] = (e.id << 4) | (e.data.length - 1);
    } else {
      data[i++] = e.id;
      data[i++] = e.data.length;
    }
    data.set(e.data, i);
    i += e.data.length;
  }
  return { profile: useOne ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE | (appBits & 0x0f), data };
}
