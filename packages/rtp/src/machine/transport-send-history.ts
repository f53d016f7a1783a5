import {
  PacketStatus,
  RECEIVE_DELTA_US,
  REFERENCE_TIME_US,
  type TransportWideFeedback,
} from "../wire/rtcp-transport-feedback.js";
import type { Millis } from "../wire/rtp-clock.js";
import { seqDelta } from "../wire/sequence-number.js";

/** One packet a feedback told us about: what we sent, and when it arrived (undefined: reported lost). */
export interface PacketFeedback {
  /** transport-wide sequence number, unwrapped (keeps counting past 65535) */
  readonly sequenceNumber: number;
  readonly sendTimeMs: Millis;
  /** octets on the transport (the SRTP packet) */
  readonly sizeBytes: number;
  /** what the sender tagged the packet with (a probe cluster id; −1: none) */
  readonly tag: number;
  /** arrival on the receiver's clock (ms, unwrapped); undefined when the feedback says it was not received */
  readonly arrivalTimeMs: Millis | undefined;
}

export interface TransportSendHistoryCounters {
  /** feedback about a sequence number we hold no record of (too old, or never sent) */
  unknown: number;
  /** a packet reported received again (feedback repeated, or a reordered packet reported twice) */
  duplicate: number;
}

/**
 * Packets remembered: a second or more at video rates (feedback comes within ~100 ms + RTT), ~40 kB
 * once the first packet is sent. A power of two.
 */
const CAPACITY = 2048;
const STATE_EMPTY = 0;
const STATE_SENT = 1;
const STATE_ACKED = 2;
const STATE_LOST = 3;
/** The 24-bit reference time spans 2^24 × 64 ms. */
const REFERENCE_SPAN = 0x1000000;

/**
 * The send side of transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01):
 * hands out the transport-wide sequence number for each packet as it leaves, records its send time and
 * size, and turns the receiver's RTPFB 15 feedback into `PacketFeedback` for the bandwidth estimator —
 * what libwebrtc's transport feedback adapter does. Also counts the bytes in flight (sent, not yet
 * reported on).
 *
 * Sans-IO: `allocate()` a number, `handleSent(now, seq, bytes, tag)` when the packet leaves,
 * `handleFeedback(fb)` → the packets it reports on, in sequence order.
 */
export class TransportSendHistory {
  readonly counters: TransportSendHistoryCounters = { unknown: 0, duplicate: 0 };
  #sendTime: Float64Array | undefined;
  #size: Int32Array | undefined;
  #tag: Int32Array | undefined;
  #seq: Int32Array | undefined;
  #state: Uint8Array | undefined;
  /** the next unwrapped sequence number `allocate` gives */
  #next: number;
  #inFlight = 0;
  #lastReference: number | undefined;

  constructor(firstSequenceNumber = 1) {
    this.#next = firstSequenceNumber & 0xffff;
  }

  /** The next transport-wide sequence number (16 bits), for the packet about to leave. */
  allocate(): number {
    return this.#next++ & 0xffff;
  }

  /** Octets sent that no feedback has reported on yet (received or lost). */
  get inFlightBytes(): number {
    return this.#inFlight;
  }

  /** The packet numbered `seq` (from `allocate`, the last one) left at `now`. */
  handleSent(now: Millis, seq: number, sizeBytes: number, tag = -1): void {
    const s = this.#next - 1 + seqDelta(seq & 0xffff, (this.#next - 1) & 0xffff);
    if (!this.#sendTime) this.#alloc();
    const i = s & (CAPACITY - 1);
    const state = this.#state as Uint8Array;
    if (state[i] === STATE_SENT) this.#inFlight -= (this.#size as Int32Array)[i] as number;
    (this.#sendTime as Float64Array)[i] = now;
    (this.#size as Int32Array)[i] = sizeBytes;
    (this.#tag as Int32Array)[i] = tag;
    (this.#seq as Int32Array)[i] = s;
    state[i] = STATE_SENT;
    this.#inFlight += sizeBytes;
  }

  /**
   * The packets a feedback reports on that we hold, in order; a packet reported received once is not
   * reported again (counted as a duplicate), nor one reported lost again lost; one reported lost may be
   * reported received later (it was late, not lost).
   */
  handleFeedback(fb: TransportWideFeedback): PacketFeedback[] {
    const out: PacketFeedback[] = [];
    if (!this.#sendTime) {
      this.counters.unknown += fb.statuses.length;
      return out;
    }
    const reference = this.#unwrapReference(fb.referenceTime);
    const base = this.#next - 1 + seqDelta(fb.baseSequenceNumber, (this.#next - 1) & 0xffff);
    let t = reference * REFERENCE_TIME_US;
    let d = 0;
    const state = this.#state as Uint8Array;
    const seqs = this.#seq as Int32Array;
    for (let k = 0; k < fb.statuses.length; k++) {
      const st = fb.statuses[k];
      const received = st !== PacketStatus.NotReceived;
      if (received) t += (fb.deltas[d++] ?? 0) * RECEIVE_DELTA_US;
      const s = base + k;
      const i = s & (CAPACITY - 1);
      if (state[i] === STATE_EMPTY || seqs[i] !== s) {
        this.counters.unknown++;
        continue;
      }
      if (state[i] === STATE_ACKED) {
        if (received) this.counters.duplicate++;
        continue;
      }
      if (state[i] === STATE_LOST && !received) continue;
      if (state[i] === STATE_SENT) this.#inFlight -= (this.#size as Int32Array)[i] as number;
      state[i] = received ? STATE_ACKED : STATE_LOST;
      out.push({
        sequenceNumber: s,
        sendTimeMs: (this.#sendTime as Float64Array)[i] as number,
        sizeBytes: (this.#size as Int32Array)[i] as number,
        tag: (this.#tag as Int32Array)[i] as number,
        arrivalTimeMs: received ? t / 1000 : undefined,
      });
    }
    return out;
  }

  /** The reference time placed the short way round from the previous one (it wraps every ~12 days). */
  #unwrapReference(ref: number): number {
    const last = this.#lastReference;
    if (last === undefined) {
      this.#lastReference = ref;
      return ref;
    }
    let delta = (ref - last) % REFERENCE_SPAN;
    if (delta >= REFERENCE_SPAN / 2) delta -= REFERENCE_SPAN;
    else if (delta < -REFERENCE_SPAN / 2) delta += REFERENCE_SPAN;
    const r = last + delta;
    this.#lastReference = r;
    return r;
  }

  #alloc(): void {
    this.#sendTime = new Float64Array(CAPACITY);
    this.#size = new Int32Array(CAPACITY);
    this.#tag = new Int32Array(CAPACITY);
    this.#seq = new Int32Array(CAPACITY);
    this.#state = new Uint8Array(CAPACITY);
  }
}
