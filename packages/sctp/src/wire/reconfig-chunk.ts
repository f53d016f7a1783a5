import { ChunkType, type SctpDecodeErrorCode, writeChunkHeader } from "./chunk-header.js";
import { type Decoded, decodeOk } from "./decoded.js";
import { decodeTlvList, encodeTlvListInto, tlvListLength } from "./parameter-format.js";
import {
  decodeReconfigParameter,
  encodeReconfigParameterInto,
  type ReconfigParameter,
  reconfigParameterLength,
} from "./reconfig-parameters.js";

/**
 * Re-configuration (RE-CONFIG), RFC 6525 §3.1:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = 130    |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                  Re-configuration Parameter                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /             Re-configuration Parameter (optional)             /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The RFC allows one or two parameters in set combinations (§3.1); the decoder keeps whatever list it
 * finds and leaves judging the combination to the machine.
 */
export interface ReconfigChunk {
  readonly type: "re-config";
  readonly parameters: readonly ReconfigParameter[];
}

export function decodeReconfigChunk(
  b: Uint8Array,
  at: number,
  length: number,
): Decoded<ReconfigChunk, SctpDecodeErrorCode> {
  const parameters = decodeTlvList(b, at + 4, at + length, decodeReconfigParameter);
  if (!parameters.ok) return parameters;
  return decodeOk({ type: "re-config", parameters: parameters.value });
}

export function reconfigChunkLength(c: ReconfigChunk): number {
  return 4 + tlvListLength(c.parameters, reconfigParameterLength);
}

export function encodeReconfigChunkInto(out: Uint8Array, at: number, c: ReconfigChunk): void {
  writeChunkHeader(out, at, ChunkType.RE_CONFIG, 0, reconfigChunkLength(c));
  encodeTlvListInto(out, at + 4, c.parameters, reconfigParameterLength, encodeReconfigParameterInto);
}
