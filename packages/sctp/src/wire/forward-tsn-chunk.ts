import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";

/**
 * Forward Cumulative TSN (FORWARD TSN), RFC 3758 §3.2:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      New Cumulative TSN                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-1              |       Stream Sequence-1       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * /                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-N              |       Stream Sequence-N       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Each entry is the largest SSN skipped on an ordered stream. A trailing partial entry is ignored.
 */
export interface ForwardTsnStream {
  readonly streamId: number;
  readonly ssn: number;
}

export interface ForwardTsnChunk {
  readonly type: "forward-tsn";
  readonly newCumulativeTsn: number;
  readonly streams: readonly ForwardTsnStream[];
}

/**
 * I-FORWARD-TSN, RFC 8260 §2.3.1:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 194  | Flags = 0x00  |      Length = Variable        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       New Cumulative TSN                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Stream Identifier       |          Reserved           |U|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Message Identifier                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                                                               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Each entry is the largest MID skipped on a stream, ordered or (U) unordered.
 */
export interface IForwardTsnStream {
  readonly streamId: number;
  readonly unordered: boolean;
  readonly mid: number;
}

export interface IForwardTsnChunk {
  readonly type: "i-forward-tsn";
  readonly newCumulativeTsn: number;
  readonly streams: readonly IForwardTsnStream[];
}

export function decodeForwardTsnChunk(
  b: Uint8Array,
  at: number,
  length: number,
): Decoded<ForwardTsnChunk, SctpDecodeErrorCode> {
  if (length < 8) return decodeFail("chunk-length-invalid", at + 2);
  const streams: ForwardTsnStream[] = [];
  for (let i = at + 8; i + 4 <= at + length; i += 4)
    streams.push({ streamId: readU16(b, i), ssn: readU16(b, i + 2) });
  return decodeOk({ type: "forward-tsn", newCumulativeTsn: readU32(b, at + 4), streams });
}

export function forwardTsnChunkLength(c: ForwardTsnChunk): number {
  return 8 + 4 * c.streams.length;
}

export function encodeForwardTsnChunkInto(out: Uint8Array, at: number, c: ForwardTsnChunk): void {
  writeChunkHeader(out, at, ChunkType.FORWARD_TSN, 0, forwardTsnChunkLength(c));
  writeU32(out, at + 4, c.newCumulativeTsn);
  let i = at + 8;
  for (const s of c.streams) {
    writeU16(out, i, s.streamId);
    writeU16(out, i + 2, s.ssn);
    i += 4;
  }
}

export function decodeIForwardTsnChunk(
  b: Uint8Array,
  at: number,
  length: number,
): Decoded<IForwardTsnChunk, SctpDecodeErrorCode> {
  if (length < 8) return decodeFail("chunk-length-invalid", at + 2);
  const streams: IForwardTsnStream[] = [];
  for (let i = at + 8; i + 8 <= at + length; i += 8) {
    streams.push({
      streamId: readU16(b, i),
      unordered: ((b[i + 3] as number) & 1) !== 0,
      mid: readU32(b, i + 4),
    });
  }
  return decodeOk({ type: "i-forward-tsn", newCumulativeTsn: readU32(b, at + 4), streams });
}

export function iForwardTsnChunkLength(c: IForwardTsnChunk): number {
  return 8 + 8 * c.streams.length;
}

export function encodeIForwardTsnChunkInto(out: Uint8Array, at: number, c: IForwardTsnChunk): void {
  writeChunkHeader(out, at, ChunkType.I_FORWARD_TSN, 0, iForwardTsnChunkLength(c));
  writeU32(out, at + 4, c.newCumulativeTsn);
  let i = at + 8;
  for (const s of c.streams) {
    writeU16(out, i, s.streamId);
    writeU16(out, i + 2, s.unordered ? 1 : 0);
    writeU32(out, i + 4, s.mid);
    i += 8;
  }
}
