import type { ProbeCluster } from "./bandwidth-estimator.js";

/**
 * The session's pacer once congestion control runs (libwebrtc's paced sender, simplified): every outgoing
 * RTP packet waits here and leaves at the rate it is told (`setRate`: the estimate × the pacing factor,
 * or a fixed `pacingBitrateBps`; none: packets leave as they come). With a long-term rate as well (the
 * estimate itself), bursts over it — a keyframe — leave at the pacing rate only until `burstAllowanceMs`
 * of the long-term rate is used up: a sender that writes more than the estimate for long is held to it
 * (its frames then wait, and are dropped), instead of overflowing the bottleneck's queue at 2.5 × the
 * estimate. It only obeys — the bandwidth estimator decides the rates and the probes.
 *
 * - Priority: audio, then retransmissions, then video, then probe padding; first in, first out within
 *   each. SRTP protection happens when a packet leaves, so per-SSRC order is what SRTP sees.
 * - A video frame whose first packet has waited longer than `maxVideoQueueMs` is dropped whole (every one
 *   of its packets still queued), counted, and reported (`pollDroppedFrame`: the encoder should make a
 *   keyframe). A queue over `maxQueuePackets` drops the oldest video frame; audio goes only when no
 *   video is left.
 * - A probe cluster (`startProbe`) sends at its own rate — queued media first, then padding requests
 *   (`{ padding: octets }` for the send path to fill) — until its octets and packets are out; what it
 *   sends carries the cluster's id. Probes wait for the first media packet (as libwebrtc's prober does:
 *   padding rides on a stream that exists, and a connection with no media has nothing to probe for).
 *
 * Sans-IO: `enqueue(now, packet)`, `poll(now)` until undefined, come back at `pollTimeout()`.
 */
export type PacedClass = "audio" | "retransmission" | "video";

export interface PacedPacket {
  /** the encoded RTP packet (unprotected; owned by the queue) */
  readonly bytes: Uint8Array;
  readonly cls: PacedClass;
  readonly mid: string;
  /** video: the frame (a per-sender count) it belongs to; dropped together */
  readonly frame: number;
}

export type PacedOutput =
  | { readonly kind: "packet"; readonly packet: PacedPacket; readonly probeCluster: number }
  | { readonly kind: "padding"; readonly bytes: number; readonly probeCluster: number };

export interface PacedSenderOptions {
  /** a video frame waiting longer than this (ms) is dropped whole (default 400) */
  readonly maxVideoQueueMs?: number;
  /** packets queued at most (default 4096) */
  readonly maxQueuePackets?: number;
  /** the most a quiet sender may send at once, in ms at the rate (default 5) */
  readonly burstMs?: number;
  /** how much over the long-term rate may go out at the pacing rate, in ms of the long-term rate (default 250) */
  readonly burstAllowanceMs?: number;
}

export interface PacedSenderCounters {
  /** packets that waited rather than leaving at once */
  delayed: number;
  droppedFrames: number;
  droppedPackets: number;
  /** audio packets dropped (only ever when the queue is over its bound with no video left in it) */
  droppedAudioPackets: number;
  paddingBytes: number;
  probes: number;
}

/** A video frame dropped from the queue: its mid and the packets that never left. */
export interface DroppedFrame {
  readonly mid: string;
  readonly packets: readonly PacedPacket[];
}

interface Queued {
  readonly p: PacedPacket;
  readonly at: number;
}

/** Padding requests ask for this much at once (a padding-only RTP packet carries ≤ 255 octets). */
const PADDING_CHUNK = 255;

export class PacedSender {
  readonly counters: PacedSenderCounters = {
    delayed: 0,
    droppedFrames: 0,
    droppedPackets: 0,
    droppedAudioPackets: 0,
    paddingBytes: 0,
    probes: 0,
  };
  readonly #queues: Record<PacedClass, Queued[]> = { audio: [], retransmission: [], video: [] };
  readonly #maxVideoQueueMs: number;
  readonly #maxPackets: number;
  readonly #burstMs: number;
  readonly #dropped: DroppedFrame[] = [];
  #bytesPerMs: number | undefined;
  #budget = 0;
  /** the long-term rate (octets per ms) and its budget, when set */
  #longBytesPerMs: number | undefined;
  #longBudget = 0;
  readonly #allowanceMs: number;
  #lastRefill: number | undefined;
  #probe: { cluster: ProbeCluster; bytesLeft: number; packetsLeft: number; nextAt: number } | undefined;
  readonly #probes: ProbeCluster[] = [];
  #mediaSeen = false;

