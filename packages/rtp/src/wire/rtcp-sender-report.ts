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
 * SR: Sender Report, RFC 3550 §6.4.1.
 *
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                 report blocks (RC × 24 octets)                |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 * ```
 */
export interface SenderReport {
  readonly type: "sr";
  readonly ssrc: number;
  readonly senderInfo: SenderInfo;
  readonly reports: readonly ReportBlock[];
  /** octets after the report blocks (a multiple of 4; usually empty) */
  readonly profileExtension: Uint8Array;
}

export interface SenderInfo {
  /** 64-bit NTP timestamp (32.32 seconds since 1900) */
  readonly ntpTimestamp: bigint;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
}

const SR_FIXED_LENGTH = RTCP_HEADER_LENGTH + 24;

/** `packet` is one whole RTCP packet (padding removed); `at` its offset in the compound, for errors. */
export function decodeSenderReport(
  packet: Uint8Array,
  at: number,
): Decoded<SenderReport, RtcpDecodeErrorCode> {
  const rc = (packet[0] as number) & 0x1f;
  const end = SR_FIXED_LENGTH + rc * REPORT_BLOCK_LENGTH;
  if (packet.length < end) return decodeFail("sr-truncated", at + packet.length);
  const reports = decodeReportBlocks(packet, SR_FIXED_LENGTH, rc);
  return decodeOk({
    type: "sr",
    ssrc: readU32(packet, 4),
    senderInfo: {
      ntpTimestamp: (BigInt(readU32(packet, 8)) << 32n) | BigInt(readU32(packet, 12)),
      rtpTimestamp: readU32(packet, 16),
      packetCount: readU32(packet, 20),
      octetCount: readU32(packet, 24),
    },
    reports,
    profileExtension: wholeWords(packet, end),
  });
}

export function encodeSenderReport(
  sr: Omit<SenderReport, "type" | "profileExtension"> & Partial<SenderReport>,
): Uint8Array {
  if (sr.reports.length > 31) throw new UsageError("at most 31 report blocks per SR");
  const ext = sr.profileExtension ?? new Uint8Array(0);
  if (ext.length % 4 !== 0) throw new UsageError("profile extension must be a multiple of 4 octets");
  const len = SR_FIXED_LENGTH + sr.reports.length * REPORT_BLOCK_LENGTH + ext.length;
  const out = new Uint8Array(len);
  writeRtcpHeader(out, 0, sr.reports.length, RtcpPacketType.SR, len);
  writeU32(out, 4, sr.ssrc);
  const ntp = sr.senderInfo.ntpTimestamp;
  writeU32(out, 8, Number((ntp >> 32n) & 0xffff_ffffn));
  writeU32(out, 12, Number(ntp & 0xffff_ffffn));
  writeU32(out, 16, sr.senderInfo.rtpTimestamp);
  writeU32(out, 20, sr.senderInfo.packetCount);
  writeU32(out, 24, sr.senderInfo.octetCount);
  out.set(ext, encodeReportBlocks(out, SR_FIXED_LENGTH, sr.reports));
  return out;
}
