import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU32, writeU32 } from "./network-order.js";
import {
  RTCP_HEADER_LENGTH,
  type RtcpDecodeErrorCode,
  RtcpPacketType,
  wholeWords,
  writeRtcpHeader,
} from "./rtcp-header.js";
import {
  decodeReportBlocks,
  encodeReportBlocks,
  REPORT_BLOCK_LENGTH,
  type ReportBlock,
} from "./rtcp-report-block.js";

/**
 * RR: Receiver Report, RFC 3550 §6.4.2.
 *
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=RR=201   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     SSRC of packet sender                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                 report blocks (RC × 24 octets)                |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 * ```
 */
export interface ReceiverReport {
  readonly type: "rr";
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  readonly profileExtension: Uint8Array;
}

const RR_FIXED_LENGTH = RTCP_HEADER_LENGTH + 4;

export function decodeReceiverReport(
  packet: Uint8Array,
  at: number,
): Decoded<ReceiverReport, RtcpDecodeErrorCode> {
  const rc = (packet[0] as number) & 0x1f;
  const end = RR_FIXED_LENGTH + rc * REPORT_BLOCK_LENGTH;
  if (packet.length < end) return decodeFail("rr-truncated", at + packet.length);
  const reports = decodeReportBlocks(packet, RR_FIXED_LENGTH, rc);
  return decodeOk({
    type: "rr",
    ssrc: readU32(packet, 4),
    reports,
    profileExtension: wholeWords(packet, end),
  });
}

export function encodeReceiverReport(
  rr: Omit<ReceiverReport, "type" | "profileExtension"> & Partial<ReceiverReport>,
): Uint8Array {
  if (rr.reports.length > 31) throw new UsageError("at most 31 report blocks per RR");
  const ext = rr.profileExtension ?? new Uint8Array(0);
  if (ext.length % 4 !== 0) throw new UsageError("profile extension must be a multiple of 4 octets");
  const len = RR_FIXED_LENGTH + rr.reports.length * REPORT_BLOCK_LENGTH + ext.length;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, rr.reports.length, RtcpPacketType.RR, len);
  writeU32(out, 4, rr.ssrc);
  out.set(ext, encodeReportBlocks(out, RR_FIXED_LENGTH, rr.reports));
  return out;
}
