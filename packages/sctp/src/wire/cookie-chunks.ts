import { ChunkType, writeChunkHeader } from "./chunk-header.js";

/**
 * State Cookie (COOKIE ECHO), RFC 9260 §3.3.11:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 10   |  Chunk Flags  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                            Cookie                             /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `cookie` is the State Cookie the INIT ACK carried, echoed whole; decoded, a view into the packet.
 */
export interface CookieEchoChunk {
  readonly type: "cookie-echo";
  readonly cookie: Uint8Array;
}

/** Cookie Acknowledgement (COOKIE ACK), RFC 9260 §3.3.12: type 11, length 4, nothing else. */
export interface CookieAckChunk {
  readonly type: "cookie-ack";
}

export function decodeCookieEchoChunk(b: Uint8Array, at: number, length: number): CookieEchoChunk {
  return { type: "cookie-echo", cookie: b.subarray(at + 4, at + length) };
}

export function encodeCookieEchoChunkInto(out: Uint8Array, at: number, c: CookieEchoChunk): void {
  writeChunkHeader(out, at, ChunkType.COOKIE_ECHO, 0, 4 + c.cookie.length);
  out.set(c.cookie, at + 4);
}

export function encodeCookieAckChunkInto(out: Uint8Array, at: number): void {
  writeChunkHeader(out, at, ChunkType.COOKIE_ACK, 0, 4);
}
