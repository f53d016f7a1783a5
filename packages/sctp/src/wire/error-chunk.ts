import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeOk } from "./decoded.js";
import { decodeErrorCause, type ErrorCause, encodeErrorCauseInto, errorCauseLength } from "./error-cause.js";
import { decodeTlvList, encodeTlvListInto, tlvListLength } from "./parameter-format.js";

/**
 * Operation Error (ERROR), RFC 9260 §3.3.10:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 9    |  Chunk Flags  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                    one or more Error Causes                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * An ERROR without causes decodes (the list is empty); what to do with it is the machine's call.
 */
export interface ErrorChunk {
  readonly type: "error";
  readonly errorCauses: readonly ErrorCause[];
}

export function decodeErrorChunk(
  b: Uint8Array,
  at: number,
  length: number,
): Decoded<ErrorChunk, SctpDecodeErrorCode> {
  const causes = decodeTlvList(b, at + 4, at + length, decodeErrorCause);
  if (!causes.ok) return causes;
  return decodeOk({ type: "error", errorCauses: causes.value });
}

export function errorChunkLength(c: ErrorChunk): number {
  return 4 + tlvListLength(c.errorCauses, errorCauseLength);
}

export function encodeErrorChunkInto(out: Uint8Array, at: number, c: ErrorChunk): void {
  writeChunkHeader(out, at, ChunkType.ERROR, 0, errorChunkLength(c));
  encodeTlvListInto(out, at + 4, c.errorCauses, errorCauseLength, encodeErrorCauseInto);
}
