import { type RtcpPacket, SdesItemType, sdesItem } from "@tern/rtp";
import type { RtpReceiver } from "./rtp-receiver.js";
import type { RtpSender } from "./rtp-sender.js";

/** Report blocks one RTCP SR or RR carries at most (RFC 3550 §6.4: RC is 5 bits). */
const MAX_REPORT_BLOCKS = 31;

/**
 * The periodic compound of RFC 3550 §6.4: an SR for each stream we send (the report blocks of what we
 * receive ride on the first), else one RR; then SDES with our CNAME for every SSRC reported.
 * Returns nothing when there is nothing to report.
 */
export function periodicReports(
  now: number,
  ntp: bigint,
  senders: Iterable<RtpSender>,
  receivers: Iterable<RtpReceiver>,
  rtcpSsrc: number,
  cname: string,
): RtcpPacket[] | undefined {
  const blocks = [];
  for (const r of receivers) {
    const b = r.stats.reportBlock(now);
    if (b) blocks.push(b);
  }
  const packets: RtcpPacket[] = [];
  const ssrcs: number[] = [];
  for (const s of senders) {
    const sr = s.senderReport(now, ntp, packets.length === 0 ? blocks.slice(0, MAX_REPORT_BLOCKS) : []);
    if (!sr) continue;
    packets.push(sr);
    ssrcs.push(sr.ssrc);
  }
  if (packets.length === 0) {
    if (blocks.length === 0) return undefined;
    packets.push({
      type: "rr",
      ssrc: rtcpSsrc,
      reports: blocks.slice(0, MAX_REPORT_BLOCKS),
      profileExtension: new Uint8Array(0),
    });
    ssrcs.push(rtcpSsrc);
  }
  packets.push({
    type: "sdes",
    chunks: ssrcs.map((ssrc) => ({ ssrc, items: [sdesItem(SdesItemType.CNAME, cname)] })),
  });
  return packets;
}
