import type { RtcpPacket } from "@tern/rtp";
import type { RtpReceiver } from "./rtp-receiver.js";
import type { RtpSender } from "./rtp-sender.js";

/** What one received RTCP packet acts on, and what it may cause. */
export interface RtcpFeedbackTarget {
  readonly senders: ReadonlyMap<string, RtpSender>;
  readonly sendersBySsrc: ReadonlyMap<number, RtpSender>;
  readonly receivers: ReadonlyMap<number, RtpReceiver>;
  /** A retransmission a NACK asked for (RFC 4588), ready to protect and send. */
  resend(rtp: Uint8Array): void;
  /** The remote asked the sender of `mid` for a keyframe (PLI or FIR). */
  keyframeRequested(mid: string): void;
  /** RFC 3550 §6.6: the peer's streams with these SSRCs ended. */
  bye(ssrcs: readonly number[]): void;
}

/**
 * One packet of a received RTCP compound: reports feed the senders' RTT and the receivers' SR clock
 * (RFC 3550 §6.4), NACK is answered from the send history (RFC 4585 §6.2.1), PLI/FIR ask for a keyframe
 * (RFC 4585 §6.3.1, RFC 5104 §4.3.1), BYE ends the peer's streams (RFC 3550 §6.6). Anything else is ignored.
 */
export function handleRtcpPacket(now: number, p: RtcpPacket, to: RtcpFeedbackTarget): void {
  switch (p.type) {
    case "sr":
      to.receivers.get(p.ssrc)?.handleSenderReport(now, p);
      for (const b of p.reports) to.sendersBySsrc.get(b.ssrc)?.handleReportBlock(now, b);
      shareRtt(to);
      break;
    case "rr":
      for (const b of p.reports) to.sendersBySsrc.get(b.ssrc)?.handleReportBlock(now, b);
      shareRtt(to);
      break;
    case "nack": {
      const s = to.sendersBySsrc.get(p.mediaSsrc);
      if (!s) break;
      for (const packet of s.handleNack(now, p.lost)) to.resend(packet);
      break;
    }
    case "pli":
    case "fir": {
      const ssrc = p.type === "pli" ? p.mediaSsrc : (p.entries[0]?.ssrc ?? p.mediaSsrc);
      const s = to.sendersBySsrc.get(ssrc) ?? to.sendersBySsrc.get(p.mediaSsrc);
      if (!s) break;
      if (p.type === "pli") s.counters.pliReceived++;
      else s.counters.firReceived++;
      to.keyframeRequested(s.config.mid);
      break;
    }
    case "bye":
      to.bye(p.ssrcs);
      break;
    default:
      break;
  }
}

/** The sender side measures RTT (RFC 3550 §6.4.1); receivers use it to pace NACKs. */
function shareRtt(to: RtcpFeedbackTarget): void {
  let rtt: number | undefined;
  for (const s of to.senders.values()) rtt = s.stats.rttMs ?? rtt;
  if (rtt === undefined) return;
  for (const r of to.receivers.values()) r.handleRtt(rtt);
}
