/**
 * The chunk field format shared by every chunk, RFC 9260 §3.2:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                          Chunk Value                          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Chunk Length counts the header and the value, not the padding to a multiple of 4 that follows.
 */

export const CHUNK_HEADER_LENGTH = 4;

/**
 * Chunk Type registry (IANA "Chunk Types"): RFC 9260 §3.2, RFC 3758 (FORWARD-TSN), RFC 4895 (AUTH),
 * RFC 4960/5061 (ASCONF), RFC 4820 (PAD), RFC 6525 (RE-CONFIG), RFC 8260 (I-DATA, I-FORWARD-TSN).
 */
export const ChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  ECNE: 12,
  CWR: 13,
  SHUTDOWN_COMPLETE: 14,
  AUTH: 15,
  I_DATA: 64,
  ASCONF_ACK: 128,
  RE_CONFIG: 130,
  PAD: 132,
  FORWARD_TSN: 192,
  ASCONF: 193,
  I_FORWARD_TSN: 194,
} as const;

/**
 * What a receiver does with a chunk type or parameter type it does not know, from the type's two
 * highest bits: RFC 9260 §3.2 (chunks) and §3.2.1 (parameters).
 * - `00` `stop`: stop processing, discard (the rest of the packet / the chunk's other parameters);
 * - `01` `stop-and-report`: the same, and report it (ERROR "Unrecognized Chunk Type" /
 *   "Unrecognized Parameter");
 * - `10` `skip`: skip it and go on;
 * - `11` `skip-and-report`: skip it, go on, and report it.
 */
export type UnrecognizedAction = "stop" | "stop-and-report" | "skip" | "skip-and-report";

const ACTIONS: readonly UnrecognizedAction[] = ["stop", "stop-and-report", "skip", "skip-and-report"];

/** The action for an unknown type whose field is `bits` wide (8 for chunks, 16 for parameters). */
export function unrecognizedAction(type: number, bits: 8 | 16): UnrecognizedAction {
  return ACTIONS[(type >>> (bits - 2)) & 3] as UnrecognizedAction;
}

/** Every reason the wire layer refuses bytes, with `at` the byte offset in the packet. */
export type SctpDecodeErrorCode =
  /** shorter than the 12-byte common header */
  | "packet-truncated"
  /** CRC32c mismatch (or a zero checksum where zero checksums were not accepted) */
  | "bad-checksum"
  /** a common header and nothing after it */
  | "no-chunks"
  /** a chunk header or the declared Chunk Length runs past the end of the packet */
  | "chunk-truncated"
  /** Chunk Length smaller than the chunk type's fixed part (or than 4) */
  | "chunk-length-invalid"
  /** a parameter or error cause header, or its declared length, runs past the end of its chunk */
  | "parameter-truncated"
  /** a parameter or error cause length smaller than its fixed part */
  | "parameter-length-invalid"
  /** the SACK's Number of Gap Ack Blocks / Duplicate TSNs need more octets than the chunk holds */
  | "sack-counts-exceed-length"
  /** a HEARTBEAT or HEARTBEAT ACK without its Heartbeat Info parameter */
  | "heartbeat-info-missing";

export function writeChunkHeader(
  out: Uint8Array,
  at: number,
  type: number,
  flags: number,
  length: number,
): void {
  out[at] = type;
  out[at + 1] = flags;
  out[at + 2] = (length >>> 8) & 0xff;
  out[at + 3] = length & 0xff;
}
