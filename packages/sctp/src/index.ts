/**
 * @tern/sctp — SCTP (RFC 9260) as WebRTC runs it over DTLS (RFC 8261, RFC 8831): a sans-IO association,
 * the chunk and packet codecs, CRC32c, and the DCEP (RFC 8832) and PPID (RFC 8831 §8) codecs.
 */
export { SctpAssociation, type SendOptions } from "./machine/association.js";
export type { SctpAssociationOptions } from "./machine/association-options.js";
export {
  SctpError,
  type SctpErrorCode,
  SctpUsageError,
  type SctpUsageErrorCode,
} from "./machine/sctp-error.js";
export type { Millis, SctpAssociationState, SctpEvent } from "./machine/sctp-events.js";
export { type Chunk, chunkLength, paddedChunkLength } from "./wire/chunk.js";
export type { SctpDecodeErrorCode } from "./wire/chunk-header.js";
export { crc32c } from "./wire/crc32c.js";
export * from "./wire/dcep.js";
export { type Decoded, type DecodeError, UsageError } from "./wire/decoded.js";
export * from "./wire/ppid.js";
export {
  type DecodeSctpPacketOptions,
  decodeSctpPacket,
  type EncodeSctpPacketOptions,
  encodeSctpPacket,
  encodeSctpPacketInto,
  SCTP_COMMON_HEADER_LENGTH,
  type SctpCommonHeader,
  type SctpPacket,
  type SctpPacketFields,
  sctpPacketLength,
} from "./wire/sctp-packet.js";
