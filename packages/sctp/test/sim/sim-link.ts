import type { Prng } from "./prng.js";

export type Millis = number;

/**
 * What one direction of the simulated link does to the packets it carries. Every random choice draws
 * from the link's seeded `Prng`, so a run replays exactly from its seed.
 */
export interface LinkDirectionConfig {
  /** One-way propagation delay. Default 10 ms. */
  readonly delayMs?: Millis;
  /** Extra delay, uniform in [0, jitterMs], for every packet. Default 0. */
  readonly jitterMs?: Millis;
  /** Probability that a packet is held back by `reorderDelayMs` more, so that later ones overtake it. Default 0. */
  readonly reorderRate?: number;
  /** How long a reordered packet is held back. Default 5 ms. */
  readonly reorderDelayMs?: Millis;
  /** Probability that a packet is lost. Default 0. */
  readonly lossRate?: number;
  /** Probability that a packet is delivered twice (the copy with its own jitter). Default 0. */
  readonly duplicateRate?: number;
  /** Packets larger than this are dropped (the path MTU as SCTP sees it). Default Infinity. */
  readonly mtu?: number;
  /** Bottleneck rate in bytes per ms (1000 = 1 MB/s); packets queue behind each other. Default Infinity. */
  readonly bytesPerMs?: number;
  /** Drop-tail bottleneck queue, in bytes; over it a packet is dropped. Default Infinity. */
  readonly queueBytes?: number;
}

export interface LinkDirectionStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  tooBig: number;
  queueDropped: number;
  bytesDelivered: number;
}

interface InFlight {
  readonly at: Millis;
  /** Tie-break: insertion order, so equal arrival times deliver in the order they were sent. */
  readonly seq: number;
  readonly to: 0 | 1;
  readonly data: Uint8Array;
}

/** A binary min-heap of packets in flight, ordered by (arrival time, insertion order). */
class ArrivalHeap {
  readonly #items: InFlight[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): InFlight | undefined {
    return this.#items[0];
  }

  push(x: InFlight): void {
    const a = this.#items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as InFlight;
      if (!before(x, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = x;
  }

  pop(): InFlight | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && before(a[r] as InFlight, a[l] as InFlight) ? r : l;
      if (!before(a[c] as InFlight, last)) break;
      a[i] = a[c] as InFlight;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function before(x: InFlight, y: InFlight): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

/**
 * A seeded point-to-point link between endpoint 0 and endpoint 1, one config per direction: delay,
 * jitter (reordering), loss, duplication, MTU, and an optional bottleneck with a drop-tail queue. It is
 * sans-IO itself: `send(now, from, data)` in, `popDue(now)` out, `nextArrivalAt()` for the driver.
 *
 * A delivered packet is a packet the receiver owns (the association may keep views into it), so a
 * duplicate is delivered as its own copy.
 */
export class SimLink {
  readonly #prng: Prng;
  readonly #config: [LinkDirectionConfig, LinkDirectionConfig];
  readonly #heap = new ArrivalHeap();
  readonly #busyUntil: [Millis, Millis] = [0, 0];
  #seq = 0;
  /** stats[0]: packets sent by endpoint 0 (towards 1); stats[1]: the other way. */
  readonly stats: [LinkDirectionStats, LinkDirectionStats] = [emptyStats(), emptyStats()];
  /** When set, called on each packet sent; return false to drop it (a test's own filter). */
  filter: ((from: 0 | 1, data: Uint8Array) => boolean) | undefined;

  constructor(prng: Prng, aToB: LinkDirectionConfig = {}, bToA: LinkDirectionConfig = aToB) {
    this.#prng = prng;
    this.#config = [aToB, bToA];
  }

  /** Replace one direction's behaviour from now on (packets already in flight keep their fate). */
  configure(from: 0 | 1, config: LinkDirectionConfig): void {
    this.#config[from] = config;
  }

  get inFlight(): number {
    return this.#heap.size;
  }

  send(now: Millis, from: 0 | 1, data: Uint8Array): void {
    const c = this.#config[from];
    const s = this.stats[from];
    s.sent++;
    if (this.filter !== undefined && !this.filter(from, data)) {
      s.lost++;
      return;
    }
    if (data.length > (c.mtu ?? Number.POSITIVE_INFINITY)) {
      s.tooBig++;
      return;
    }
    let departure = now;
    const rate = c.bytesPerMs ?? Number.POSITIVE_INFINITY;
    if (rate !== Number.POSITIVE_INFINITY) {
      const queued = Math.max(0, this.#busyUntil[from] - now) * rate;
      if (queued + data.length > (c.queueBytes ?? Number.POSITIVE_INFINITY)) {
        s.queueDropped++;
        return;
      }
      departure = Math.max(now, this.#busyUntil[from]) + data.length / rate;
      this.#busyUntil[from] = departure;
    }
    if (this.#prng.chance(c.lossRate ?? 0)) {
      s.lost++;
      return;
    }
    const to: 0 | 1 = from === 0 ? 1 : 0;
    this.#schedule(departure, c, to, data, s);
    if (this.#prng.chance(c.duplicateRate ?? 0)) {
      s.duplicated++;
      this.#schedule(departure, c, to, data.slice(), s);
    }
  }

  #schedule(
    departure: Millis,
    c: LinkDirectionConfig,
    to: 0 | 1,
    data: Uint8Array,
    s: LinkDirectionStats,
  ): void {
    const jitter = c.jitterMs ?? 0;
    let at = departure + (c.delayMs ?? 10) + (jitter > 0 ? this.#prng.next() * jitter : 0);
    if (this.#prng.chance(c.reorderRate ?? 0)) {
      s.reordered++;
      at += c.reorderDelayMs ?? 5;
    }
    this.#heap.push({ at, seq: this.#seq++, to, data });
  }

  nextArrivalAt(): Millis | undefined {
    return this.#heap.peek()?.at;
  }

  /** The next packet due at or before `now`, or undefined. */
  popDue(now: Millis): { readonly to: 0 | 1; readonly data: Uint8Array } | undefined {
    const top = this.#heap.peek();
    if (top === undefined || top.at > now) return undefined;
    this.#heap.pop();
    const s = this.stats[top.to === 1 ? 0 : 1];
    s.delivered++;
    s.bytesDelivered += top.data.length;
    return top;
  }
}

function emptyStats(): LinkDirectionStats {
  return {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    tooBig: 0,
    queueDropped: 0,
    bytesDelivered: 0,
  };
}
