import {
  PacketStatus,
  type PacketStatusSymbol,
  RECEIVE_DELTA_US,
  REFERENCE_TIME_US,
  type TransportWideFeedback,
} from "../wire/rtcp-transport-feedback.js";
import type { Millis } from "../wire/rtp-clock.js";
import { SequenceUnwrapper } from "./sequence-unwrapper.js";

export interface TransportFeedbackGeneratorOptions {
  /** Our RTCP SSRC: the "SSRC of packet sender" of every feedback packet. */
  readonly senderSsrc: number;
  /** Fastest periodic feedback (default 50 ms). */
  readonly minIntervalMs?: Millis;
  /** Slowest periodic feedback (default 100 ms). */
  readonly maxIntervalMs?: Millis;
  /** Share of the received bitrate the feedback may take, which sets the interval between the two (default 5 %). */
  readonly bandwidthShare?: number;
  /** Packets missing at once that make feedback go out at once, not at the next interval (default 3). */
  readonly lossBurstPackets?: number;
  /** Feedback packets stay under this many octets (default 1100); more packets take several. */
  readonly maxFeedbackBytes?: number;
}

export interface TransportFeedbackGeneratorCounters {
  /** packets recorded (with a transport-wide sequence number) */
  packets: number;
  /** the same sequence number again (a duplicate, or a retransmission numbered twice) */
  duplicates: number;
  /** too old to report any more (before the report window) */
  tooOld: number;
  /** feedback packets made */
  feedback: number;
  /** feedback made at once for a loss burst */
  lossBurstFeedback: number;
}

/** Packets kept for reordering: an older packet than this behind the newest is not reported. */
const MAX_WINDOW = 1024;
/** Arrival slots (a ring by sequence number): the window behind what is reported, and what is pending. */
const SLOTS = 2 * MAX_WINDOW;
const EMPTY = -0x80000000;
/** Fixed octets of a feedback packet: common header, two SSRCs, base, count, reference time, fb count. */
const FIXED_BYTES = 20;

/**
 * The receive side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3): records the arrival time of every RTP packet that carries a transport-wide sequence number, and
 * reports them to the sender in RTPFB 15 feedback — periodically, every 50–100 ms (the interval is what
 * keeps feedback at about `bandwidthShare` of the received bitrate, as libwebrtc's remote estimator proxy
 * does), and at once when a burst of packets goes missing. A packet that arrives after its sequence number
 * was reported missing is reported again in the next feedback.
 *
 * Sans-IO: `handlePacket(now, seq, mediaSsrc, bytes)`, then `handleTimeout(now)` at `pollTimeout()`, and
 * `pollFeedback()` until undefined. Times are ms (fractions allowed); deltas go out in 250 µs ticks.
 */
export class TransportFeedbackGenerator {
  readonly counters: TransportFeedbackGeneratorCounters = {
    packets: 0,
    duplicates: 0,
    tooOld: 0,
    feedback: 0,
    lossBurstFeedback: 0,
  };
  readonly #o: Required<TransportFeedbackGeneratorOptions>;
  readonly #unwrapper = new SequenceUnwrapper();
  /**
   * Arrival (µs) by unwrapped sequence number in a ring (`#slotSeq` says which number a slot holds; EMPTY:
   * none — unwrapped numbers go below zero across an early wrap): no allocation per packet. Made on the
   * first packet (~24 kB).
   */
  #arrivalUs: Float64Array | undefined;
  #slotSeq: Int32Array | undefined;
  readonly #out: TransportWideFeedback[] = [];
  /** the first sequence number the next feedback reports */
  #reportFrom: number | undefined;
  #highest = -Infinity;
  #mediaSsrc = 0;
  #feedbackCount = 0;
  #nextAt: Millis | undefined;
  #lastFeedbackAt: Millis | undefined;
  #bytesSinceFeedback = 0;
  #intervalMs: Millis;

