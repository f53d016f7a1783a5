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
 * FIR: Full Intra Request, RFC 5104 §4.3.1: PSFB (PT=206) with FMT=4. The media source SSRC of the
 * common part is 0 (§4.3.1.2); the FCI holds one entry per requested sender:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface FullIntraRequest {
  readonly type: "fir";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly entries: readonly FirEntry[];
}

export interface FirEntry {
  readonly ssrc: number;
  /** 8-bit command sequence number, incremented per new request (RFC 5104 §4.3.1.1) */
  readonly sequenceNumber: number;
}

export function decodeFullIntraRequest(
  packet: Uint8Array,
  at: number,
): Decoded<FullIntraRequest, RtcpDecodeErrorCode> {
  if (packet.length < FEEDBACK_HEADER_LENGTH + 8 || (packet.length - FEEDBACK_HEADER_LENGTH) % 8 !== 0) {
    return decodeFail("fir-truncated", at + packet.length);
  }
  const entries: FirEntry[] = [];
  for (let off = FEEDBACK_HEADER_LENGTH; off + 8 <= packet.length; off += 8) {
    entries.push({ ssrc: readU32(packet, off), sequenceNumber: packet[off + 4] as number });
  }
  return decodeOk({ type: "fir", senderSsrc: readU32(packet, 4), mediaSsrc: readU32(packet, 8), entries });
}

export function encodeFullIntraRequest(
  fir: Omit<FullIntraRequest, "type" | "mediaSsrc"> & { readonly mediaSsrc?: number },
): Uint8Array {
  const len = FEEDBACK_HEADER_LENGTH + fir.entries.length * 8;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, PsfbFormat.FIR, RtcpPacketType.PSFB, len);
  writeU32(out, 4, fir.senderSsrc);
  writeU32(out, 8, fir.mediaSsrc ?? 0);
  let off = FEEDBACK_HEADER_LENGTH;
  for (const e of fir.entries) {
    writeU32(out, off, e.ssrc);
    out[off + 4] = e.sequenceNumber & 0xff;
    off += 8;
  }
  return out;
}
