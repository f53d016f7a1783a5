import type { Prng } from "./prng.js";

/**
 * A bottleneck link for the simulated network: a rate (bits per second, changed in steps with
 * `setBitrate`), a drop-tail queue holding at most `queueMs` of the link's time, and cross traffic that
 * competes for it (constant bit rate, or Poisson arrivals drawn from the seeded PRNG). What a congestion
 * controller meets on a real path: past the rate, delay grows by the queue, then packets are dropped.
 *
 * Sans-IO like the rest of the simulation: `admit(now, bytes)` says when a packet arriving at `now`
 * leaves the link (its last bit), or undefined when the queue is full. Cross traffic arriving before
 * `now` is admitted first, in time order, so it takes its share of the queue. Put one on a link with a
 * `LinkRule`'s `bottleneck` (several rules may share one: flows sharing a bottleneck).
 */
export interface CrossTraffic {
  readonly bitrateBps: number;
  /** octets per cross-traffic packet (default 1200) */
  readonly packetBytes?: number;
  /** active in [fromMs, untilMs) (default always) */
  readonly fromMs?: number;
  readonly untilMs?: number;
  /** exponential inter-arrival times (seeded) instead of a constant spacing */
  readonly poisson?: boolean;
}

export interface BottleneckOptions {
  readonly bitrateBps: number;
  /** the queue: a packet that would wait longer than this (ms) is dropped (drop-tail) */
  readonly queueMs: number;
  readonly crossTraffic?: readonly CrossTraffic[];
  /** octets counted per packet on top of its UDP payload (e.g. 28 for IPv4 + UDP); default 0 */
  readonly overheadBytes?: number;
}

export interface BottleneckCounters {
  forwarded: number;
  forwardedBytes: number;
  dropped: number;
  crossForwarded: number;
  crossDropped: number;
}

interface CrossState {
  readonly spec: CrossTraffic;
  nextAt: number;
}

export class Bottleneck {
  readonly counters: BottleneckCounters = {
    forwarded: 0,
    forwardedBytes: 0,
    dropped: 0,
    crossForwarded: 0,
    crossDropped: 0,
  };
  #bitrateBps: number;
  readonly #queueMs: number;
  readonly #overhead: number;
  /** when the link has sent everything admitted so far */
  #busyUntil = 0;
  readonly #cross: CrossState[];
  readonly #prng: Prng | undefined;

  constructor(o: BottleneckOptions, prng?: Prng) {
    if (!(o.bitrateBps > 0) || !(o.queueMs >= 0))
      throw new RangeError("bottleneck: bitrateBps > 0, queueMs ≥ 0");
    this.#bitrateBps = o.bitrateBps;
    this.#queueMs = o.queueMs;
    this.#overhead = o.overheadBytes ?? 0;
    this.#prng = prng;
    this.#cross = (o.crossTraffic ?? []).map((spec) => {
      if (spec.poisson && !prng) throw new RangeError("bottleneck: Poisson cross traffic needs a Prng");
      return { spec, nextAt: spec.fromMs ?? 0 };
    });
  }

  get bitrateBps(): number {
    return this.#bitrateBps;
  }

  /** A step: the link runs at `bps` from `now` on (what is queued drains at the new rate). */
  setBitrate(now: number, bps: number): void {
    if (!(bps > 0)) throw new RangeError("bottleneck: bitrate must be > 0");
    this.#admitCross(now);
    const remainingMs = Math.max(0, this.#busyUntil - now);
    this.#busyUntil = now + (remainingMs * this.#bitrateBps) / bps;
    this.#bitrateBps = bps;
  }

  /** How long (ms) a packet arriving at `now` would wait before the link starts sending it. */
  queueDelayMs(now: number): number {
    this.#admitCross(now);
    return Math.max(0, this.#busyUntil - now);
  }

  /** When a packet of `bytes` arriving at `now` has left the link; undefined: dropped, the queue is full. */
  admit(now: number, bytes: number): number | undefined {
    this.#admitCross(now);
    const done = this.#enqueue(now, bytes);
    if (done === undefined) this.counters.dropped++;
    else {
      this.counters.forwarded++;
      this.counters.forwardedBytes += bytes;
    }
    return done;
  }

  #enqueue(now: number, bytes: number): number | undefined {
    const wait = Math.max(0, this.#busyUntil - now);
    if (wait > this.#queueMs) return undefined;
    this.#busyUntil = Math.max(this.#busyUntil, now) + ((bytes + this.#overhead) * 8000) / this.#bitrateBps;
    return this.#busyUntil;
  }

  /** Cross-traffic packets that arrived up to `now`, in time order. */
  #admitCross(now: number): void {
    for (;;) {
      let next: CrossState | undefined;
      for (const c of this.#cross) if (c.nextAt <= now && (!next || c.nextAt < next.nextAt)) next = c;
      if (!next) return;
      const s = next.spec;
      const until = s.untilMs ?? Number.POSITIVE_INFINITY;
      if (next.nextAt >= until) {
        next.nextAt = Number.POSITIVE_INFINITY;
        continue;
      }
      const bytes = s.packetBytes ?? 1200;
      if (this.#enqueue(next.nextAt, bytes) === undefined) this.counters.crossDropped++;
      else this.counters.crossForwarded++;
      const spacing = (bytes * 8000) / s.bitrateBps;
      next.nextAt += s.poisson ? -Math.log(1 - (this.#prng as Prng).next()) * spacing : spacing;
    }
  }
}
