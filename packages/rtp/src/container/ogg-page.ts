import { type Decoded, decodeFail, decodeOk, UsageError } from "../wire/decoded.js";

/**
 * An Ogg page, RFC 3533 §6 (little-endian fields):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1| Byte
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | capture_pattern: Magic number for page start "OggS"           | 0-3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | version       | header_type   | granule_position              | 4-7
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               | 8-11
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | bitstream_serial_number       | 12-15
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | page_sequence_number          | 16-19
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | CRC_checksum                  | 20-23
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |page_segments  | segment_table | 24-27
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | ...                                                           | 28-
 * ```
 */
export interface OggPage {
  readonly continued: boolean;
  readonly beginOfStream: boolean;
  readonly endOfStream: boolean;
  /** -1 when no packet ends on this page */
  readonly granulePosition: number;
  readonly serial: number;
  readonly sequence: number;
  /** the lacing values */
  readonly segments: Uint8Array;
  readonly data: Uint8Array;
}

export type OggErrorCode = "truncated" | "bad-capture" | "bad-version" | "bad-crc" | "granule-too-large";

export const OGG_PAGE_HEADER_LENGTH = 27;

/**
 * The Ogg CRC-32 (RFC 3533 §6, libogg `framing.c`): generator polynomial 0x04c11db7, processed most
 * significant bit first, initial value 0, no final XOR — not zlib's reflected CRC-32. A checksum, not a
 * cryptographic primitive.
 */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

export function oggCrc32(b: Uint8Array, crc = 0): number {
  let c = crc >>> 0;
  for (let i = 0; i < b.length; i++)
    c = ((c << 8) ^ (CRC_TABLE[((c >>> 24) ^ (b[i] as number)) & 0xff] as number)) >>> 0;
  return c;
}

function u32le(b: Uint8Array, i: number): number {
  return (
    ((b[i] as number) |
      ((b[i + 1] as number) << 8) |
      ((b[i + 2] as number) << 16) |
      ((b[i + 3] as number) << 24)) >>>
    0
  );
}
function putU32le(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = (v >>> 24) & 0xff;
}

/** One page at `off`, its CRC checked; `next` is the offset after it. */
export function decodeOggPage(
  b: Uint8Array,
  off: number,
): Decoded<{ page: OggPage; next: number }, OggErrorCode> {
  if (off + OGG_PAGE_HEADER_LENGTH > b.length) return decodeFail("truncated", off);
  if (b[off] !== 0x4f || b[off + 1] !== 0x67 || b[off + 2] !== 0x67 || b[off + 3] !== 0x53) {
    return decodeFail("bad-capture", off);
  }
  if (b[off + 4] !== 0) return decodeFail("bad-version", off + 4);
  const nseg = b[off + 26] as number;
  const dataStart = off + OGG_PAGE_HEADER_LENGTH + nseg;
  if (dataStart > b.length) return decodeFail("truncated", off + 26);
  let size = 0;
  for (let i = 0; i < nseg; i++) size += b[off + OGG_PAGE_HEADER_LENGTH + i] as number;
  const end = dataStart + size;
  if (end > b.length) return decodeFail("truncated", dataStart);
  const stored = u32le(b, off + 22);
  let crc = oggCrc32(b.subarray(off, off + 22));
  crc = oggCrc32(new Uint8Array(4), crc);
  crc = oggCrc32(b.subarray(off + 26, end), crc);
  if (crc !== stored) return decodeFail("bad-crc", off + 22);
  const lo = u32le(b, off + 6);
  const hi = u32le(b, off + 10) | 0;
  let granulePosition: number;
  if (hi === -1 && lo === 0xffffffff) granulePosition = -1;
  else if (hi < 0 || hi >= 0x200000) return decodeFail("granule-too-large", off + 6);
  else granulePosition = hi * 0x1_0000_0000 + lo;
  const flags = b[off + 5] as number;
  return decodeOk({
    page: {
      continued: (flags & 1) !== 0,
      beginOfStream: (flags & 2) !== 0,
      endOfStream: (flags & 4) !== 0,
      granulePosition,
      serial: u32le(b, off + 14),
      sequence: u32le(b, off + 18),
      segments: b.subarray(off + OGG_PAGE_HEADER_LENGTH, dataStart),
      data: b.subarray(dataStart, end),
    },
    next: end,
  });
}