  constructor(o: TransportFeedbackGeneratorOptions) {
    this.#o = {
      senderSsrc: o.senderSsrc,
      minIntervalMs: o.minIntervalMs ?? 50,
      maxIntervalMs: o.maxIntervalMs ?? 100,
      bandwidthShare: o.bandwidthShare ?? 0.05,
      lossBurstPackets: o.lossBurstPackets ?? 3,
      maxFeedbackBytes: o.maxFeedbackBytes ?? 1100,
    };
    this.#intervalMs = this.#o.maxIntervalMs;
  }

  /** The interval periodic feedback goes out at now. */
  get intervalMs(): Millis {
    return this.#intervalMs;
  }

  /** An RTP packet with transport-wide sequence number `seq` arrived at `now` (its size in octets). */
  handlePacket(now: Millis, seq: number, mediaSsrc: number, bytes: number): void {
    const s = this.#unwrapper.unwrap(seq);
    this.counters.packets++;
    this.#mediaSsrc = mediaSsrc >>> 0;
    this.#bytesSinceFeedback += bytes;
    if (!this.#slotSeq) {
      this.#arrivalUs = new Float64Array(SLOTS);
      this.#slotSeq = new Int32Array(SLOTS).fill(EMPTY);
    }
    const slot = s & (SLOTS - 1);
    if (this.#slotSeq[slot] === s) {
      this.counters.duplicates++;
      return;
    }
    const from = this.#reportFrom;
    if ((from !== undefined && s < from - MAX_WINDOW) || s < this.#highest - MAX_WINDOW) {
      this.counters.tooOld++;
      return;
    }
    this.#slotSeq[slot] = s;
    (this.#arrivalUs as Float64Array)[slot] = now * 1000;
    const missing = Number.isFinite(this.#highest) ? s - this.#highest - 1 : 0;
    if (s > this.#highest) this.#highest = s;
    if (from === undefined || s < from) this.#reportFrom = s;
    if (this.#nextAt === undefined) {
      const last = this.#lastFeedbackAt;
      this.#nextAt = last === undefined ? now + this.#intervalMs : Math.max(now, last + this.#intervalMs);
    }
    if (missing >= this.#o.lossBurstPackets && this.#nextAt > now) {
      this.#nextAt = now;
      this.counters.lossBurstFeedback++;
    }
  }

  pollTimeout(): Millis | undefined {
    return this.#nextAt;
  }

  handleTimeout(now: Millis): void {
    if (this.#nextAt === undefined || now < this.#nextAt) return;
    this.#nextAt = undefined;
    this.#adaptInterval(now);
    this.#lastFeedbackAt = now;
    while (this.#reportFrom !== undefined && this.#reportFrom <= this.#highest) this.#build();
  }

  pollFeedback(): TransportWideFeedback | undefined {
    return this.#out.shift();
  }

  /** Feedback at about `bandwidthShare` of what arrives: a ~100-octet packet per interval. */
  #adaptInterval(now: Millis): void {
    const last = this.#lastFeedbackAt;
    const bytes = this.#bytesSinceFeedback;
    this.#bytesSinceFeedback = 0;
    if (last === undefined || now <= last) return;
    const rateBps = (bytes * 8 * 1000) / (now - last);
    const feedbackBits = 100 * 8;
    const ms = rateBps > 0 ? (feedbackBits * 1000) / (this.#o.bandwidthShare * rateBps) : Infinity;
    this.#intervalMs = Math.min(this.#o.maxIntervalMs, Math.max(this.#o.minIntervalMs, ms));
  }

  /** One feedback packet from `#reportFrom` on, as far as it fits; `#reportFrom` moves past it. */
  #build(): void {
    let from = this.#reportFrom as number;
    if (this.#highest - from >= MAX_WINDOW) from = this.#highest - MAX_WINDOW + 1;
    // The first received packet sets the reference time (draft §3.1: multiples of 64 ms).
    let first: number | undefined;
    for (let s = from; s <= this.#highest && first === undefined; s++) first = this.#arrival(s);
    if (first === undefined) {
      this.#reportFrom = this.#highest + 1;
      return;
    }
    const referenceTime = Math.floor(first / REFERENCE_TIME_US);
    let prev = referenceTime * REFERENCE_TIME_US;
    const statuses: PacketStatusSymbol[] = [];
    const deltas: number[] = [];
    let deltaBytes = 0;
    let s = from;
    for (; s <= this.#highest && statuses.length < 0xffff; s++) {
      const at = this.#arrival(s);
      if (at === undefined) {
        statuses.push(PacketStatus.NotReceived);
        continue;
      }
      const ticks = Math.round((at - prev) / RECEIVE_DELTA_US);
      const symbol = ticks >= 0 && ticks <= 0xff ? PacketStatus.SmallDelta : PacketStatus.LargeDelta;
      const size = symbol === PacketStatus.SmallDelta ? 1 : 2;
      const chunkBytes = Math.ceil((statuses.length + 1) / 7) * 2;
      if (
        (symbol === PacketStatus.LargeDelta && (ticks < -0x8000 || ticks > 0x7fff)) ||
        FIXED_BYTES + chunkBytes + deltaBytes + size + 3 > this.#o.maxFeedbackBytes
      )
        break;
      statuses.push(symbol);
      deltas.push(ticks);
      deltaBytes += size;
      prev += ticks * RECEIVE_DELTA_US;
    }
    // Trailing losses wait for the next packet (they may be late, not lost).
    while (statuses.length > 0 && statuses[statuses.length - 1] === PacketStatus.NotReceived) {
      statuses.pop();
      s--;
    }
    this.#out.push({
      type: "twcc",
      senderSsrc: this.#o.senderSsrc,
      mediaSsrc: this.#mediaSsrc,
      baseSequenceNumber: from & 0xffff,
      referenceTime: referenceTime & 0xffffff,
      feedbackPacketCount: this.#feedbackCount,
      statuses,
      deltas,
    });
    this.#feedbackCount = (this.#feedbackCount + 1) & 0xff;
    this.counters.feedback++;
    this.#reportFrom = s;
  }

  #arrival(s: number): number | undefined {
    const slot = s & (SLOTS - 1);
    return this.#slotSeq?.[slot] === s ? (this.#arrivalUs as Float64Array)[slot] : undefined;
  }
}
