import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeOk } from "./decoded.js";
import { decodeErrorCause, type ErrorCause, encodeErrorCauseInto, errorCauseLength } from "./error-cause.js";
import { decodeTlvList, encodeTlvListInto, tlvListLength } from "./parameter-format.js";

/**
 * Abort Association (ABORT), RFC 9260 §3.3.7:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 6    |  Reserved   |T|            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                   zero or more Error Causes                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * T bit: the packet's Verification Tag is the receiver's own tag reflected (§8.4, §8.5.1), not the
 * peer's tag.
 */
export interface AbortChunk {
  readonly type: "abort";
  /** T bit */
  readonly verificationTagReflected: boolean;
  readonly errorCauses: readonly ErrorCause[];
}

/** The T bit of ABORT and SHUTDOWN COMPLETE. */
export const T_BIT = 0x01;

export function decodeAbortChunk(
  b: Uint8Array,
  at: number,
  length: number,
  flags: number,
): Decoded<AbortChunk, SctpDecodeErrorCode> {
  const causes = decodeTlvList(b, at + 4, at + length, decodeErrorCause);
  if (!causes.ok) return causes;
  return decodeOk({
    type: "abort",
    verificationTagReflected: (flags & T_BIT) !== 0,
    errorCauses: causes.value,
  });
}

export function abortChunkLength(c: AbortChunk): number {
  return 4 + tlvListLength(c.errorCauses, errorCauseLength);
}

export function encodeAbortChunkInto(out: Uint8Array, at: number, c: AbortChunk): void {
  writeChunkHeader(out, at, ChunkType.ABORT, c.verificationTagReflected ? T_BIT : 0, abortChunkLength(c));
  encodeTlvListInto(out, at + 4, c.errorCauses, errorCauseLength, encodeErrorCauseInto);
}
