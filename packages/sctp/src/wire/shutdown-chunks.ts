import { T_BIT } from "./abort-chunk.js";
import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";

/**
 * Shutdown Association (SHUTDOWN), RFC 9260 §3.3.8:
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 7    |  Chunk Flags  |          Length = 8           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ShutdownChunk {
  readonly type: "shutdown";
  readonly cumulativeTsnAck: number;
}

/** Shutdown Acknowledgement (SHUTDOWN ACK), RFC 9260 §3.3.9: type 8, length 4, nothing else. */
export interface ShutdownAckChunk {
  readonly type: "shutdown-ack";
}

/**
 * Shutdown Complete (SHUTDOWN COMPLETE), RFC 9260 §3.3.13:
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 14   |  Reserved   |T|          Length = 4           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ShutdownCompleteChunk {
  readonly type: "shutdown-complete";
  /** T bit: the Verification Tag is the receiver's own, reflected */
  readonly verificationTagReflected: boolean;
}

export function decodeShutdownChunk(
  b: Uint8Array,
  at: number,
  length: number,
): Decoded<ShutdownChunk, SctpDecodeErrorCode> {
  if (length < 8) return decodeFail("chunk-length-invalid", at + 2);
  return decodeOk({ type: "shutdown", cumulativeTsnAck: readU32(b, at + 4) });
}

export function encodeShutdownChunkInto(out: Uint8Array, at: number, c: ShutdownChunk): void {
  writeChunkHeader(out, at, ChunkType.SHUTDOWN, 0, 8);
  writeU32(out, at + 4, c.cumulativeTsnAck);
}

export function encodeShutdownAckChunkInto(out: Uint8Array, at: number): void {
  writeChunkHeader(out, at, ChunkType.SHUTDOWN_ACK, 0, 4);
}

export function decodeShutdownCompleteChunk(flags: number): ShutdownCompleteChunk {
  return { type: "shutdown-complete", verificationTagReflected: (flags & T_BIT) !== 0 };
}

export function encodeShutdownCompleteChunkInto(out: Uint8Array, at: number, c: ShutdownCompleteChunk): void {
  writeChunkHeader(out, at, ChunkType.SHUTDOWN_COMPLETE, c.verificationTagReflected ? T_BIT : 0, 4);
}
