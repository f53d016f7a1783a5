import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import {
  decodeInitParameter,
  encodeInitParameterInto,
  type InitParameter,
  initParameterLength,
} from "./init-parameters.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";
import { decodeTlvList, encodeTlvListInto, tlvListLength } from "./parameter-format.js";

/**
 * Initiation (INIT), RFC 9260 §3.3.2, and Initiation Acknowledgement (INIT ACK), §3.3.3, which share
 * one layout (type 1 and 2):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 1    |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Initiate Tag                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Advertised Receiver Window Credit (a_rwnd)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Number of Outbound Streams   |  Number of Inbound Streams    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Initial TSN                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /              Optional/Variable-Length Parameters              /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The INIT ACK carries the State Cookie parameter (mandatory). Zero values of the Initiate Tag or of the
 * stream counts decode; rejecting them (§3.3.2: ABORT) is the machine's job.
 */
export interface InitFields {
  readonly initiateTag: number;
  /** Advertised Receiver Window Credit, octets */
  readonly aRwnd: number;
  /** Number of Outbound Streams (OS) */
  readonly numberOfOutboundStreams: number;
  /** Number of Inbound Streams (MIS) */
  readonly numberOfInboundStreams: number;
  readonly initialTsn: number;
  readonly parameters: readonly InitParameter[];
}

export interface InitChunk extends InitFields {
  readonly type: "init";
}

export interface InitAckChunk extends InitFields {
  readonly type: "init-ack";
}

export const INIT_CHUNK_FIXED_LENGTH = 20;

export function decodeInitChunk(
  b: Uint8Array,
  at: number,
  length: number,
  chunkType: typeof ChunkType.INIT | typeof ChunkType.INIT_ACK,
): Decoded<InitChunk | InitAckChunk, SctpDecodeErrorCode> {
  if (length < INIT_CHUNK_FIXED_LENGTH) return decodeFail("chunk-length-invalid", at + 2);
  const parameters = decodeTlvList(b, at + INIT_CHUNK_FIXED_LENGTH, at + length, decodeInitParameter);
  if (!parameters.ok) return parameters;
  return decodeOk({
    type: chunkType === ChunkType.INIT ? "init" : "init-ack",
    initiateTag: readU32(b, at + 4),
    aRwnd: readU32(b, at + 8),
    numberOfOutboundStreams: readU16(b, at + 12),
    numberOfInboundStreams: readU16(b, at + 14),
    initialTsn: readU32(b, at + 16),
    parameters: parameters.value,
  });
}

export function initChunkLength(c: InitChunk | InitAckChunk): number {
  return INIT_CHUNK_FIXED_LENGTH + tlvListLength(c.parameters, initParameterLength);
}

export function encodeInitChunkInto(out: Uint8Array, at: number, c: InitChunk | InitAckChunk): void {
  writeChunkHeader(out, at, c.type === "init" ? ChunkType.INIT : ChunkType.INIT_ACK, 0, initChunkLength(c));
  writeU32(out, at + 4, c.initiateTag);
  writeU32(out, at + 8, c.aRwnd);
  writeU16(out, at + 12, c.numberOfOutboundStreams);
  writeU16(out, at + 14, c.numberOfInboundStreams);
  writeU32(out, at + 16, c.initialTsn);
  encodeTlvListInto(
    out,
    at + INIT_CHUNK_FIXED_LENGTH,
    c.parameters,
    initParameterLength,
    encodeInitParameterInto,
  );
}
