import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";
import {
  RTCP_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  writeRtcpHeader,
} from "./rtcp-header.js";

/**
 * BYE: Goodbye, RFC 3550 §6.6.
 *
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
const utf8Decoder = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

export interface Bye {
  readonly type: "bye";
  readonly ssrcs: readonly number[];
  /** the optional reason for leaving, raw UTF-8 octets (see `byeReasonText`) */
  readonly reason: Uint8Array | undefined;
}

/** The reason as text; invalid UTF-8 decodes to U+FFFD. */
export function byeReasonText(bye: Bye): string | undefined {
  return bye.reason === undefined ? undefined : utf8Decoder.decode(bye.reason);
}

export function decodeBye(packet: Uint8Array, at: number): Decoded<Bye, RtcpDecodeErrorCode> {
  const sc = (packet[0] as number) & 0x1f;
  const end = RTCP_HEADER_LENGTH + sc * 4;
  if (packet.length < end) return decodeFail("bye-truncated", at + packet.length);
  const ssrcs: number[] = [];
  for (let off = RTCP_HEADER_LENGTH; off < end; off += 4) ssrcs.push(readU32(packet, off));
  let reason: Uint8Array | undefined;
  if (packet.length > end) {
    const len = packet[end] as number;
    if (end + 1 + len > packet.length) return decodeFail("bye-truncated", at + end);
    reason = packet.subarray(end + 1, end + 1 + len);
  }
  return decodeOk({ type: "bye", ssrcs, reason });
}

/** `reason` may be given as text (UTF-8 encoded here) or octets. */
export function encodeBye(bye: {
  readonly ssrcs: readonly number[];
  readonly reason?: string | Uint8Array | undefined;
}): Uint8Array {
  if (bye.ssrcs.length > 31) throw new UsageError("at most 31 SSRCs per BYE");
  const reason = typeof bye.reason === "string" ? utf8Encoder.encode(bye.reason) : bye.reason;
  if (reason && reason.length > 255) throw new UsageError("BYE reason ≤ 255 octets");
  const base = RTCP_HEADER_LENGTH + bye.ssrcs.length * 4;
  const len = reason ? (base + 1 + reason.length + 3) & ~3 : base;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, bye.ssrcs.length, RtcpPacketType.BYE, len);
  bye.ssrcs.forEach((s, i) => {
    writeU32(out, RTCP_HEADER_LENGTH + i * 4, s);
  });
  if (reason) {
    out[base] = reason.length;
    out.set(reason, base + 1);
  }
  return out;
}
