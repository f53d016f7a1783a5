/**
 * The header common to every RTCP packet, RFC 3550 §6.4.1:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  RC/FMT |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `length` counts 32-bit words minus one, header and padding included.
 */

/** IANA "RTP Control Protocol (RTCP) Control Packet Types" (RFC 3550 §12.1, RFC 4585 §6.1). */
export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
  RTPFB: 205,
  PSFB: 206,
} as const;

/** IANA "FMT Values for RTPFB Payload Types" (RFC 4585 §6.2.1, RFC 5104 §4.2). */
export const RtpfbFormat = { GenericNack: 1, TMMBR: 3, TMMBN: 4, TransportWideCc: 15 } as const;

/** IANA "FMT Values for PSFB Payload Types" (RFC 4585 §6.3, RFC 5104 §4.3). */
export const PsfbFormat = { PLI: 1, SLI: 2, RPSI: 3, FIR: 4, TSTR: 5, TSTN: 6, VBCM: 7, AFB: 15 } as const;

export const RTCP_HEADER_LENGTH = 4;

export interface RtcpCommonHeader {
  readonly padding: boolean;
  /** RC, SC or FMT: the 5-bit field after P */
  readonly count: number;
  readonly packetType: number;
  /** total octets of this packet, header and padding included: (length + 1) * 4 */
  readonly byteLength: number;
}

/**
 * RFC 5761 §4: on a multiplexed port, a packet whose second octet is 192–223 (payload types 64–95
 * with the marker bit) is RTCP. Also checks version 2 and the minimum length.
 */
export function isRtcpPacket(b: Uint8Array): boolean {
  if (b.length < RTCP_HEADER_LENGTH) return false;
  const pt = b[1] as number;
  return (b[0] as number) >> 6 === 2 && pt >= 192 && pt <= 223;
}

/** Writes the common header at `off` for a packet of `byteLength` octets (a multiple of 4). */
export function writeRtcpHeader(
  out: Uint8Array,
  off: number,
  count: number,
  packetType: number,
  byteLength: number,
  padding = false,
): void {
  const words = byteLength / 4 - 1;
  out[off] = 0x80 | (padding ? 0x20 : 0) | (count & 0x1f);
  out[off + 1] = packetType;
  out[off + 2] = (words >>> 8) & 0xff;
  out[off + 3] = words & 0xff;
}

/**
 * RFC 4585 §6.1: the feedback packets (RTPFB, PSFB) follow the common header with the SSRC of the
 * packet sender and the SSRC of the media source, then the FCI.
 */
export const FEEDBACK_HEADER_LENGTH = 12;

export type RtcpDecodeErrorCode =
  | "truncated"
  | "bad-version"
  | "bad-length"
  | "bad-padding"
  | "sr-truncated"
  | "rr-truncated"
  | "sdes-truncated"
  | "bye-truncated"
  | "app-truncated"
  | "feedback-truncated"
  | "nack-truncated"
  | "fir-truncated"
  | "remb-truncated"
  | "twcc-truncated"
  | "twcc-reserved-symbol";

/** An RTCP packet of a type (or feedback format) this package does not model, kept raw. */
export interface UnknownRtcpPacket {
  readonly type: "unknown";
  readonly packetType: number;
  /** the 5-bit RC/SC/FMT field */
  readonly count: number;
  /** everything after the 4-octet common header (a multiple of 4 octets) */
  readonly body: Uint8Array;
}

/**
 * The whole 32-bit words of `packet` from `from` on. A packet whose padding count (RFC 3550 §6.4.1)
 * is not a multiple of 4 leaves a partial word, which no word-structured field can use.
 */
export function wholeWords(packet: Uint8Array, from: number): Uint8Array {
  return packet.subarray(from, from + ((packet.length - from) & ~3));
}
