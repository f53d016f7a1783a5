import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";
import {
  FEEDBACK_HEADER_LENGTH,
  PsfbFormat,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  writeRtcpHeader,
} from "./rtcp-header.js";

/**
 * PLI: Picture Loss Indication, RFC 4585 §6.3.1: PSFB (PT=206) with FMT=1 and no FCI.
 *
 * ```
 * |V=2|P|  FMT=1  |    PT=206     |          length=2             |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * ```
 */
export interface PictureLossIndication {
  readonly type: "pli";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
}

export function decodePictureLossIndication(
  packet: Uint8Array,
  at: number,
): Decoded<PictureLossIndication, RtcpDecodeErrorCode> {
  if (packet.length < FEEDBACK_HEADER_LENGTH) return decodeFail("feedback-truncated", at + packet.length);
  return decodeOk({ type: "pli", senderSsrc: readU32(packet, 4), mediaSsrc: readU32(packet, 8) });
}

export function encodePictureLossIndication(pli: Omit<PictureLossIndication, "type">): Uint8Array {
  const out = new Uint8Array(FEEDBACK_HEADER_LENGTH);
  writeRtcpHeader(out, 0, PsfbFormat.PLI, RtcpPacketType.PSFB, FEEDBACK_HEADER_LENGTH);
  writeU32(out, 4, pli.senderSsrc);
  writeU32(out, 8, pli.mediaSsrc);
  return out;
}