  constructor(o: PacedSenderOptions = {}) {
    this.#maxVideoQueueMs = o.maxVideoQueueMs ?? 400;
    this.#maxPackets = o.maxQueuePackets ?? 4096;
    this.#burstMs = o.burstMs ?? 5;
    this.#allowanceMs = o.burstAllowanceMs ?? 250;
  }

  /** Packets waiting. */
  get size(): number {
    return this.#queues.audio.length + this.#queues.retransmission.length + this.#queues.video.length;
  }

  /** The pacing rate (bps); undefined: no pacing. */
  get rateBps(): number | undefined {
    return this.#bytesPerMs === undefined ? undefined : this.#bytesPerMs * 8000;
  }

  /** How long the oldest packet has waited (ms). */
  queueDelayMs(now: number): number {
    let oldest = now;
    for (const q of Object.values(this.#queues)) if (q[0] && q[0].at < oldest) oldest = q[0].at;
    return now - oldest;
  }

  /** The pacing rate (undefined: none) and, optionally, the long-term rate it may exceed only in bursts. */
  setRate(now: number, bps: number | undefined, longTermBps?: number): void {
    this.#refill(now);
    const was = this.#bytesPerMs;
    this.#bytesPerMs = bps === undefined ? undefined : Math.max(1, bps / 8000);
    const wasLong = this.#longBytesPerMs;
    this.#longBytesPerMs =
      bps === undefined || longTermBps === undefined ? undefined : Math.max(1, longTermBps / 8000);
    if (this.#longBytesPerMs !== undefined) {
      const depth = this.#longBytesPerMs * this.#allowanceMs;
      this.#longBudget = wasLong === undefined ? depth : Math.min(this.#longBudget, depth);
    }
    if (this.#bytesPerMs === undefined) return;
    const burst = this.#bytesPerMs * this.#burstMs;
    this.#budget = was === undefined ? burst : Math.min(this.#budget, burst);
  }

  /** Both budgets allow a packet now. */
  #mayLeave(): boolean {
    return (
      this.#bytesPerMs === undefined ||
      (this.#budget > 0 && (this.#longBytesPerMs === undefined || this.#longBudget > 0))
    );
  }

  /** Media left without waiting here (no rate set): probes may start. */
  noteMedia(): void {
    this.#mediaSeen = true;
  }

  /** A probe cluster to send (after the one running, if any). */
  startProbe(cluster: ProbeCluster): void {
    this.#probes.push(cluster);
  }

  enqueue(now: number, p: PacedPacket): void {
    this.#mediaSeen = true;
    this.#refill(now);
    if (this.#bytesPerMs !== undefined && (this.size > 0 || !this.#mayLeave())) this.counters.delayed++;
    this.#queues[p.cls].push({ p, at: now });
    while (this.size > this.#maxPackets) {
      if (this.#queues.video.length > 0) this.#dropFrame(this.#queues.video[0] as Queued);
      else if (this.#queues.retransmission.length > 0) this.#dropOne("retransmission");
      else this.#dropOne("audio");
    }
  }

  /** The next thing to send now: a packet, or (probing) a padding request. */
  poll(now: number): PacedOutput | undefined {
    this.#expireFrames(now);
    if (!this.#probe && this.#mediaSeen) this.#nextProbe(now);
    const probe = this.#probe;
    if (probe) {
      if (now < probe.nextAt) return undefined;
      const next = this.#take();
      const id = probe.cluster.id;
      const bytes = next ? next.bytes.length : PADDING_CHUNK;
      probe.bytesLeft -= bytes;
      probe.packetsLeft--;
      // From when this packet was due, not from now: timers fire on whole ms, and a probe of more than one
      // packet per ms must still average its rate (several leave in one tick when behind).
      probe.nextAt = Math.max(probe.nextAt, now - 1) + (bytes * 8000) / probe.cluster.bitrateBps;
      if (probe.bytesLeft <= 0 && probe.packetsLeft <= 0) this.#probe = undefined;
      this.#refill(now);
      this.#budget -= bytes;
      this.#longBudget -= bytes;
      if (next) return { kind: "packet", packet: next, probeCluster: id };
      this.counters.paddingBytes += bytes;
      return { kind: "padding", bytes, probeCluster: id };
    }
    if (this.size === 0) return undefined;
    this.#refill(now);
    if (!this.#mayLeave()) return undefined;
    const p = this.#take() as PacedPacket;
    this.#budget -= p.bytes.length;
    this.#longBudget -= p.bytes.length;
    return { kind: "packet", packet: p, probeCluster: -1 };
  }

  /** Forgets every queued packet of `mid` (its sender was removed and said BYE: nothing of it may follow). */
  purge(mid: string): void {
    for (const cls of ["audio", "retransmission", "video"] as const) {
      this.#queues[cls] = this.#queues[cls].filter((x) => x.p.mid !== mid);
    }
  }

  /** A video frame dropped for waiting too long (its encoder should make a keyframe). */
  pollDroppedFrame(): DroppedFrame | undefined {
    return this.#dropped.shift();
  }

  /** When `poll` may give something next (or a queued frame expires); undefined when nothing waits. */
  pollTimeout(): number | undefined {
    const probe = this.#probe;
    if (probe) return Math.ceil(probe.nextAt);
    if (this.#probes.length > 0 && this.#mediaSeen) return this.#lastRefill ?? 0;
    if (this.size === 0 || this.#lastRefill === undefined) return undefined;
    if (this.#mayLeave()) return this.#lastRefill;
    const rate = this.#bytesPerMs as number;
    let ready = this.#lastRefill + Math.ceil(Math.max(0, 1 - this.#budget) / rate);
    const long = this.#longBytesPerMs;
    if (long !== undefined && this.#longBudget <= 0)
      ready = Math.max(ready, this.#lastRefill + Math.ceil((1 - this.#longBudget) / long));
    const head = this.#queues.video[0];
    return head ? Math.min(ready, Math.ceil(head.at + this.#maxVideoQueueMs + 1)) : ready;
  }

  #nextProbe(now: number): void {
    const c = this.#probes.shift();
    if (!c) return;
    this.counters.probes++;
    this.#probe = { cluster: c, bytesLeft: c.minBytes, packetsLeft: c.minPackets, nextAt: now };
  }

  #take(): PacedPacket | undefined {
    const q = this.#queues;
    const x = q.audio.shift() ?? q.retransmission.shift() ?? q.video.shift();
    return x?.p;
  }

  #expireFrames(now: number): void {
    for (
      let head = this.#queues.video[0];
      head && now - head.at > this.#maxVideoQueueMs;
      head = this.#queues.video[0]
    )
      this.#dropFrame(head);
  }

  /** Drops every queued packet of `head`'s frame, and reports it. */
  #dropFrame(head: Queued): void {
    const { mid, frame } = head.p;
    const kept: Queued[] = [];
    const packets: PacedPacket[] = [];
    for (const x of this.#queues.video) {
      if (x.p.mid === mid && x.p.frame === frame) packets.push(x.p);
      else kept.push(x);
    }
    this.#queues.video = kept;
    this.counters.droppedFrames++;
    this.counters.droppedPackets += packets.length;
    if (this.#dropped.length < 64) this.#dropped.push({ mid, packets });
  }

  #dropOne(cls: PacedClass): void {
    this.#queues[cls].shift();
    this.counters.droppedPackets++;
    if (cls === "audio") this.counters.droppedAudioPackets++;
  }

  #refill(now: number): void {
    const last = this.#lastRefill;
    this.#lastRefill = now;
    const rate = this.#bytesPerMs;
    if (rate === undefined || last === undefined || now <= last) return;
    this.#budget = Math.min(rate * this.#burstMs, this.#budget + (now - last) * rate);
    const long = this.#longBytesPerMs;
    if (long !== undefined)
      this.#longBudget = Math.min(long * this.#allowanceMs, this.#longBudget + (now - last) * long);
  }
}
