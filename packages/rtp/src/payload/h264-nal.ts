/**
 * H.264 NAL units (ITU-T H.264 §7.3.1, RFC 6184 §1.3) and their Annex-B byte-stream framing.
 *
 * ```
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * ```
 */

/** NAL unit types used here: H.264 Table 7-1, RFC 6184 Table 1 (24–29 are RTP packet types). */
export const NalUnitType = {
  Slice: 1,
  SliceDataPartitionA: 2,
  Idr: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  AccessUnitDelimiter: 9,
  StapA: 24,
  StapB: 25,
  Mtap16: 26,
  Mtap24: 27,
  FuA: 28,
  FuB: 29,
} as const;

export function nalUnitType(headerOctet: number): number {
  return headerOctet & 0x1f;
}

/**
 * Splits an Annex-B byte stream (H.264 Annex B.1) into NAL units, without their start codes
 * (00 00 01, or 00 00 00 01 with the zero_byte). Bytes before the first start code are ignored, as are
 * the trailing zero octets of each NAL (trailing_zero_8bits). Views into `stream`.
 */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = stream.length;
  let start = -1;
  let i = 0;
  while (i + 2 < n) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      if (start >= 0) pushTrimmed(out, stream, start, i);
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start >= 0) pushTrimmed(out, stream, start, n);
  return out;
}

function pushTrimmed(out: Uint8Array[], s: Uint8Array, start: number, end: number): void {
  let e = end;
  while (e > start && s[e - 1] === 0) e--;
  if (e > start) out.push(s.subarray(start, e));
}

/** Joins NAL units into an Annex-B byte stream with 4-octet start codes (00 00 00 01). */
export function joinAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const n of nals) len += 4 + n.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const n of nals) {
    out[off + 3] = 1;
    out.set(n, off + 4);
    off += 4 + n.length;
  }
  return out;
}

/**
 * Whether a NAL unit can begin an access unit (H.264 §7.4.1.2.3): an access unit delimiter, SEI, SPS
 * or PPS, or a coded slice whose first_mb_in_slice is 0 — the ue(v) code "1", so the top bit of the
 * first slice-header octet is set. `firstPayloadOctet` is that octet (the one after the NAL header).
 */
export function canStartAccessUnit(type: number, firstPayloadOctet: number | undefined): boolean {
  if (type >= NalUnitType.Sei && type <= NalUnitType.AccessUnitDelimiter) return true;
  if (type === NalUnitType.Slice || type === NalUnitType.Idr || type === NalUnitType.SliceDataPartitionA) {
    return firstPayloadOctet !== undefined && (firstPayloadOctet & 0x80) !== 0;
  }
  return false;
}
