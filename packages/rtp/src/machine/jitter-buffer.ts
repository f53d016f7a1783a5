import type { DepacketizedFrame, PayloadFormat } from "../payload/payload-format.js";
import { UsageError } from "../wire/decoded.js";
import type { Millis } from "../wire/rtp-clock.js";
import type { RtpPacket } from "../wire/rtp-header.js";
import { SequenceUnwrapper } from "./sequence-unwrapper.js";

export interface JitterBufferOptions<F extends DepacketizedFrame> {
  readonly format: PayloadFormat<F>;
  /** the reorder window, in packets: nothing further than this ahead of the next expected one is kept */
  readonly maxPackets?: number;
  /** how long a packet may wait for a missing one before the gap is given up */
  readonly maxLatencyMs?: Millis;
  /** after a loss, deliver nothing until a keyframe (default: for video formats) */
  readonly waitForKeyframe?: boolean;
  /** the least time between two keyframe requests while one is awaited */
  readonly keyframeRequestIntervalMs?: Millis;
  /**
   * The payloads handed to `handlePacket` are the buffer's to keep: nobody rewrites their bytes later
   * (fresh SRTP output, say). They are then held, and may end up in frames, without a copy. Default false:
   * each payload is copied on arrival.
   */
  readonly adoptPayloads?: boolean;
}

/** A frame released in order by the buffer. */
export interface BufferedFrame<F extends DepacketizedFrame> {
  readonly frame: F;
  readonly rtpTimestamp: number;
  /** extended sequence numbers (see `SequenceUnwrapper`) of the frame's first and last packet */
  readonly firstSequenceNumber: number;
  readonly lastSequenceNumber: number;
  /** arrival of the frame's last packet to arrive */
  readonly receivedAtMs: Millis;
}

export type JitterBufferEvent =
  /** send a PLI (RFC 4585 §6.3.1) or FIR: a frame could not be completed and decoding needs a keyframe */
  | { readonly kind: "keyframe-request" }
  /** packets given up: [fromSequenceNumber, toSequenceNumber) in extended numbers */
  | { readonly kind: "packets-lost"; readonly fromSequenceNumber: number; readonly toSequenceNumber: number };

export interface JitterBufferCounters {
  late: number;
  duplicate: number;
  overflow: number;
  inconsistent: number;
  depacketizeFailed: number;
  droppedWaitingForKeyframe: number;
  gapsGivenUp: number;
  framesDelivered: number;
}

interface Slot {
  readonly timestamp: number;
  readonly marker: boolean;
  readonly start: boolean;
  readonly payload: Uint8Array;
  readonly arrivalMs: Millis;
}

/**
 * The receive-side reorder buffer of one RTP stream (one SSRC): packets in any order, frames out in
 * order, each complete (first packet a frame start, consecutive sequence numbers, one timestamp, the
 * last packet carrying the marker — or the next frame's start right after it). A gap is waited for at
 * most `maxLatencyMs`, and nothing beyond `maxPackets` ahead is kept; then the gap is given up, and a
 * video stream waits for a keyframe, asking for one (PLI) at most every `keyframeRequestIntervalMs`.
 *
 * Sans-IO: `handlePacket(now, packet)`, `handleTimeout(now)`, then `pollFrame()`, `pollEvent()` and
 * `pollTimeout()`.
 */
export class JitterBuffer<F extends DepacketizedFrame = DepacketizedFrame> {
  readonly counters: JitterBufferCounters = {
    late: 0,
    duplicate: 0,
    overflow: 0,
    inconsistent: 0,
    depacketizeFailed: 0,
    droppedWaitingForKeyframe: 0,
    gapsGivenUp: 0,
    framesDelivered: 0,
  };
  readonly #format: PayloadFormat<F>;
  readonly #maxPackets: number;
  readonly #maxLatencyMs: Millis;
  readonly #waitForKeyframe: boolean;
  readonly #keyframeIntervalMs: Millis;
  readonly #adoptPayloads: boolean;
  readonly #unwrapper = new SequenceUnwrapper();
  readonly #slots = new Map<number, Slot>();
  readonly #frames: BufferedFrame<F>[] = [];
  readonly #events: JitterBufferEvent[] = [];
  #next: number | undefined;
  #maxStored = -Infinity;
  #oldestArrivalMs: Millis | undefined;
  #waitingForKeyframe: boolean;
  /** whether a frame was released or a gap given up: from then on, older packets are late */
  #released = false;
  /** the head frame whose packets were found present up to `#scannedTo`, none ending it */
  #scanHead: number | undefined;
  #scannedTo = 0;
  #lastKeyframeRequestMs: Millis | undefined;

