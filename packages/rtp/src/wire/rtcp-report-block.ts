import { UsageError } from "./decoded.js";
import { readU24, readU32, writeU24, writeU32 } from "./network-order.js";

/**
 * A reception report block, RFC 3550 §6.4.1 (carried by SR and RR):
 *
 * ```
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export interface ReportBlock {
  readonly ssrc: number;
  /** 8-bit fixed point fraction (lost/expected * 256) since the previous report */
  readonly fractionLost: number;
  /** signed 24-bit: -8388608 .. 8388607 (duplicates can make it negative) */
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  /** in RTP timestamp units */
  readonly jitter: number;
  /** middle 32 bits of the last SR's NTP timestamp, 0 if none */
  readonly lastSenderReport: number;
  /** 1/65536 s since that SR was received, 0 if none */
  readonly delaySinceLastSenderReport: number;
}

export const REPORT_BLOCK_LENGTH = 24;

export function decodeReportBlock(b: Uint8Array, off: number): ReportBlock {
  const lost = readU24(b, off + 5);
  return {
    ssrc: readU32(b, off),
    fractionLost: b[off + 4] as number,
    cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    extendedHighestSequence: readU32(b, off + 8),
    jitter: readU32(b, off + 12),
    lastSenderReport: readU32(b, off + 16),
    delaySinceLastSenderReport: readU32(b, off + 20),
  };
}

/** RFC 3550 §6.4.1: cumulative lost is clamped to what 24 signed bits hold. */
export function clampCumulativeLost(lost: number): number {
  return Math.max(-0x800000, Math.min(0x7fffff, lost));
}

export function encodeReportBlock(out: Uint8Array, off: number, r: ReportBlock): void {
  if (r.fractionLost < 0 || r.fractionLost > 255) throw new UsageError("fractionLost must be 0–255");
  writeU32(out, off, r.ssrc);
  out[off + 4] = r.fractionLost;
  writeU24(out, off + 5, clampCumulativeLost(r.cumulativeLost) & 0xffffff);
  writeU32(out, off + 8, r.extendedHighestSequence);
  writeU32(out, off + 12, r.jitter);
  writeU32(out, off + 16, r.lastSenderReport);
  writeU32(out, off + 20, r.delaySinceLastSenderReport);
}

/** The `count` report blocks of an SR or RR, starting at `from` (the caller checked the length). */
export function decodeReportBlocks(b: Uint8Array, from: number, count: number): ReportBlock[] {
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count; i++) reports.push(decodeReportBlock(b, from + i * REPORT_BLOCK_LENGTH));
  return reports;
}

/** Writes the report blocks of an SR or RR from `off`; returns the offset after them. */
export function encodeReportBlocks(out: Uint8Array, off: number, reports: readonly ReportBlock[]): number {
  for (const r of reports) {
    encodeReportBlock(out, off, r);
    off += REPORT_BLOCK_LENGTH;
  }
  return off;
}
