import { type Decoded, decodeFail, decodeOk, UsageError } from "../wire/decoded.js";
import { concat } from "../wire/network-order.js";

/**
 * IVF, the libvpx test container (as written by libvpx `ivfenc.c` and FFmpeg `ivfenc.c`; no RFC).
 * Little-endian throughout. A 32-octet file header:
 *
 * ```
 *  0-3   signature "DKIF"        4-5   version (0)       6-7  header length (32)
 *  8-11  FourCC ("VP80")         12-13 width             14-15 height
 *  16-19 timebase denominator    20-23 timebase numerator
 *  24-27 frame count             28-31 unused
 * ```
 * then per frame a 12-octet header (4-octet size, 8-octet presentation timestamp in timebase units)
 * followed by the frame.
 */
export interface IvfHeader {
  readonly fourcc: string;
  readonly width: number;
  readonly height: number;
  /** frame timestamps count units of numerator/denominator seconds */
  readonly timebaseDenominator: number;
  readonly timebaseNumerator: number;
  readonly frameCount: number;
}

export interface IvfFrame {
  /** presentation timestamp in timebase units */
  readonly timestamp: number;
  readonly data: Uint8Array;
}

export interface IvfFile {
  readonly header: IvfHeader;
  readonly frames: readonly IvfFrame[];
}

export type IvfErrorCode =
  | "truncated"
  | "bad-signature"
  | "bad-header-length"
  | "bad-timebase"
  | "frame-truncated"
  | "timestamp-too-large";

export const IVF_HEADER_LENGTH = 32;
export const IVF_FRAME_HEADER_LENGTH = 12;

function u16le(b: Uint8Array, i: number): number {
  return (b[i] as number) | ((b[i + 1] as number) << 8);
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
function putU16le(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
}
function putU32le(b: Uint8Array, i: number, v: number): void {
  b[i] = v & 0xff;
  b[i + 1] = (v >>> 8) & 0xff;
  b[i + 2] = (v >>> 16) & 0xff;
  b[i + 3] = (v >>> 24) & 0xff;
}

/** The file header, and the offset where the first frame starts (the header length field). */
export function decodeIvfHeader(b: Uint8Array): Decoded<{ header: IvfHeader; length: number }, IvfErrorCode> {
  if (b.length < IVF_HEADER_LENGTH) return decodeFail("truncated", b.length);
  if (b[0] !== 0x44 || b[1] !== 0x4b || b[2] !== 0x49 || b[3] !== 0x46) return decodeFail("bad-signature", 0);
  const length = u16le(b, 6);
  if (length < IVF_HEADER_LENGTH || length > b.length) return decodeFail("bad-header-length", 6);
  const header: IvfHeader = {
    fourcc: String.fromCharCode(b[8] as number, b[9] as number, b[10] as number, b[11] as number),
    width: u16le(b, 12),
    height: u16le(b, 14),
    timebaseDenominator: u32le(b, 16),
    timebaseNumerator: u32le(b, 20),
    frameCount: u32le(b, 24),
  };
  if (header.timebaseDenominator === 0 || header.timebaseNumerator === 0)
    return decodeFail("bad-timebase", 16);
  return decodeOk({ header, length });
}

/** One frame at `off`, and the offset of the next. */
export function decodeIvfFrame(
  b: Uint8Array,
  off: number,
): Decoded<{ frame: IvfFrame; next: number }, IvfErrorCode> {
  if (off + IVF_FRAME_HEADER_LENGTH > b.length) return decodeFail("frame-truncated", off);
  const size = u32le(b, off);
  const hi = u32le(b, off + 8);
  if (hi >= 0x200000) return decodeFail("timestamp-too-large", off + 8);
  const start = off + IVF_FRAME_HEADER_LENGTH;
  if (start + size > b.length) return decodeFail("frame-truncated", off);
  return decodeOk({
    frame: { timestamp: hi * 0x1_0000_0000 + u32le(b, off + 4), data: b.subarray(start, start + size) },
    next: start + size,
  });
}

/** A whole IVF file; frames are views into `b`. The header's frame count is not trusted. */
export function decodeIvf(b: Uint8Array): Decoded<IvfFile, IvfErrorCode> {
  const h = decodeIvfHeader(b);
  if (!h.ok) return h;
  const frames: IvfFrame[] = [];
  let off = h.value.length;
  while (off < b.length) {
    const f = decodeIvfFrame(b, off);
    if (!f.ok) return f;
    frames.push(f.value.frame);
    off = f.value.next;
  }
  return decodeOk({ header: h.value.header, frames });
}

export function encodeIvfHeader(h: IvfHeader): Uint8Array {
  if (h.fourcc.length !== 4) throw new UsageError("FourCC is four characters");
  const out = new Uint8Array(IVF_HEADER_LENGTH);
  out.set([0x44, 0x4b, 0x49, 0x46]);
  putU16le(out, 4, 0);
  putU16le(out, 6, IVF_HEADER_LENGTH);
  for (let i = 0; i < 4; i++) out[8 + i] = h.fourcc.charCodeAt(i) & 0xff;
  putU16le(out, 12, h.width);
  putU16le(out, 14, h.height);
  putU32le(out, 16, h.timebaseDenominator);
  putU32le(out, 20, h.timebaseNumerator);
  putU32le(out, 24, h.frameCount);
  return out;
}

export function encodeIvfFrame(f: IvfFrame): Uint8Array {
  if (!Number.isSafeInteger(f.timestamp) || f.timestamp < 0)
    throw new UsageError("IVF timestamp must be a safe integer ≥ 0");
  const out = new Uint8Array(IVF_FRAME_HEADER_LENGTH + f.data.length);
  putU32le(out, 0, f.data.length);
  putU32le(out, 4, f.timestamp % 0x1_0000_0000);
  putU32le(out, 8, Math.floor(f.timestamp / 0x1_0000_0000));
  out.set(f.data, IVF_FRAME_HEADER_LENGTH);
  return out;
}

export function encodeIvf(file: IvfFile): Uint8Array {
  return concat([encodeIvfHeader(file.header), ...file.frames.map(encodeIvfFrame)]);
}

/** An IVF timestamp in RTP ticks at `clockRate` (90 kHz for VP8, RFC 7741 §4.1). */
export function ivfTimestampToRtp(h: IvfHeader, timestamp: number, clockRate = 90_000): number {
  return Math.round((timestamp * clockRate * h.timebaseNumerator) / h.timebaseDenominator);
}

/** An RTP tick count back to IVF timebase units. */
export function rtpToIvfTimestamp(h: IvfHeader, ticks: number, clockRate = 90_000): number {
  return Math.round((ticks * h.timebaseDenominator) / (clockRate * h.timebaseNumerator));
}
