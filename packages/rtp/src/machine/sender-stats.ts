import type { ReportBlock } from "../wire/rtcp-report-block.js";
import type { SenderReport } from "../wire/rtcp-sender-report.js";
import { compactNtp, compactNtpToMs, type Millis, msToRtpTicks } from "../wire/rtp-clock.js";
import type { RtpPacket } from "../wire/rtp-header.js";

export interface SenderStatsOptions {
  readonly ssrc: number;
  readonly clockRate: number;
}

export interface SenderStatsCounters {
  /** report blocks about another SSRC */
  otherSsrc: number;
  /** report blocks with LSR 0 (the receiver has no SR yet) */
  noLastSenderReport: number;
  /** report blocks whose LSR matches no SR recently sent */
  unknownLastSenderReport: number;
}

/** How many sent SRs are remembered for matching LSRs. */
const SR_MEMORY = 16;

/**
 * The sender's half of RFC 3550 §6.4: packet and octet counts and the RTP timestamp for its SRs, and
 * the round-trip time from the reception reports it gets back (§6.4.1: arrival − LSR − DLSR). The
 * SR's send time is remembered on the caller's clock, so the RTT needs no wall clock at arrival.
 */
export class SenderStats {
  readonly counters: SenderStatsCounters = {
    otherSsrc: 0,
    noLastSenderReport: 0,
    unknownLastSenderReport: 0,
  };
  readonly ssrc: number;
  readonly clockRate: number;
  #packetCount = 0;
  #octetCount = 0;
  #lastTimestamp: number | undefined;
  #lastSentMs: Millis = 0;
  readonly #srSentAt = new Map<number, Millis>();
  #rttMs: Millis | undefined;
  #lastReport: ReportBlock | undefined;

  constructor(o: SenderStatsOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.clockRate = o.clockRate;
  }

  /** RFC 3550 §6.4.1: the octet count covers payload octets only (no header, no padding). */
  handleSent(now: Millis, packet: RtpPacket): void {
    this.#packetCount = (this.#packetCount + 1) >>> 0;
    this.#octetCount = (this.#octetCount + packet.payload.length) >>> 0;
    this.#lastTimestamp = packet.timestamp;
    this.#lastSentMs = now;
  }

  /**
   * An SR for now, given the wall clock as an NTP timestamp: the RTP timestamp is the last one sent
   * advanced by the time since (§6.4.1: "corresponds to the same time as the NTP timestamp").
   */
  senderReport(now: Millis, ntpTimestamp: bigint, reports: readonly ReportBlock[] = []): SenderReport {
    const rtpTimestamp =
      this.#lastTimestamp === undefined
        ? 0
        : (this.#lastTimestamp + msToRtpTicks(now - this.#lastSentMs, this.clockRate)) >>> 0;
    this.#srSentAt.set(compactNtp(ntpTimestamp), now);
    if (this.#srSentAt.size > SR_MEMORY) this.#srSentAt.delete(this.#srSentAt.keys().next().value as number);
    return {
      type: "sr",
      ssrc: this.ssrc,
      senderInfo: {
        ntpTimestamp,
        rtpTimestamp,
        packetCount: this.#packetCount,
        octetCount: this.#octetCount,
      },
      reports,
      profileExtension: new Uint8Array(0),
    };
  }

  /** A report block from an RR or SR; updates the RTT when it answers one of our SRs. */
  handleReportBlock(now: Millis, block: ReportBlock): void {
    if (block.ssrc >>> 0 !== this.ssrc) {
      this.counters.otherSsrc++;
      return;
    }
    this.#lastReport = block;
    if (block.lastSenderReport === 0) {
      this.counters.noLastSenderReport++;
      return;
    }
    const sentAt = this.#srSentAt.get(block.lastSenderReport);
    if (sentAt === undefined) {
      this.counters.unknownLastSenderReport++;
      return;
    }
    this.#rttMs = Math.max(0, now - sentAt - compactNtpToMs(block.delaySinceLastSenderReport));
  }

  get rttMs(): Millis | undefined {
    return this.#rttMs;
  }

  get lastReport(): ReportBlock | undefined {
    return this.#lastReport;
  }

  get packetCount(): number {
    return this.#packetCount;
  }

  get octetCount(): number {
    return this.#octetCount;
  }
}
