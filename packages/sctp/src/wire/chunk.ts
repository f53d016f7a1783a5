import { type AbortChunk, abortChunkLength, decodeAbortChunk, encodeAbortChunkInto } from "./abort-chunk.js";
import {
  ChunkType,
  type SctpDecodeErrorCode,
  type UnrecognizedAction,
  unrecognizedAction,
} from "./chunk-header.js";
import {
  type CookieAckChunk,
  type CookieEchoChunk,
  decodeCookieEchoChunk,
  encodeCookieAckChunkInto,
  encodeCookieEchoChunkInto,
} from "./cookie-chunks.js";
import { type DataChunk, decodeDataChunk, encodeDataChunkInto } from "./data-chunk.js";
import { type Decoded, decodeOk, UsageError } from "./decoded.js";
import { decodeErrorChunk, type ErrorChunk, encodeErrorChunkInto, errorChunkLength } from "./error-chunk.js";
import {
  decodeForwardTsnChunk,
  decodeIForwardTsnChunk,
  encodeForwardTsnChunkInto,
  encodeIForwardTsnChunkInto,
  type ForwardTsnChunk,
  forwardTsnChunkLength,
  type IForwardTsnChunk,
  iForwardTsnChunkLength,
} from "./forward-tsn-chunk.js";
import {
  decodeHeartbeatChunk,
  encodeHeartbeatChunkInto,
  type HeartbeatAckChunk,
  type HeartbeatChunk,
  heartbeatChunkLength,
} from "./heartbeat-chunk.js";
import {
  decodeIDataChunk,
  encodeIDataChunkInto,
  I_DATA_CHUNK_HEADER_LENGTH,
  type IDataChunk,
} from "./i-data-chunk.js";
import {
  decodeInitChunk,
  encodeInitChunkInto,
  type InitAckChunk,
  type InitChunk,
  initChunkLength,
} from "./init-chunk.js";
import { readU16 } from "./network-order.js";
import {
  decodeReconfigChunk,
  encodeReconfigChunkInto,
  type ReconfigChunk,
  reconfigChunkLength,
} from "./reconfig-chunk.js";
import { decodeSackChunk, encodeSackChunkInto, type SackChunk, sackChunkLength } from "./sack-chunk.js";
import {
  decodeShutdownChunk,
  decodeShutdownCompleteChunk,
  encodeShutdownAckChunkInto,
  encodeShutdownChunkInto,
  encodeShutdownCompleteChunkInto,
  type ShutdownAckChunk,
  type ShutdownChunk,
  type ShutdownCompleteChunk,
} from "./shutdown-chunks.js";

export type { AbortChunk } from "./abort-chunk.js";
export type { CookieAckChunk, CookieEchoChunk } from "./cookie-chunks.js";
export type { DataChunk } from "./data-chunk.js";
export type { ErrorChunk } from "./error-chunk.js";
export type { ForwardTsnChunk, IForwardTsnChunk } from "./forward-tsn-chunk.js";
export type { HeartbeatAckChunk, HeartbeatChunk } from "./heartbeat-chunk.js";
export type { IDataChunk } from "./i-data-chunk.js";
export type { InitAckChunk, InitChunk } from "./init-chunk.js";
export type { ReconfigChunk } from "./reconfig-chunk.js";
export type { SackChunk } from "./sack-chunk.js";
export type { ShutdownAckChunk, ShutdownChunk, ShutdownCompleteChunk } from "./shutdown-chunks.js";

/**
 * A chunk of a type this layer does not decode (ECNE, CWR, AUTH, ASCONF, PAD, …), kept whole: `raw` is
 * the chunk from its type octet to the end of its value (Chunk Length octets, no padding), ready for an
 * "Unrecognized Chunk Type" error cause. `action` is what RFC 9260 §3.2 says to do with it, from the
 * type's upper two bits; encoding ignores it and copies `raw`.
 */
export interface UnknownChunk {
  readonly type: "unknown";
  readonly chunkType: number;
  readonly flags: number;
  readonly raw: Uint8Array;
  readonly action: UnrecognizedAction;
}

/** Every chunk the wire layer decodes and encodes, discriminated on `type`. */
export type Chunk =
  | DataChunk
  | IDataChunk
  | InitChunk
  | InitAckChunk
  | SackChunk
  | HeartbeatChunk
  | HeartbeatAckChunk
  | AbortChunk
  | ShutdownChunk
  | ShutdownAckChunk
  | ErrorChunk
  | CookieEchoChunk
  | CookieAckChunk
  | ShutdownCompleteChunk
  | ForwardTsnChunk
  | IForwardTsnChunk
  | ReconfigChunk
  | UnknownChunk;

/**
 * The chunk at `b[at, at + length)`; the caller (the packet decoder) has checked that `length` ≥ 4 and
 * that the chunk lies inside the packet.
 */
