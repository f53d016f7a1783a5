import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { ParameterType } from "./init-parameters.js";
import { readU16 } from "./network-order.js";
import { PARAMETER_HEADER_LENGTH, writeTlvHeader } from "./parameter-format.js";

/**
 * Heartbeat Request (HEARTBEAT), RFC 9260 §3.3.5, and Heartbeat Acknowledgement (HEARTBEAT ACK),
 * §3.3.6 (types 4 and 5), each carrying one Heartbeat Info parameter (type 1):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 4    |  Chunk Flags  |       Heartbeat Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Heartbeat Info Type = 1    |      HB Info Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                  Sender-Specific Heartbeat Info               /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `heartbeatInfo` is the Sender-Specific Heartbeat Info (opaque to the receiver, echoed back in the
 * HEARTBEAT ACK). Octets after the Heartbeat Info parameter are ignored.
 */
export interface HeartbeatChunk {
  readonly type: "heartbeat";
  readonly heartbeatInfo: Uint8Array;
}

export interface HeartbeatAckChunk {
  readonly type: "heartbeat-ack";
  readonly heartbeatInfo: Uint8Array;
}

export function decodeHeartbeatChunk(
  b: Uint8Array,
  at: number,
  length: number,
  chunkType: typeof ChunkType.HEARTBEAT | typeof ChunkType.HEARTBEAT_ACK,
): Decoded<HeartbeatChunk | HeartbeatAckChunk, SctpDecodeErrorCode> {
  const p = at + 4;
  if (length < 4 + PARAMETER_HEADER_LENGTH || readU16(b, p) !== ParameterType.HeartbeatInfo) {
    return decodeFail("heartbeat-info-missing", p);
  }
  const infoLength = readU16(b, p + 2);
  if (infoLength < PARAMETER_HEADER_LENGTH) return decodeFail("parameter-length-invalid", p + 2);
  if (p + infoLength > at + length) return decodeFail("parameter-truncated", p);
  return decodeOk({
    type: chunkType === ChunkType.HEARTBEAT ? "heartbeat" : "heartbeat-ack",
    heartbeatInfo: b.subarray(p + PARAMETER_HEADER_LENGTH, p + infoLength),
  });
}

export function heartbeatChunkLength(c: HeartbeatChunk | HeartbeatAckChunk): number {
  return 4 + PARAMETER_HEADER_LENGTH + c.heartbeatInfo.length;
}

export function encodeHeartbeatChunkInto(
  out: Uint8Array,
  at: number,
  c: HeartbeatChunk | HeartbeatAckChunk,
): void {
  const length = heartbeatChunkLength(c);
  writeChunkHeader(
    out,
    at,
    c.type === "heartbeat" ? ChunkType.HEARTBEAT : ChunkType.HEARTBEAT_ACK,
    0,
    length,
  );
  writeTlvHeader(out, at + 4, ParameterType.HeartbeatInfo, length - 4);
  out.set(c.heartbeatInfo, at + 4 + PARAMETER_HEADER_LENGTH);
}
