/**
 * Just enough of the RTP header (RFC 3550 §5.1) and RTCP header (RFC 3550 §6.4) for SRTP: where the
 * payload starts, the sequence number and the SSRC. The header, CSRC list and header extension
 * (RFC 3550 §5.3.1, RFC 8285) stay in the clear and are authenticated as they are (RFC 3711 §3.1).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (if X)
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */

/** Why bytes were not a usable (S)RTP or (S)RTCP packet. `at` is the offset where it was noticed. */
export type SrtpMalformedCode =
  | "bad-version"
  | "truncated-header"
  | "truncated-csrc"
  | "truncated-extension"
  | "bad-padding"
  | "truncated-trailer";

export interface SrtpMalformed {
  readonly code: SrtpMalformedCode;
  readonly at: number;
}

export const RTP_FIXED_HEADER_LENGTH = 12;
export const RTCP_HEADER_LENGTH = 8;

function malformed(code: SrtpMalformedCode, at: number): SrtpMalformed {
  return { code, at };
}

/**
 * The length of the RTP header of `packet[0, end)` (fixed part, CSRCs and extension), or why it is not
 * one. Never reads at or past `end`.
 */
export function rtpHeaderLength(packet: Uint8Array, end: number): number | SrtpMalformed {
  if (end < RTP_FIXED_HEADER_LENGTH) return malformed("truncated-header", end);
  const b0 = packet[0]!;
  if (b0 >>> 6 !== 2) return malformed("bad-version", 0);
  let length = RTP_FIXED_HEADER_LENGTH + 4 * (b0 & 0x0f);
  if (length > end) return malformed("truncated-csrc", RTP_FIXED_HEADER_LENGTH);
  if ((b0 & 0x10) !== 0) {
    if (length + 4 > end) return malformed("truncated-extension", length);
    const words = (packet[length + 2]! << 8) | packet[length + 3]!;
    length += 4 + 4 * words;
    if (length > end) return malformed("truncated-extension", length - 4 * words);
  }
  return length;
}

/**
 * Checks the RTP padding (RFC 3550 §5.1, P bit) of `packet[0, end)` whose payload starts at `headerLength`:
 * the last octet counts the padding octets, itself included, and must fit in the payload.
 */
export function checkRtpPadding(
  packet: Uint8Array,
  headerLength: number,
  end: number,
): SrtpMalformed | undefined {
  if ((packet[0]! & 0x20) === 0) return undefined;
  if (end <= headerLength) return malformed("bad-padding", end);
  const count = packet[end - 1]!;
  if (count === 0 || count > end - headerLength) return malformed("bad-padding", end - 1);
  return undefined;
}

export function rtpSequenceNumber(packet: Uint8Array): number {
  return (packet[2]! << 8) | packet[3]!;
}

export function rtpSsrc(packet: Uint8Array): number {
  return ((packet[8]! << 24) | (packet[9]! << 16) | (packet[10]! << 8) | packet[11]!) >>> 0;
}

/** The SSRC of the packet sender in an RTCP header (octets 4–7), the one SRTCP keys its state by. */
export function rtcpSenderSsrc(packet: Uint8Array): number {
  return ((packet[4]! << 24) | (packet[5]! << 16) | (packet[6]! << 8) | packet[7]!) >>> 0;
}

/** Checks the first RTCP header of `packet[0, end)`: at least 8 octets, version 2. */
export function checkRtcpHeader(packet: Uint8Array, end: number): SrtpMalformed | undefined {
  if (end < RTCP_HEADER_LENGTH) return malformed("truncated-header", end);
  if (packet[0]! >>> 6 !== 2) return malformed("bad-version", 0);
  return undefined;
}
