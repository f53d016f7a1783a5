import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";
import {
  FEEDBACK_HEADER_LENGTH,
  PsfbFormat,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  writeRtcpHeader,
} from "./rtcp-header.js";

/**
 * REMB: Receiver Estimated Maximum Bitrate, draft-alvestrand-rmcat-remb-03 §2.2: an Application Layer
 * Feedback message (PSFB, FMT=15, RFC 4585 §6.4) whose FCI starts with the ASCII "REMB".
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source (0)                     |
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * |   SSRC feedback                                               |
 * ```
 * The bitrate is `mantissa * 2^exp` bits per second.
 */
export interface ReceiverEstimatedMaxBitrate {
  readonly type: "remb";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  /** bits per second; exact below 2^53 */
  readonly bitrateBps: number;
  readonly ssrcs: readonly number[];
}

/** "REMB" as a big-endian 32-bit word. */
const REMB_IDENTIFIER = 0x52454d42;

/** True when a PSFB/AFB packet's FCI starts with "REMB". */
export function isRembPacket(packet: Uint8Array): boolean {
  return (
    packet.length >= FEEDBACK_HEADER_LENGTH + 4 && readU32(packet, FEEDBACK_HEADER_LENGTH) === REMB_IDENTIFIER
  );
}

export function decodeReceiverEstimatedMaxBitrate(
  packet: Uint8Array,
  at: number,
): Decoded<ReceiverEstimatedMaxBitrate, RtcpDecodeErrorCode> {
  const fci = FEEDBACK_HEADER_LENGTH;
  if (packet.length < fci + 8 || readU32(packet, fci) !== REMB_IDENTIFIER) {
    return decodeFail("remb-truncated", at + packet.length);
  }
  const num = packet[fci + 4] as number;
  const b5 = packet[fci + 5] as number;
  const exp = b5 >> 2;
  const mantissa = ((b5 & 0x03) << 16) | ((packet[fci + 6] as number) << 8) | (packet[fci + 7] as number);
  if (packet.length < fci + 8 + num * 4) return decodeFail("remb-truncated", at + fci + 4);
  const ssrcs: number[] = [];
  for (let i = 0; i < num; i++) ssrcs.push(readU32(packet, fci + 8 + i * 4));
  return decodeOk({
    type: "remb",
    senderSsrc: readU32(packet, 4),
    mediaSsrc: readU32(packet, 8),
    bitrateBps: mantissa * 2 ** exp,
    ssrcs,
  });
}

/** Splits a bitrate into the 6-bit exponent and 18-bit mantissa, rounding down. */
export function rembExponentMantissa(bitrateBps: number): { exp: number; mantissa: number } {
  if (!(bitrateBps >= 0) || !Number.isFinite(bitrateBps)) throw new UsageError("REMB bitrate must be ≥ 0");
  let exp = 0;
  let m = Math.floor(bitrateBps);
  while (m >= 0x40000 && exp < 63) {
    m = Math.floor(m / 2);
    exp++;
  }
  if (m >= 0x40000) throw new UsageError("REMB bitrate too large");
  return { exp, mantissa: m };
}

export function encodeReceiverEstimatedMaxBitrate(
  remb: Omit<ReceiverEstimatedMaxBitrate, "type" | "mediaSsrc"> & { readonly mediaSsrc?: number },
): Uint8Array {
  if (remb.ssrcs.length > 255) throw new UsageError("at most 255 SSRCs per REMB");
  const { exp, mantissa } = rembExponentMantissa(remb.bitrateBps);
  const len = FEEDBACK_HEADER_LENGTH + 8 + remb.ssrcs.length * 4;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, PsfbFormat.AFB, RtcpPacketType.PSFB, len);
  writeU32(out, 4, remb.senderSsrc);
  writeU32(out, 8, remb.mediaSsrc ?? 0);
  const fci = FEEDBACK_HEADER_LENGTH;
  writeU32(out, fci, REMB_IDENTIFIER);
  out[fci + 4] = remb.ssrcs.length;
  out[fci + 5] = (exp << 2) | (mantissa >> 16);
  out[fci + 6] = (mantissa >> 8) & 0xff;
  out[fci + 7] = mantissa & 0xff;
  remb.ssrcs.forEach((s, i) => {
    writeU32(out, fci + 8 + i * 4, s);
  });
  return out;
}
