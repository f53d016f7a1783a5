import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";
import {
  RTCP_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  wholeWords,
  writeRtcpHeader,
} from "./rtcp-header.js";

/**
 * APP: Application-Defined RTCP Packet, RFC 3550 §6.7.
 *
 * ```
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P| subtype |   PT=APP=204  |             length            |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           SSRC/CSRC                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                          name (ASCII)                         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   application-dependent data                ...
 * ```
 */
export interface AppPacket {
  readonly type: "app";
  readonly subtype: number;
  readonly ssrc: number;
  /** four ASCII characters */
  readonly name: string;
  /** a multiple of 4 octets */
  readonly data: Uint8Array;
}

const APP_FIXED_LENGTH = RTCP_HEADER_LENGTH + 8;

export function decodeApp(packet: Uint8Array, at: number): Decoded<AppPacket, RtcpDecodeErrorCode> {
  if (packet.length < APP_FIXED_LENGTH) return decodeFail("app-truncated", at + packet.length);
  return decodeOk({
    type: "app",
    subtype: (packet[0] as number) & 0x1f,
    ssrc: readU32(packet, 4),
    name: String.fromCharCode(
      packet[8] as number,
      packet[9] as number,
      packet[10] as number,
      packet[11] as number,
    ),
    data: wholeWords(packet, APP_FIXED_LENGTH),
  });
}

export function encodeApp(app: Omit<AppPacket, "type">): Uint8Array {
  if (app.subtype < 0 || app.subtype > 31) throw new UsageError("APP subtype is 5 bits");
  if (app.name.length !== 4 || [...app.name].some((c) => c.charCodeAt(0) > 0xff)) {
    throw new UsageError("APP name is four 8-bit characters (ASCII)");
  }
  if (app.data.length % 4 !== 0) throw new UsageError("APP data must be a multiple of 4 octets");
  const len = APP_FIXED_LENGTH + app.data.length;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, app.subtype, RtcpPacketType.APP, len);
  writeU32(out, 4, app.ssrc);
  for (let i = 0; i < 4; i++) out[8 + i] = app.name.charCodeAt(i);
  out.set(app.data, APP_FIXED_LENGTH);
  return out;
}
