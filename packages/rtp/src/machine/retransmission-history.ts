import { UsageError } from "../wire/decoded.js";
import type { Millis } from "../wire/rtp-clock.js";
import { decodeRtpPacket, encodeRtpPacketInto, type RtpPacket, rtpPacketLength } from "../wire/rtp-header.js";
import { encodeRtxPacket } from "../wire/rtx.js";
import { PacketStore } from "./packet-store.js";

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

const EMPTY = new Uint8Array(0);

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
 * the full ring would — a sender that sends little never pays for `capacity` slots. A slot is numbers in
 * typed arrays and the packet's encoded bytes in a `PacketStore`: keeping a packet allocates no object.
 */
export class RetransmissionHistory {
  readonly counters: RetransmissionHistoryCounters = {
    retransmitted: 0,
    unknown: 0,
    tooOld: 0,
    rateLimited: 0,
    noRtxPayloadType: 0,
  };
  /**
   * Per slot i, at 4i…4i+3: the sequence number held (−1: none), and where its encoded packet is in #store
   * (slab, offset, length). Two typed arrays for the lot: a connection's idle senders stay small.
   */
  #ints: Int32Array;
  /** Per slot i: when its packet was sent (2i) and last resent (2i+1, NaN: never). */
  #times: Float64Array;
  /** slots − 1 */
  #mask: number;
  /** `capacity` − 1: two packets share a slot of the full ring when equal under this mask */
  readonly #capacityMask: number;
  readonly #maxAgeMs: Millis;
  readonly #minResendMs: Millis;
  readonly #rtx: RetransmissionHistoryOptions["rtx"];
  readonly #queue: RtpPacket[] = [];
  /** Where the packets kept live, encoded. */
  readonly #store = new PacketStore();
  #rtxSeq: number;
  #rttMs = 0;
  /** timestamp and payload type of the last packet sent (−1: none yet) */
  #lastTimestamp = 0;
  #lastPayloadType = -1;

  constructor(o: RetransmissionHistoryOptions = {}) {
    const capacity = o.capacity ?? 1024;
    if (!(capacity >= 1 && capacity <= 32768 && (capacity & (capacity - 1)) === 0)) {
      throw new UsageError("capacity must be a power of two ≤ 32768");
    }
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.#ints = new Int32Array(slots * 4).fill(-1);
    this.#times = new Float64Array(slots * 2);
    this.#mask = slots - 1;
    this.#capacityMask = capacity - 1;
    this.#maxAgeMs = o.maxAgeMs ?? 1000;
    this.#minResendMs = o.minResendIntervalMs ?? 10;
    this.#rtx = o.rtx;
    this.#rtxSeq = (o.rtx?.sequenceNumber ?? 0) & 0xffff;
  }