export function encodeOggPage(p: OggPage): Uint8Array {
  if (p.segments.length > 255) throw new UsageError("at most 255 segments per page");
  const out = new Uint8Array(OGG_PAGE_HEADER_LENGTH + p.segments.length + p.data.length);
  out.set([0x4f, 0x67, 0x67, 0x53, 0]);
  out[5] = (p.continued ? 1 : 0) | (p.beginOfStream ? 2 : 0) | (p.endOfStream ? 4 : 0);
  if (p.granulePosition === -1) {
    putU32le(out, 6, 0xffffffff);
    putU32le(out, 10, 0xffffffff);
  } else {
    putU32le(out, 6, p.granulePosition % 0x1_0000_0000);
    putU32le(out, 10, Math.floor(p.granulePosition / 0x1_0000_0000));
  }
  putU32le(out, 14, p.serial);
  putU32le(out, 18, p.sequence);
  out[26] = p.segments.length;
  out.set(p.segments, OGG_PAGE_HEADER_LENGTH);
  out.set(p.data, OGG_PAGE_HEADER_LENGTH + p.segments.length);
  putU32le(out, 22, oggCrc32(out));
  return out;
}

/**
 * Lays packets out in pages of one logical stream (RFC 3533 §5–6): a packet's lacing values are 255s
 * then one value < 255 (a 0 when its length is a multiple of 255); a page holds at most 255 values and
 * a packet may continue on the next page. A page's granule position is that of the last packet that
 * ends on it, or -1 if none does.
 */
export class OggPageWriter {
  readonly serial: number;
  #sequence = 0;
  #lacing: number[] = [];
  #chunks: Uint8Array[] = [];
  #granule = -1;
  #continued = false;
  #first = true;

  constructor(serial: number) {
    this.serial = serial >>> 0;
  }

  /**
   * Adds a packet whose end is at `granulePosition`; returns the pages completed. `flush` closes the
   * page after it (RFC 7845 §3: the headers end their pages); `endOfStream` flushes and marks the last page.
   */
  writePacket(
    data: Uint8Array,
    granulePosition: number,
    o: { readonly flush?: boolean; readonly endOfStream?: boolean } = {},
  ): Uint8Array[] {
    const pages: Uint8Array[] = [];
    let off = 0;
    for (;;) {
      const n = Math.min(255, data.length - off);
      this.#lacing.push(n);
      this.#chunks.push(data.subarray(off, off + n));
      off += n;
      const ended = n < 255;
      if (ended) this.#granule = granulePosition;
      if (this.#lacing.length === 255) {
        const last = ended && (o.flush === true || o.endOfStream === true);
        pages.push(this.#emit(last && o.endOfStream === true));
        this.#continued = !ended;
        if (ended) return pages;
      } else if (ended) {
        break;
      }
    }
    if (o.flush || o.endOfStream) pages.push(this.#emit(o.endOfStream === true));
    return pages;
  }

  #emit(endOfStream: boolean): Uint8Array {
    let size = 0;
    for (const c of this.#chunks) size += c.length;
    const data = new Uint8Array(size);
    let off = 0;
    for (const c of this.#chunks) {
      data.set(c, off);
      off += c.length;
    }
    const page = encodeOggPage({
      continued: this.#continued,
      beginOfStream: this.#first,
      endOfStream,
      granulePosition: this.#granule,
      serial: this.serial,
      sequence: this.#sequence++,
      segments: Uint8Array.from(this.#lacing),
      data,
    });
    this.#first = false;
    this.#continued = false;
    this.#lacing = [];
    this.#chunks = [];
    this.#granule = -1;
    return page;
  }
}
