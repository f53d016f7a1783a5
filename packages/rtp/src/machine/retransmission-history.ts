import { UsageError } from "../wire/decoded.js";
import type { Millis } from "../wire/rtp-clock.js";
import type { RtpPacket } from "../wire/rtp-header.js";
import { encodeRtxPacket } from "../wire/rtx.js";

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

/**
 * The send side of NACK-based repair (RFC 4585 §3.6.1, RFC 4588): remembers what was sent on one
 * SSRC and answers a Generic NACK with the packets still held — as they were, or wrapped in RTX
 * (OSN in the payload, RTX SSRC and payload type, RFC 4588 §4) when RTX is configured.
 *
 * Sans-IO: `handleSent(now, packet)`, `handleNack(now, lost)`, `handleRtt(ms)`, then
 * `pollTransmit()` until undefined.
 */
export class RetransmissionHistory {
  readonly counters: RetransmissionHistoryCounters = {
    retransmitted: 0,
    unknown: 0,
    tooOld: 0,
    rateLimited: 0,
    noRtxPayloadType: 0,
  };
  readonly #ring: (Entry | undefined)[];
  readonly #mask: number;
  readonly #maxAgeMs: Millis;
  readonly #minResendMs: Millis;
  readonly #rtx: RetransmissionHistoryOptions["rtx"];
  readonly #queue: RtpPacket[] = [];
  #rtxSeq: number;
  #rttMs = 0;

  constructor(o: RetransmissionHistoryOptions = {}) {
    const capacity = o.capacity ?? 1024;
    if (!(capacity >= 1 && capacity <= 32768 && (capacity & (capacity - 1)) === 0)) {
      throw new UsageError("capacity must be a power of two ≤ 32768");
    }
    this.#ring = new Array<Entry | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    this.#maxAgeMs = o.maxAgeMs ?? 1000;
    this.#minResendMs = o.minResendIntervalMs ?? 10;
    this.#rtx = o.rtx;
    this.#rtxSeq = (o.rtx?.sequenceNumber ?? 0) & 0xffff;
  }

  /** Remembers a packet just sent (its payload is copied). */
  handleSent(now: Millis, packet: RtpPacket): void {
    this.#ring[packet.sequenceNumber & this.#mask] = {
      packet: { ...packet, payload: new Uint8Array(packet.payload) },
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
