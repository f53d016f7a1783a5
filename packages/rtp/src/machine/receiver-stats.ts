import type { ReportBlock } from "../wire/rtcp-report-block.js";
import { clampCumulativeLost } from "../wire/rtcp-report-block.js";
import type { SenderReport } from "../wire/rtcp-sender-report.js";
import { compactNtp, type Millis, msToCompactNtp } from "../wire/rtp-clock.js";
import { rtpTimestampDelta } from "../wire/sequence-number.js";

/** RFC 3550 §A.1 constants. */
const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

export interface ReceiverStatsOptions {
  /** the media source's SSRC, reported in the blocks */
  readonly ssrc: number;
  /** RTP clock rate of the stream, for the jitter */
  readonly clockRate: number;
  /** MIN_SEQUENTIAL of §A.1: in-order packets needed before a source is valid (default 2; 1 = at once) */
  readonly minSequential?: number;
}

export interface ReceiverStatsCounters {
  /** packets not counted while the source was on probation */
  probation: number;
  /** packets after a very large jump, awaiting a second one to confirm a restart */
  badSequence: number;
  /** restarts of the sequence (the other side restarted) */
  resync: number;
}

export interface ReceptionStatistics {
  readonly received: number;
  readonly expected: number;
  /** cumulative, may be negative with duplicates */
  readonly lost: number;
  readonly extendedHighestSequence: number;
  /** interarrival jitter in RTP timestamp units (§A.8) */
  readonly jitter: number;
  readonly jitterMs: number;
}

/**
 * Receive statistics of one RTP source, RFC 3550 Appendix A: sequence validation and the extended
 * highest sequence number (§A.1), expected/lost counts and the fraction lost between reports (§A.3),
 * interarrival jitter (§A.8), and LSR/DLSR for the sender's round-trip estimate (§6.4.1).
 *
 * Sans-IO: `handlePacket(now, packet)`, `handleSenderReport(now, sr)`, then `reportBlock(now)` when
 * an RR or SR goes out (this closes the fraction-lost interval).
 */
export class ReceiverStats {
  readonly counters: ReceiverStatsCounters = { probation: 0, badSequence: 0, resync: 0 };
  readonly ssrc: number;
  readonly clockRate: number;
  readonly #minSequential: number;
  // §A.1 source state
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation: number;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #started = false;
  #valid = false;
  // §A.8 jitter state
  #jitter = 0;
  #lastArrivalTicks: number | undefined;
  #lastTimestamp = 0;
  // §6.4.1 LSR / DLSR
  #lsr = 0;
  #lastSrArrivalMs: Millis | undefined;

  constructor(o: ReceiverStatsOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.clockRate = o.clockRate;
    this.#minSequential = Math.max(1, o.minSequential ?? 2);
    this.#probation = this.#minSequential;
  }

  /**
   * One received RTP packet. Mark repairs (`retransmitted`) so their arrival time stays out of the
   * jitter, whose transit times they would distort.
   */
  handlePacket(
    now: Millis,
    packet: { readonly sequenceNumber: number; readonly timestamp: number },
    options: { readonly retransmitted?: boolean } = {},
  ): void {
    const seq = packet.sequenceNumber & 0xffff;
    if (!this.#started) {
      this.#started = true;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = this.#minSequential;
    }
    if (!this.#updateSeq(seq)) return;
    this.#valid = true;
    if (options.retransmitted) return;
    const arrival = (now * this.clockRate) / 1000;
    if (this.#lastArrivalTicks !== undefined) {
      const d = Math.abs(
        arrival - this.#lastArrivalTicks - rtpTimestampDelta(packet.timestamp, this.#lastTimestamp),
      );
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#lastArrivalTicks = arrival;
    this.#lastTimestamp = packet.timestamp;
  }

  /** An SR from this source: its NTP time becomes the LSR of the next reports (§6.4.1). */
  handleSenderReport(now: Millis, sr: SenderReport): void {
    this.#lsr = compactNtp(sr.senderInfo.ntpTimestamp);
    this.#lastSrArrivalMs = now;
  }

  get statistics(): ReceptionStatistics {
    const extendedMax = this.#cycles + this.#maxSeq;
    const expected = this.#valid ? extendedMax - this.#baseSeq + 1 : 0;
    return {
      received: this.#received,
      expected,
      lost: expected - this.#received,
      extendedHighestSequence: extendedMax,
      jitter: this.#jitter,
      jitterMs: (this.#jitter * 1000) / this.clockRate,
    };
  }

  /** The report block for this source (§6.4.1, §A.3), starting a new fraction-lost interval; undefined before the source is valid. */
  reportBlock(now: Millis): ReportBlock | undefined {
    if (!this.#valid) return undefined;
    const s = this.statistics;
    const expectedInterval = s.expected - this.#expectedPrior;
    this.#expectedPrior = s.expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fraction),
      cumulativeLost: clampCumulativeLost(s.lost),
      extendedHighestSequence: s.extendedHighestSequence >>> 0,
      jitter: Math.floor(this.#jitter) >>> 0,
      lastSenderReport: this.#lsr,
      delaySinceLastSenderReport:
        this.#lastSrArrivalMs === undefined ? 0 : msToCompactNtp(now - this.#lastSrArrivalMs),
    };
  }

  /** §A.1 init_seq */
  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /** §A.1 update_seq: false when the packet is not counted. */
  #updateSeq(seq: number): boolean {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      this.counters.probation++;
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq === this.#badSeq) {
        // Two sequential packets after a big jump: the source restarted.
        this.counters.resync++;
        this.#initSeq(seq);
        this.#jitter = 0;
        this.#lastArrivalTicks = undefined;
      } else {
        this.#badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        this.counters.badSequence++;
        return false;
      }
    }
    // else: a duplicate or reordered packet, counted (§A.1)
    this.#received++;
    return true;
  }
}