export function decodeChunk(b: Uint8Array, at: number, length: number): Decoded<Chunk, SctpDecodeErrorCode> {
  const type = b[at] as number;
  const flags = b[at + 1] as number;
  switch (type) {
    case ChunkType.DATA:
      return decodeDataChunk(b, at, length, flags);
    case ChunkType.I_DATA:
      return decodeIDataChunk(b, at, length, flags);
    case ChunkType.SACK:
      return decodeSackChunk(b, at, length);
    case ChunkType.INIT:
    case ChunkType.INIT_ACK:
      return decodeInitChunk(b, at, length, type);
    case ChunkType.HEARTBEAT:
    case ChunkType.HEARTBEAT_ACK:
      return decodeHeartbeatChunk(b, at, length, type);
    case ChunkType.ABORT:
      return decodeAbortChunk(b, at, length, flags);
    case ChunkType.SHUTDOWN:
      return decodeShutdownChunk(b, at, length);
    case ChunkType.SHUTDOWN_ACK:
      return decodeOk({ type: "shutdown-ack" });
    case ChunkType.ERROR:
      return decodeErrorChunk(b, at, length);
    case ChunkType.COOKIE_ECHO:
      return decodeOk(decodeCookieEchoChunk(b, at, length));
    case ChunkType.COOKIE_ACK:
      return decodeOk({ type: "cookie-ack" });
    case ChunkType.SHUTDOWN_COMPLETE:
      return decodeOk(decodeShutdownCompleteChunk(flags));
    case ChunkType.FORWARD_TSN:
      return decodeForwardTsnChunk(b, at, length);
    case ChunkType.I_FORWARD_TSN:
      return decodeIForwardTsnChunk(b, at, length);
    case ChunkType.RE_CONFIG:
      return decodeReconfigChunk(b, at, length);
    default:
      return decodeOk({
        type: "unknown",
        chunkType: type,
        flags,
        raw: b.subarray(at, at + length),
        action: unrecognizedAction(type, 8),
      });
  }
}

/** The Chunk Length field of `c`: header and value, without the padding that follows. */
export function chunkLength(c: Chunk): number {
  switch (c.type) {
    case "data":
      return 16 + c.userData.length;
    case "i-data":
      return I_DATA_CHUNK_HEADER_LENGTH + c.userData.length;
    case "init":
    case "init-ack":
      return initChunkLength(c);
    case "sack":
      return sackChunkLength(c);
    case "heartbeat":
    case "heartbeat-ack":
      return heartbeatChunkLength(c);
    case "abort":
      return abortChunkLength(c);
    case "shutdown":
      return 8;
    case "shutdown-ack":
    case "cookie-ack":
    case "shutdown-complete":
      return 4;
    case "error":
      return errorChunkLength(c);
    case "cookie-echo":
      return 4 + c.cookie.length;
    case "forward-tsn":
      return forwardTsnChunkLength(c);
    case "i-forward-tsn":
      return iForwardTsnChunkLength(c);
    case "re-config":
      return reconfigChunkLength(c);
    case "unknown":
      return c.raw.length;
  }
}

/** The octets `c` takes in a packet: its length rounded up to a multiple of 4 (RFC 9260 §3.2). */
export function paddedChunkLength(c: Chunk): number {
  return (chunkLength(c) + 3) & ~3;
}

/**
 * Writes `c` at `out[at]` with its padding zeroed; returns the padded length written. Throws
 * `UsageError` for a chunk that cannot be represented (longer than 65535 octets, a raw chunk whose header
 * disagrees with its fields); `out` must have room for `paddedChunkLength(c)` octets from `at`.
 */
export function encodeChunkInto(out: Uint8Array, at: number, c: Chunk): number {
  const length = chunkLength(c);
  if (length > 0xffff) throw new UsageError(`${c.type} chunk of ${length} octets: Chunk Length is 16 bits`);
  switch (c.type) {
    case "data":
      encodeDataChunkInto(out, at, c);
      break;
    case "i-data":
      encodeIDataChunkInto(out, at, c);
      break;
    case "init":
    case "init-ack":
      encodeInitChunkInto(out, at, c);
      break;
    case "sack":
      encodeSackChunkInto(out, at, c);
      break;
    case "heartbeat":
    case "heartbeat-ack":
      encodeHeartbeatChunkInto(out, at, c);
      break;
    case "abort":
      encodeAbortChunkInto(out, at, c);
      break;
    case "shutdown":
      encodeShutdownChunkInto(out, at, c);
      break;
    case "shutdown-ack":
      encodeShutdownAckChunkInto(out, at);
      break;
    case "error":
      encodeErrorChunkInto(out, at, c);
      break;
    case "cookie-echo":
      encodeCookieEchoChunkInto(out, at, c);
      break;
    case "cookie-ack":
      encodeCookieAckChunkInto(out, at);
      break;
    case "shutdown-complete":
      encodeShutdownCompleteChunkInto(out, at, c);
      break;
    case "forward-tsn":
      encodeForwardTsnChunkInto(out, at, c);
      break;
    case "i-forward-tsn":
      encodeIForwardTsnChunkInto(out, at, c);
      break;
    case "re-config":
      encodeReconfigChunkInto(out, at, c);
      break;
    case "unknown":
      if (
        c.raw.length < 4 ||
        c.raw[0] !== c.chunkType ||
        c.raw[1] !== c.flags ||
        readU16(c.raw, 2) !== c.raw.length
      ) {
        throw new UsageError(
          `raw chunk of type ${c.chunkType}: its header does not match its fields and length`,
        );
      }
      out.set(c.raw, at);
      break;
  }
  const padded = (length + 3) & ~3;
  for (let i = at + length; i < at + padded; i++) out[i] = 0;
  return padded;
}
