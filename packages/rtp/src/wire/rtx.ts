import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import type { RtpPacket } from "./rtp-header.js";

/**
 * RTX retransmission payload, RFC 4588 §4: the retransmission stream uses its own SSRC, payload type
 * and sequence numbers; its payload is the original sequence number (OSN) then the original payload.
 * Timestamp, marker, CSRCs and header extensions are those of the original packet.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP Header                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            OSN                |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                  Original RTP Packet Payload                  |
 * ```
 */
export interface RtxParameters {
  readonly ssrc: number;
  readonly payloadType: number;
}

/** Wraps `original` as an RTX packet with sequence number `sequenceNumber` of the RTX stream. */
export function encodeRtxPacket(original: RtpPacket, rtx: RtxParameters, sequenceNumber: number): RtpPacket {
  const payload = new Uint8Array(2 + original.payload.length);
  payload[0] = original.sequenceNumber >>> 8;
  payload[1] = original.sequenceNumber & 0xff;
  payload.set(original.payload, 2);
  return {
    ...original,
    ssrc: rtx.ssrc,
    payloadType: rtx.payloadType,
    sequenceNumber: sequenceNumber & 0xffff,
    payload,
    paddingLength: 0,
  };
}

/**
 * Recovers the original packet from an RTX packet, given the original stream's SSRC and payload type
 * (the `apt` of the RTX format, RFC 4588 §8.6). The payload is a view into the RTX payload.
 */
export function decodeRtxPacket(
  rtx: RtpPacket,
  original: RtxParameters,
): Decoded<RtpPacket, "rtx-truncated"> {
  if (rtx.payload.length < 2) return decodeFail("rtx-truncated", rtx.payload.length);
  return decodeOk({
    ...rtx,
    ssrc: original.ssrc,
    payloadType: original.payloadType,
    sequenceNumber: ((rtx.payload[0] as number) << 8) | (rtx.payload[1] as number),
    payload: rtx.payload.subarray(2),
    paddingLength: 0,
  });
}
