import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";

/**
 * Payload Data (DATA), RFC 9260 §3.3.1 (I bit: RFC 7053):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 0    |  Res  |I|U|B|E|            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Stream Identifier S      |   Stream Sequence Number n    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Payload Protocol Identifier                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                 User Data (seq n of Stream S)                 /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `userData` of a decoded chunk is a view into the packet (borrowed: `slice()` what you keep). A chunk
 * with no user data decodes (its length is 16): refusing it is the machine's job (§6.2, No User Data).
 */
export interface DataChunk {
  readonly type: "data";
  /** I bit (RFC 7053): the sender asks for a SACK without delay */
  readonly immediate: boolean;
  /** U bit: unordered, the SSN is to be ignored */
  readonly unordered: boolean;
  /** B bit: first fragment of a user message */
  readonly beginning: boolean;
  /** E bit: last fragment of a user message */
  readonly ending: boolean;
  readonly tsn: number;
  readonly streamId: number;
  /** Stream Sequence Number */
  readonly ssn: number;
  /** Payload Protocol Identifier (RFC 8831 §8 for WebRTC, see `ppid.ts`) */
  readonly ppid: number;
  readonly userData: Uint8Array;
}

export const DATA_CHUNK_HEADER_LENGTH = 16;

/** The I, U, B and E bits (shared with I-DATA, RFC 8260 §2.1). */
export const DataChunkFlag = { E: 0x01, B: 0x02, U: 0x04, I: 0x08 } as const;

export function decodeDataChunk(
  b: Uint8Array,
  at: number,
  length: number,
  flags: number,
): Decoded<DataChunk, SctpDecodeErrorCode> {
  if (length < DATA_CHUNK_HEADER_LENGTH) return decodeFail("chunk-length-invalid", at + 2);
  return decodeOk({
    type: "data",
    immediate: (flags & DataChunkFlag.I) !== 0,
    unordered: (flags & DataChunkFlag.U) !== 0,
    beginning: (flags & DataChunkFlag.B) !== 0,
    ending: (flags & DataChunkFlag.E) !== 0,
    tsn: readU32(b, at + 4),
    streamId: readU16(b, at + 8),
    ssn: readU16(b, at + 10),
    ppid: readU32(b, at + 12),
    userData: b.subarray(at + DATA_CHUNK_HEADER_LENGTH, at + length),
  });
}

export function dataChunkFlags(c: {
  readonly immediate: boolean;
  readonly unordered: boolean;
  readonly beginning: boolean;
  readonly ending: boolean;
}): number {
  return (
    (c.immediate ? DataChunkFlag.I : 0) |
    (c.unordered ? DataChunkFlag.U : 0) |
    (c.beginning ? DataChunkFlag.B : 0) |
    (c.ending ? DataChunkFlag.E : 0)
  );
}

export function dataChunkLength(c: DataChunk): number {
  return DATA_CHUNK_HEADER_LENGTH + c.userData.length;
}

export function encodeDataChunkInto(out: Uint8Array, at: number, c: DataChunk): void {
  writeChunkHeader(out, at, ChunkType.DATA, dataChunkFlags(c), DATA_CHUNK_HEADER_LENGTH + c.userData.length);
  writeU32(out, at + 4, c.tsn);
  writeU16(out, at + 8, c.streamId);
  writeU16(out, at + 10, c.ssn);
  writeU32(out, at + 12, c.ppid);
  out.set(c.userData, at + DATA_CHUNK_HEADER_LENGTH);
}