  constructor(o: JitterBufferOptions<F>) {
    this.#format = o.format;
    this.#maxPackets = o.maxPackets ?? 512;
    this.#maxLatencyMs = o.maxLatencyMs ?? 200;
    this.#waitForKeyframe = o.waitForKeyframe ?? o.format.markerEndsFrame;
    this.#keyframeIntervalMs = o.keyframeRequestIntervalMs ?? 500;
    this.#adoptPayloads = o.adoptPayloads ?? false;
    this.#waitingForKeyframe = this.#waitForKeyframe;
    if (!(this.#maxPackets >= 1 && this.#maxPackets <= 32768))
      throw new UsageError("maxPackets must be 1–32768");
  }

  /** Packets held, waiting for a gap to fill. */
  get size(): number {
    return this.#slots.size;
  }

  handlePacket(now: Millis, packet: RtpPacket): void {
    const ext = this.#unwrapper.unwrap(packet.sequenceNumber);
    if (this.#next === undefined) this.#next = ext;
    if (ext < this.#next) {
      // Before anything was released, an older packet just moves the start back (reordered start).
      if (this.#released || ext <= this.#maxStored - this.#maxPackets) {
        this.counters.late++;
        return;
      }
      this.#next = ext;
    }
    if (this.#slots.size > 0 && this.#slots.has(ext)) {
      this.counters.duplicate++;
      return;
    }
    if (ext >= this.#next + this.#maxPackets) {
      // Beyond the window: give up everything that would fall out of it.
      this.counters.overflow++;
      const keepFrom = ext - this.#maxPackets + 1;
      this.#giveUp(now, keepFrom);
    }
    const payload = this.#adoptPayloads ? packet.payload : new Uint8Array(packet.payload);
    const start = this.#format.isFrameStart(payload);
    if (ext > this.#maxStored) this.#maxStored = ext;
    // In order with nothing held, and a whole frame by itself (every Opus packet, small video frames):
    // released at once, without a slot — the common case of a clean path.
    if (
      ext === this.#next &&
      this.#slots.size === 0 &&
      start &&
      (packet.marker || !this.#format.markerEndsFrame)
    ) {
      this.#next = ext + 1;
      this.#released = true;
      this.#scanHead = undefined;
      this.#deliver(now, [payload], ext, ext, packet.timestamp, now);
      return;
    }
    this.#slots.set(ext, {
      timestamp: packet.timestamp,
      marker: packet.marker,
      start,
      payload,
      arrivalMs: now,
    });
    if (this.#oldestArrivalMs === undefined) this.#oldestArrivalMs = now;
    this.#assemble(now);
  }

  handleTimeout(now: Millis): void {
    while (this.#oldestArrivalMs !== undefined && now >= this.#oldestArrivalMs + this.#maxLatencyMs) {
      this.counters.gapsGivenUp++;
      const next = this.#next as number;
      const head = this.#slots.get(next);
      // The head frame (or the gap before it) cannot complete: resume at the next frame start.
      this.#giveUp(now, this.#nextFrameStart(next + 1, head?.timestamp) ?? this.#maxStored + 1);
      this.#assemble(now);
    }
    if (
      this.#waitingForKeyframe &&
      this.#lastKeyframeRequestMs !== undefined &&
      now >= this.#lastKeyframeRequestMs + this.#keyframeIntervalMs
    ) {
      this.#requestKeyframe(now);
    }
  }

  pollFrame(): BufferedFrame<F> | undefined {
    return this.#frames.shift();
  }

  pollEvent(): JitterBufferEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    let t: Millis | undefined;
    if (this.#oldestArrivalMs !== undefined) t = this.#oldestArrivalMs + this.#maxLatencyMs;
    if (this.#waitingForKeyframe && this.#lastKeyframeRequestMs !== undefined) {
      const k = this.#lastKeyframeRequestMs + this.#keyframeIntervalMs;
      t = t === undefined ? k : Math.min(t, k);
    }
    return t;
  }

  /** Releases every complete frame at the head, in order. */
  #assemble(now: Millis): void {
    let progressed = false;
    for (;;) {
      const next = this.#next as number;
      const head = this.#slots.get(next);
      if (!head) break;
      if (!head.start) {
        // Before the first release the frame's start may still come (reordered); the timeout decides.
        if (!this.#released) break;
        // The frame's first packet is gone (or the stream broke): skip to the next frame start.
        this.counters.inconsistent++;
        this.#giveUp(now, this.#nextFrameStart(next + 1, undefined) ?? this.#maxStored + 1);
        progressed = true;
        continue;
      }
      const end = this.#frameEnd(next, head.timestamp);
      if (end === undefined) break;
      if (end === "inconsistent") {
        this.counters.inconsistent++;
        this.#giveUp(now, this.#nextFrameStart(next + 1, head.timestamp) ?? this.#maxStored + 1);
        progressed = true;
        continue;
      }
      const payloads: Uint8Array[] = [];
      let receivedAtMs = head.arrivalMs;
      let lastTimestamp = head.timestamp;
      for (let s = next; s <= end; s++) {
        const slot = this.#slots.get(s) as Slot;
        payloads.push(slot.payload);
        receivedAtMs = Math.max(receivedAtMs, slot.arrivalMs);
        lastTimestamp = slot.timestamp;
        this.#slots.delete(s);
      }
      this.#next = end + 1;
      this.#released = true;
      progressed = true;
      this.#deliver(now, payloads, next, end, lastTimestamp, receivedAtMs);
    }
    if (progressed) this.#recomputeOldest();
  }

  /** A complete frame's payloads (extended numbers first…last): depacketized and queued, or counted. */
  #deliver(
    now: Millis,
    payloads: Uint8Array[],
    first: number,
    last: number,
    rtpTimestamp: number,
    receivedAtMs: Millis,
  ): void {
    const r = this.#format.depacketize(payloads);
    if (!r.ok) {
      this.counters.depacketizeFailed++;
      this.#lost(now, first, last + 1);
      return;
    }
    if (this.#waitingForKeyframe && !r.value.isKeyframe) {
      this.counters.droppedWaitingForKeyframe++;
      this.#requestKeyframe(now);
      return;
    }
    this.#waitingForKeyframe = false;
    this.counters.framesDelivered++;
    this.#frames.push({
      frame: r.value,
      rtpTimestamp,
      firstSequenceNumber: first,
      lastSequenceNumber: last,
      receivedAtMs,
    });
  }

  /**
   * The last sequence number of the frame starting at `first`, undefined while incomplete, or
   * "inconsistent" when a packet of another timestamp follows without a frame start.
   */
  #frameEnd(first: number, timestamp: number): number | "inconsistent" | undefined {
    // Resume where the last scan of this same head frame stopped (large frames arrive packet by packet).
    let s = this.#scanHead === first ? this.#scannedTo + 1 : first;
    for (; ; s++) {
      const slot = this.#slots.get(s);
      if (!slot) break;
      if (slot.timestamp !== timestamp) return slot.start && s > first ? s - 1 : "inconsistent";
      if (!this.#format.markerEndsFrame || slot.marker) return s;
    }
    this.#scanHead = first;
    this.#scannedTo = s - 1;
    return undefined;
  }

  /**
   * The first held packet from `from` on that starts a frame: a frame start whose predecessor, when
   * held, is of another timestamp, and not of the timestamp being given up.
   */
  #nextFrameStart(from: number, abandonedTimestamp: number | undefined): number | undefined {
    let best: number | undefined;
    for (const [s, slot] of this.#slots) {
      if (s < from || (best !== undefined && s >= best) || !slot.start) continue;
      if (slot.timestamp === abandonedTimestamp) continue;
      const prev = this.#slots.get(s - 1);
      if (prev && prev.timestamp === slot.timestamp) continue;
      best = s;
    }
    return best;
  }

