/**
 * A send-side pacer: media packets leave at most at a configured bitrate instead of in the burst the
 * packetizer makes of a frame (a keyframe can be tens of packets at once), so a bottleneck queue on the
 * path does not overflow — the role of libwebrtc's paced sender and of draft-ietf-rmcat pacing, with the
 * simplest policy: a token bucket. Sans-IO: `enqueue(now, packet)`, then `poll(now)` until undefined, and
 * come back at `pollTimeout()`.
 *
 * The bucket holds at most `burstMs` worth of bytes (and always lets one whole packet through when full),
 * so a sender that was quiet may send that much at once; after that, bytes leave at `bitrateBps`. Packets
 * queue in order; a queue longer than `maxQueueMs` worth of bytes drops its oldest (counted): pacing that
 * falls that far behind means the bitrate is below what is being sent.
 */
export interface PacerOptions {
  /** bits per second packets may leave at */
  readonly bitrateBps: number;
  /** the most a quiet sender may send at once, in ms of `bitrateBps`; default 10 ms */
  readonly burstMs?: number;
  /** the most queued, in ms of `bitrateBps`, before the oldest packets are dropped; default 2000 ms */
  readonly maxQueueMs?: number;
}

export interface PacerCounters {
  /** packets that waited in the queue rather than leaving at once */
  delayed: number;
  /** packets dropped because the queue held more than `maxQueueMs` */
  dropped: number;
}

export class Pacer {
  readonly counters: PacerCounters = { delayed: 0, dropped: 0 };
  readonly #bytesPerMs: number;
  readonly #burstBytes: number;
  readonly #maxQueueBytes: number;
  readonly #queue: Uint8Array[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** bytes that may leave now (negative: the last packet overdrew the bucket) */
  #budget: number;
  #lastRefill: number | undefined;

  constructor(o: PacerOptions) {
    if (!(o.bitrateBps >= 8000 && Number.isFinite(o.bitrateBps))) {
      throw new RangeError("bitrateBps must be at least 8000");
    }
    this.#bytesPerMs = o.bitrateBps / 8000;
    this.#burstBytes = this.#bytesPerMs * (o.burstMs ?? 10);
    this.#maxQueueBytes = this.#bytesPerMs * (o.maxQueueMs ?? 2000);
    this.#budget = this.#burstBytes;
  }

  /** Packets waiting. */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  enqueue(now: number, packet: Uint8Array): void {
    this.#refill(now);
    if (this.size === 0 && this.#budget > 0) {
      // Leaves at once (poll hands it out first): not "delayed".
      this.#push(packet);
      return;
    }
    this.counters.delayed++;
    this.#push(packet);
    while (this.#queuedBytes > this.#maxQueueBytes && this.size > 1) {
      const old = this.#queue[this.#head] as Uint8Array;
      this.#queue[this.#head++] = EMPTY;
      this.#queuedBytes -= old.length;
      this.counters.dropped++;
    }
  }

  /** The next packet that may leave now. */
  poll(now: number): Uint8Array | undefined {
    if (this.size === 0) return undefined;
    this.#refill(now);
    if (this.#budget <= 0) return undefined;
    const p = this.#queue[this.#head] as Uint8Array;
    this.#queue[this.#head++] = EMPTY;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    this.#queuedBytes -= p.length;
    this.#budget -= p.length;
    return p;
  }

  /** When the next queued packet may leave; undefined when nothing waits. */
  pollTimeout(): number | undefined {
    if (this.size === 0 || this.#lastRefill === undefined) return undefined;
    if (this.#budget > 0) return this.#lastRefill;
    return this.#lastRefill + Math.ceil((1 - this.#budget) / this.#bytesPerMs);
  }

  #push(packet: Uint8Array): void {
    this.#queue.push(packet);
    this.#queuedBytes += packet.length;
  }

  #refill(now: number): void {
    const last = this.#lastRefill;
    this.#lastRefill = now;
    if (last === undefined || now <= last) return;
    this.#budget = Math.min(this.#burstBytes, this.#budget + (now - last) * this.#bytesPerMs);
  }
}

const EMPTY = new Uint8Array(0);
