import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { DataChunkFlag, dataChunkFlags } from "./data-chunk.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";

/**
 * I-DATA, RFC 8260 §2.1:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 64   |  Res  |I|U|B|E|       Length = Variable       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Stream Identifier      |           Reserved            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Message Identifier                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Payload Protocol Identifier / Fragment Sequence Number     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                           User Data                           /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The fifth word is the PPID when B is set (the first fragment, FSN 0 implied) and the Fragment
 * Sequence Number otherwise. Decoding fills the field the word does not hold with 0; encoding writes
 * `ppid` when `beginning`, else `fsn`. `userData` is a view into the packet.
 */
export interface IDataChunk {
  readonly type: "i-data";
  readonly immediate: boolean;
  readonly unordered: boolean;
  readonly beginning: boolean;
  readonly ending: boolean;
  readonly tsn: number;
  readonly streamId: number;
  /** Message Identifier (32 bits, per stream and per ordered/unordered) */
  readonly mid: number;
  /** Payload Protocol Identifier; meaningful only when `beginning` */
  readonly ppid: number;
  /** Fragment Sequence Number; 0 when `beginning` */
  readonly fsn: number;
  readonly userData: Uint8Array;
}

export const I_DATA_CHUNK_HEADER_LENGTH = 20;

export function decodeIDataChunk(
  b: Uint8Array,
  at: number,
  length: number,
  flags: number,
): Decoded<IDataChunk, SctpDecodeErrorCode> {
  if (length < I_DATA_CHUNK_HEADER_LENGTH) return decodeFail("chunk-length-invalid", at + 2);
  const beginning = (flags & DataChunkFlag.B) !== 0;
  const word = readU32(b, at + 16);
  return decodeOk({
    type: "i-data",
    immediate: (flags & DataChunkFlag.I) !== 0,
    unordered: (flags & DataChunkFlag.U) !== 0,
    beginning,
    ending: (flags & DataChunkFlag.E) !== 0,
    tsn: readU32(b, at + 4),
    streamId: readU16(b, at + 8),
    mid: readU32(b, at + 12),
    ppid: beginning ? word : 0,
    fsn: beginning ? 0 : word,
    userData: b.subarray(at + I_DATA_CHUNK_HEADER_LENGTH, at + length),
  });
}

export function iDataChunkLength(c: IDataChunk): number {
  return I_DATA_CHUNK_HEADER_LENGTH + c.userData.length;
}

export function encodeIDataChunkInto(out: Uint8Array, at: number, c: IDataChunk): void {
  writeChunkHeader(
    out,
    at,
    ChunkType.I_DATA,
    dataChunkFlags(c),
    I_DATA_CHUNK_HEADER_LENGTH + c.userData.length,
  );
  writeU32(out, at + 4, c.tsn);
  writeU16(out, at + 8, c.streamId);
  writeU16(out, at + 10, 0);
  writeU32(out, at + 12, c.mid);
  writeU32(out, at + 16, c.beginning ? c.ppid : c.fsn);
  out.set(c.userData, at + I_DATA_CHUNK_HEADER_LENGTH);
}