  /** Drops every held packet below `resumeAt` and continues from there; a loss. */
  #giveUp(now: Millis, resumeAt: number): void {
    const from = this.#next as number;
    if (resumeAt <= from) return;
    this.#released = true;
    for (const s of [...this.#slots.keys()]) if (s < resumeAt) this.#slots.delete(s);
    this.#next = resumeAt;
    this.#lost(now, from, resumeAt);
    this.#recomputeOldest();
  }

  #lost(now: Millis, from: number, to: number): void {
    this.#events.push({ kind: "packets-lost", fromSequenceNumber: from, toSequenceNumber: to });
    if (this.#waitForKeyframe && !this.#waitingForKeyframe) {
      this.#waitingForKeyframe = true;
      this.#requestKeyframe(now);
    }
  }

  #requestKeyframe(now: Millis): void {
    if (
      this.#lastKeyframeRequestMs !== undefined &&
      now < this.#lastKeyframeRequestMs + this.#keyframeIntervalMs
    )
      return;
    this.#lastKeyframeRequestMs = now;
    this.#events.push({ kind: "keyframe-request" });
  }

  #recomputeOldest(): void {
    let oldest: Millis | undefined;
    for (const slot of this.#slots.values())
      if (oldest === undefined || slot.arrivalMs < oldest) oldest = slot.arrivalMs;
    this.#oldestArrivalMs = oldest;
  }
}
