import { SeededRandom } from "./seeded-random.js";

/**
 * A seeded in-memory datagram link between two sides, itself sans-IO: datagrams go in with the time they
 * were sent and come out when due. Each datagram may be lost, duplicated, delayed by a random extra amount
 * (which reorders it), or rewritten by a tamper hook.
 */
export type Side = "a" | "b";

export interface LinkOptions {
  readonly seed: number;
  /** Probability a datagram is dropped. */
  readonly loss?: number;
  /** Probability a datagram is delivered twice. */
  readonly duplicate?: number;
  /** Probability a datagram gets an extra random delay of up to `reorderMs` (arrives after later ones). */
  readonly reorder?: number;
  readonly reorderMs?: number;
  /** One-way base delay. */
  readonly delayMs?: number;
  /** Datagrams larger than this are dropped (and counted). */
  readonly mtu?: number;
}

interface InFlight {
  readonly at: number;
  readonly order: number;
  readonly to: Side;
  readonly data: Uint8Array;
}

export class LossyLink {
  readonly #rng: SeededRandom;
  readonly #queue: InFlight[] = [];
  #order = 0;
  readonly stats = { sent: 0, lost: 0, duplicated: 0, reordered: 0, oversize: 0, delivered: 0 };
  /** Optional hook to rewrite (tamper with) or drop (return undefined) a datagram. */
  tamper: ((from: Side, data: Uint8Array) => Uint8Array | undefined) | undefined;

  constructor(readonly options: LinkOptions) {
    this.#rng = new SeededRandom(options.seed);
  }

  send(now: number, from: Side, data: Uint8Array): void {
    this.stats.sent++;
    if (data.length > (this.options.mtu ?? 65535)) {
      this.stats.oversize++;
      return;
    }
    const tampered = this.tamper === undefined ? data : this.tamper(from, data);
    if (tampered === undefined || this.#rng.next() < (this.options.loss ?? 0)) {
      this.stats.lost++;
      return;
    }
    const copies = this.#rng.next() < (this.options.duplicate ?? 0) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let at = now + (this.options.delayMs ?? 10);
      if (this.#rng.next() < (this.options.reorder ?? 0)) {
        at += this.#rng.int(this.options.reorderMs ?? 50) + 1;
        this.stats.reordered++;
      }
      this.#queue.push({ at, order: this.#order++, to: from === "a" ? "b" : "a", data: tampered.slice() });
    }
  }

  nextDeliveryAt(): number | undefined {
    let min: number | undefined;
    for (const d of this.#queue) if (min === undefined || d.at < min) min = d.at;
    return min;
  }

  /** Datagrams due at `now`, in arrival order. */
  takeDue(now: number): Array<{ to: Side; data: Uint8Array }> {
    const due = this.#queue.filter((d) => d.at <= now).sort((x, y) => x.at - y.at || x.order - y.order);
    for (const d of due) this.#queue.splice(this.#queue.indexOf(d), 1);
    this.stats.delivered += due.length;
    return due.map(({ to, data }) => ({ to, data }));
  }
}
