import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";

/**
 * Selective Acknowledgement (SACK), RFC 9260 §3.3.4:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 3    |  Chunk Flags  |         Chunk Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Advertised Receiver Window Credit (a_rwnd)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Gap Ack Block #1 Start     |     Gap Ack Block #1 End      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                                                               /
 * \                              ...                              \
 * /                                                               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Gap Ack Block #N Start     |     Gap Ack Block #N End      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Duplicate TSN 1                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                                                               /
 * \                              ...                              \
 * /                                                               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Duplicate TSN M                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Gap Ack Block offsets are relative to the Cumulative TSN Ack: a block acknowledges the TSNs from
 * `cumulativeTsnAck + start` to `cumulativeTsnAck + end`. The counts are bounded by the chunk length
 * (at most 16,379 entries in all); checking the blocks' order and overlap is the machine's job.
 */
export interface GapAckBlock {
  readonly start: number;
  readonly end: number;
}

export interface SackChunk {
  readonly type: "sack";
  readonly cumulativeTsnAck: number;
  readonly aRwnd: number;
  readonly gapAckBlocks: readonly GapAckBlock[];
  readonly duplicateTsns: readonly number[];
}

export const SACK_CHUNK_FIXED_LENGTH = 16;

export function decodeSackChunk(
  b: Uint8Array,
  at: number,
  length: number,
): Decoded<SackChunk, SctpDecodeErrorCode> {
  if (length < SACK_CHUNK_FIXED_LENGTH) return decodeFail("chunk-length-invalid", at + 2);
  const n = readU16(b, at + 12);
  const m = readU16(b, at + 14);
  if (SACK_CHUNK_FIXED_LENGTH + 4 * (n + m) > length) return decodeFail("sack-counts-exceed-length", at + 12);
  const gapAckBlocks: GapAckBlock[] = new Array(n);
  let i = at + SACK_CHUNK_FIXED_LENGTH;
  for (let k = 0; k < n; k++, i += 4) gapAckBlocks[k] = { start: readU16(b, i), end: readU16(b, i + 2) };
  const duplicateTsns: number[] = new Array(m);
  for (let k = 0; k < m; k++, i += 4) duplicateTsns[k] = readU32(b, i);
  return decodeOk({
    type: "sack",
    cumulativeTsnAck: readU32(b, at + 4),
    aRwnd: readU32(b, at + 8),
    gapAckBlocks,
    duplicateTsns,
  });
}

export function sackChunkLength(c: SackChunk): number {
  return SACK_CHUNK_FIXED_LENGTH + 4 * (c.gapAckBlocks.length + c.duplicateTsns.length);
}

export function encodeSackChunkInto(out: Uint8Array, at: number, c: SackChunk): void {
  writeChunkHeader(out, at, ChunkType.SACK, 0, sackChunkLength(c));
  writeU32(out, at + 4, c.cumulativeTsnAck);
  writeU32(out, at + 8, c.aRwnd);
  writeU16(out, at + 12, c.gapAckBlocks.length);
  writeU16(out, at + 14, c.duplicateTsns.length);
  let i = at + SACK_CHUNK_FIXED_LENGTH;
  for (const g of c.gapAckBlocks) {
    writeU16(out, i, g.start);
    writeU16(out, i + 2, g.end);
    i += 4;
  }
  for (const d of c.duplicateTsns) {
    writeU32(out, i, d);
    i += 4;
  }
}
