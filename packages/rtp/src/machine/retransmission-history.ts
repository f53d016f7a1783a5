import { UsageError } from "../wire/decoded.js";
import type { Millis } from "../wire/rtp-clock.js";
import type { RtpPacket } from "../wire/rtp-header.js";
import { encodeRtxPacket } from "../wire/rtx.js";
import { PayloadSlab } from "./payload-slab.js";

export interface RetransmissionHistoryOptions {
  /** packets kept, a power of two ≤ 32768 (the newest `capacity` sequence numbers) */
  readonly capacity?: number;
  /** packets sent longer ago than this are not resent */
  readonly maxAgeMs?: Millis;
  /** never resend one packet more often than max(this, RTT) */
  readonly minResendIntervalMs?: Millis;
  /**
   * RFC 4588 RTX, when negotiated: resend on this SSRC, with the RTX payload type of the original's
   * payload type (a number when there is one), numbering from `sequenceNumber`.
   */
  readonly rtx?: {
    readonly ssrc: number;
    readonly payloadType: number | Readonly<Record<number, number>>;
    readonly sequenceNumber: number;
  };
}

export interface RetransmissionHistoryCounters {
  retransmitted: number;
  unknown: number;
  tooOld: number;
  rateLimited: number;
  noRtxPayloadType: number;
}

interface Entry {
  readonly packet: RtpPacket;
  readonly sentAtMs: Millis;
  lastResentMs: Millis | undefined;
}

/** Slots a ring starts with (a sender that never sends keeps just this); it doubles as packets need. */
const INITIAL_SLOTS = 1;

/**
 * The send side of NACK-based repair (RFC 4585 §3.6.1, RFC 4588): remembers what was sent on one
 * SSRC and answers a Generic NACK with the packets still held — as they were, or wrapped in RTX
 * (OSN in the payload, RTX SSRC and payload type, RFC 4588 §4) when RTX is configured.
 *
 * Sans-IO: `handleSent(now, packet)`, `handleNack(now, lost)`, `handleRtt(ms)`, then
 * `pollTransmit()` until undefined.
 *
 * Memory: the ring starts with a few slots and doubles (up to `capacity`) whenever a packet would
 * overwrite one that a ring of the full `capacity` would still hold, so it always holds exactly what
 * the full ring would — a sender that sends little never pays for `capacity` slots.
 */
export class RetransmissionHistory {
  readonly counters: RetransmissionHistoryCounters = {
    retransmitted: 0,
    unknown: 0,
    tooOld: 0,
    rateLimited: 0,
    noRtxPayloadType: 0,
  };
  #ring: (Entry | undefined)[];
  /** slots in #ring − 1 */
  #mask: number;
  /** `capacity` − 1: two packets share a slot of the full ring when equal under this mask */
  readonly #capacityMask: number;
  readonly #maxAgeMs: Millis;
  readonly #minResendMs: Millis;
  readonly #rtx: RetransmissionHistoryOptions["rtx"];
  readonly #queue: RtpPacket[] = [];
  /** Where the payload copies live (one slab per history, not one ArrayBuffer per packet). */
  readonly #payloads = new PayloadSlab();
  #rtxSeq: number;
  #rttMs = 0;

  constructor(o: RetransmissionHistoryOptions = {}) {
    const capacity = o.capacity ?? 1024;
    if (!(capacity >= 1 && capacity <= 32768 && (capacity & (capacity - 1)) === 0)) {
      throw new UsageError("capacity must be a power of two ≤ 32768");
    }
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.#ring = new Array<Entry | undefined>(slots).fill(undefined);
    this.#mask = slots - 1;
    this.#capacityMask = capacity - 1;
    this.#maxAgeMs = o.maxAgeMs ?? 1000;
    this.#minResendMs = o.minResendIntervalMs ?? 10;
    this.#rtx = o.rtx;
    this.#rtxSeq = (o.rtx?.sequenceNumber ?? 0) & 0xffff;
  }

  /** Remembers a packet just sent (its payload is copied). */
  handleSent(now: Millis, packet: RtpPacket): void {
    const seq = packet.sequenceNumber;
    for (;;) {
      const old = this.#ring[seq & this.#mask];
      if (!old || this.#mask === this.#capacityMask) break;
      if ((old.packet.sequenceNumber & this.#capacityMask) === (seq & this.#capacityMask)) break;
      this.#grow();
    }
    this.#ring[seq & this.#mask] = {
      packet: { ...packet, payload: this.#payloads.copy(packet.payload) },
      sentAtMs: now,
      lastResentMs: undefined,
    };
  }

  handleRtt(rttMs: Millis): void {
    if (rttMs >= 0 && Number.isFinite(rttMs)) this.#rttMs = rttMs;
  }

  /** The sequence numbers of a Generic NACK for this SSRC (`GenericNack.lost`). */
  handleNack(now: Millis, lost: readonly number[]): void {
    const interval = Math.max(this.#minResendMs, this.#rttMs);
    for (const seq of lost) {
      const e = this.#ring[seq & this.#mask];
      if (!e || e.packet.sequenceNumber !== (seq & 0xffff)) {
        this.counters.unknown++;
        continue;
      }
      if (now - e.sentAtMs > this.#maxAgeMs) {
        this.counters.tooOld++;
        continue;
      }
      if (e.lastResentMs !== undefined && now < e.lastResentMs + interval) {
        this.counters.rateLimited++;
        continue;
      }
      const out = this.#wrap(e.packet);
      if (!out) continue;
      e.lastResentMs = now;
      this.counters.retransmitted++;
      this.#queue.push(out);
    }
  }

  /** The next packet to resend, RTX-wrapped if configured. */
  pollTransmit(): RtpPacket | undefined {
    return this.#queue.shift();
  }

  /** Doubles the ring, each entry moving to its slot under the wider mask (no two collide there). */
  #grow(): void {
    const ring = new Array<Entry | undefined>(this.#ring.length * 2).fill(undefined);
    const mask = ring.length - 1;
    for (const e of this.#ring) if (e) ring[e.packet.sequenceNumber & mask] = e;
    this.#ring = ring;
    this.#mask = mask;
  }

  #wrap(p: RtpPacket): RtpPacket | undefined {
    const rtx = this.#rtx;
    if (!rtx) return p;
    const pt = typeof rtx.payloadType === "number" ? rtx.payloadType : rtx.payloadType[p.payloadType];
    if (pt === undefined) {
      this.counters.noRtxPayloadType++;
      return undefined;
    }
    const out = encodeRtxPacket(p, { ssrc: rtx.ssrc, payloadType: pt }, this.#rtxSeq);
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    return out;
  }
}