  /**
   * Remembers a packet just sent, encoded into the history's own store; returns those bytes (the packet
   * as it goes on the wire, before SRTP), valid until the history drops the packet — protect them at once.
   * Throws `UsageError` for a packet that cannot be encoded (as `encodeRtpPacket` does).
   */
  handleSent(now: Millis, packet: RtpPacket): Uint8Array {
    const seq = packet.sequenceNumber & 0xffff;
    for (;;) {
      const old = this.#ints[(seq & this.#mask) * 4] as number;
      if (old < 0 || this.#mask === this.#capacityMask) break;
      if ((old & this.#capacityMask) === (seq & this.#capacityMask)) break;
      this.#grow();
    }
    const i = seq & this.#mask;
    this.#drop(i);
    const n = rtpPacketLength(packet);
    const store = this.#store;
    const slab = store.reserve(n);
    let bytes: Uint8Array;
    try {
      bytes = encodeRtpPacketInto(packet, slab, store.offset);
    } catch (err) {
      store.release(store.slab);
      throw err;
    }
    this.#lastTimestamp = packet.timestamp;
    this.#lastPayloadType = packet.payloadType;
    const ints = this.#ints;
    ints[i * 4] = seq;
    ints[i * 4 + 1] = store.slab;
    ints[i * 4 + 2] = store.offset;
    ints[i * 4 + 3] = n;
    this.#times[i * 2] = now;
    this.#times[i * 2 + 1] = Number.NaN;
    return bytes;
  }

  /** Forgets a packet (it never left: a sender dropped it); a NACK for it then counts as unknown. */
  forget(sequenceNumber: number): void {
    const i = sequenceNumber & this.#mask;
    if (this.#ints[i * 4] === (sequenceNumber & 0xffff)) this.#drop(i);
  }

  /** Empties slot `i`, releasing its bytes. */
  #drop(i: number): void {
    if ((this.#ints[i * 4] as number) < 0) return;
    this.#ints[i * 4] = -1;
    this.#store.release(this.#ints[i * 4 + 1] as number);
  }

  /** The packet in slot `i`, decoded from a copy of its bytes (it outlives the slot). */
  #packetAt(i: number): RtpPacket | undefined {
    const off = this.#ints[i * 4 + 2] as number;
    const end = off + (this.#ints[i * 4 + 3] as number);
    const bytes = this.#store.bytes(this.#ints[i * 4 + 1] as number)?.slice(off, end);
    const p = bytes && decodeRtpPacket(bytes);
    return p?.ok ? p.value : undefined;
  }

  /** What it holds: ring slots and the 16-KiB slabs of its store (memory accounting, tests). */
  get held(): { readonly slots: number; readonly slabs: number } {
    return { slots: this.#times.length / 2, slabs: this.#store.slabs };
  }

  handleRtt(rttMs: Millis): void {
    if (rttMs >= 0 && Number.isFinite(rttMs)) this.#rttMs = rttMs;
  }

  /** The sequence numbers of a Generic NACK for this SSRC (`GenericNack.lost`). */
  handleNack(now: Millis, lost: readonly number[]): void {
    const interval = Math.max(this.#minResendMs, this.#rttMs);
    for (const seq of lost) {
      const i = seq & this.#mask;
      if (this.#ints[i * 4] !== (seq & 0xffff)) {
        this.counters.unknown++;
        continue;
      }
      if (now - (this.#times[i * 2] as number) > this.#maxAgeMs) {
        this.counters.tooOld++;
        continue;
      }
      const resent = this.#times[i * 2 + 1] as number;
      if (!Number.isNaN(resent) && now < resent + interval) {
        this.counters.rateLimited++;
        continue;
      }
      const packet = this.#packetAt(i);
      const out = packet && this.#wrap(packet);
      if (!out) continue;
      this.#times[i * 2 + 1] = now;
      this.counters.retransmitted++;
      this.#queue.push(out);
    }
  }

  /**
   * A padding-only packet on the RTX stream (RFC 3550 §5.1 padding, no payload: what libwebrtc sends to
   * probe the link), with the next RTX sequence number and the timestamp of the last packet sent, and
   * `extension` (e.g. MID and the transport-wide sequence number). Undefined without RTX or before any
   * packet was sent. `paddingBytes` is clamped to 1–255.
   */
  paddingPacket(paddingBytes: number, extension: RtpPacket["extension"]): RtpPacket | undefined {
    const rtx = this.#rtx;
    if (!rtx || this.#lastPayloadType < 0) return undefined;
    const pt = typeof rtx.payloadType === "number" ? rtx.payloadType : rtx.payloadType[this.#lastPayloadType];
    if (pt === undefined) return undefined;
    const seq = this.#rtxSeq;
    this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
    return {
      marker: false,
      payloadType: pt,
      sequenceNumber: seq,
      timestamp: this.#lastTimestamp,
      ssrc: rtx.ssrc,
      csrcs: [],
      extension,
      payload: EMPTY,
      paddingLength: Math.min(255, Math.max(1, Math.round(paddingBytes))),
    };
  }

  /** The next packet to resend, RTX-wrapped if configured. */
  pollTransmit(): RtpPacket | undefined {
    return this.#queue.shift();
  }

  /** Doubles the ring, each entry moving to its slot under the wider mask (no two collide there). */
  #grow(): void {
    const slots = this.#times.length;
    const mask = slots - 1;
    const ints = new Int32Array(slots * 4).fill(-1);
    const times = new Float64Array(slots * 2);
    for (let i = 0; i < slots / 2; i++) {
      const seq = this.#ints[i * 4] as number;
      if (seq < 0) continue;
      const j = seq & mask;
      ints.set(this.#ints.subarray(i * 4, i * 4 + 4), j * 4);
      times.set(this.#times.subarray(i * 2, i * 2 + 2), j * 2);
    }
    this.#ints = ints;
    this.#times = times;
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
