import { type Chunk, chunkLength, decodeChunk, encodeChunkInto } from "./chunk.js";
import { CHUNK_HEADER_LENGTH, type SctpDecodeErrorCode } from "./chunk-header.js";
import { readSctpChecksum, sctpPacketCrc32c, writeSctpChecksum } from "./crc32c.js";
import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { padded4, readU16, readU32, writeU16, writeU32 } from "./network-order.js";

/**
 * The SCTP common header, RFC 9260 §3.1, followed by one or more chunks (§3):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Source Port Number        |     Destination Port Number   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Verification Tag                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Checksum                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Over DTLS (RFC 8261) one SCTP packet is one DTLS record's plaintext; the ports are those of
 * `a=sctp-port` (RFC 8841), 5000 by default.
 */
export interface SctpCommonHeader {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly verificationTag: number;
}

export interface SctpPacket extends SctpCommonHeader {
  /** The Checksum field as a CRC value (the packet stores it least significant octet first); 0 when zero */
  readonly checksum: number;
  readonly chunks: readonly Chunk[];
}

/** What `encodeSctpPacket` takes: the checksum is computed (a decoded `SctpPacket` fits too). */
export interface SctpPacketFields extends SctpCommonHeader {
  readonly chunks: readonly Chunk[];
}

export const SCTP_COMMON_HEADER_LENGTH = 12;

export interface DecodeSctpPacketOptions {
  /**
   * Check the CRC32c (default true). A packet whose checksum is wrong fails with "bad-checksum".
   */
  readonly verifyChecksum?: boolean;
  /**
   * Accept a Checksum field of zero without computing the CRC (RFC 9653): only when we announced
   * Zero Checksum Acceptable to this peer. A correct CRC32c is accepted either way.
   */
  readonly acceptZeroChecksum?: boolean;
}

export interface EncodeSctpPacketOptions {
  /**
   * Write a zero Checksum instead of the CRC32c (RFC 9653): only when the peer announced Zero Checksum
   * Acceptable with the DTLS method. Which packets still carry a CRC32c (INIT, before the peer's answer)
   * is the machine's call.
   */
  readonly zeroChecksum?: boolean;
}

/**
 * Decodes one SCTP packet. Never throws: bad input is a `{ ok: false, error: { code, at } }`.
 * Bounded by the input: every chunk, parameter, error cause and list count is checked against the
 * octets that hold it before it is read, so the work and the allocations grow with the packet's length
 * only. DATA / I-DATA `userData` (and cookies, raw chunks) are views into `packet`, not copies.
 * Decoding stops after an unknown chunk whose action is `stop` or `stop-and-report` (RFC 9260 §3.2): it
 * is the last chunk returned, and the octets after it are not looked at.
 */
export function decodeSctpPacket(
  packet: Uint8Array,
  options?: DecodeSctpPacketOptions,
): Decoded<SctpPacket, SctpDecodeErrorCode> {
  const n = packet.length;
  if (n < SCTP_COMMON_HEADER_LENGTH) return decodeFail("packet-truncated", n);
  const checksum = readSctpChecksum(packet);
  if (options?.verifyChecksum !== false && !(checksum === 0 && options?.acceptZeroChecksum === true)) {
    if (sctpPacketCrc32c(packet) !== checksum) return decodeFail("bad-checksum", 8);
  }
  if (n === SCTP_COMMON_HEADER_LENGTH) return decodeFail("no-chunks", n);
  const chunks: Chunk[] = [];
  let at = SCTP_COMMON_HEADER_LENGTH;
  while (at < n) {
    if (n - at < CHUNK_HEADER_LENGTH) return decodeFail("chunk-truncated", at);
    const length = readU16(packet, at + 2);
    if (length < CHUNK_HEADER_LENGTH) return decodeFail("chunk-length-invalid", at + 2);
    if (at + length > n) return decodeFail("chunk-truncated", at);
    const chunk = decodeChunk(packet, at, length);
    if (!chunk.ok) return chunk;
    chunks.push(chunk.value);
    if (
      chunk.value.type === "unknown" &&
      (chunk.value.action === "stop" || chunk.value.action === "stop-and-report")
    ) {
      break;
    }
    at += padded4(length);
  }
  return decodeOk({
    sourcePort: readU16(packet, 0),
    destinationPort: readU16(packet, 2),
    verificationTag: readU32(packet, 4),
    checksum,
    chunks,
  });
}

/** The octets the packet takes: the common header and every chunk padded (the last one too). */
export function sctpPacketLength(chunks: readonly Chunk[]): number {
  let n = SCTP_COMMON_HEADER_LENGTH;
  for (let i = 0; i < chunks.length; i++) n += padded4(chunkLength(chunks[i] as Chunk));
  return n;
}

/**
 * Writes the packet into `out` from `at` and returns its length; sets the checksum. `out` needs
 * `sctpPacketLength(packet.chunks)` octets from `at` (else `UsageError`), so a caller can reuse one
 * buffer for every packet.
 */
export function encodeSctpPacketInto(
  out: Uint8Array,
  at: number,
  packet: SctpPacketFields,
  options?: EncodeSctpPacketOptions,
): number {
  if (packet.chunks.length === 0) throw new UsageError("an SCTP packet holds at least one chunk");
  const length = sctpPacketLength(packet.chunks);
  if (at < 0 || at + length > out.length)
    throw new UsageError(`${length} octets do not fit at ${at} in ${out.length}`);
  writeU16(out, at, packet.sourcePort);
  writeU16(out, at + 2, packet.destinationPort);
  writeU32(out, at + 4, packet.verificationTag);
  let i = at + SCTP_COMMON_HEADER_LENGTH;
  for (const c of packet.chunks) i += encodeChunkInto(out, i, c);
  writeSctpChecksum(out, options?.zeroChecksum === true ? 0 : sctpPacketCrc32c(out, at, at + length), at);
  return length;
}

/** The packet in a new array (one allocation), checksum set. */
export function encodeSctpPacket(packet: SctpPacketFields, options?: EncodeSctpPacketOptions): Uint8Array {
  const out = new Uint8Array(sctpPacketLength(packet.chunks));
  encodeSctpPacketInto(out, 0, packet, options);
  return out;
}
