import { UsageError } from "../wire/decoded.js";
import type { Millis } from "../wire/rtp-clock.js";
import { SequenceUnwrapper } from "./sequence-unwrapper.js";

export interface NackGeneratorOptions {
  /** NACKs sent for one packet before giving it up */
  readonly maxRetries?: number;
  /** a packet missing for longer than this is given up (should not exceed the jitter buffer's latency) */
  readonly maxAgeMs?: Millis;
  /** missing packets tracked at most; a larger gap is given up at once and a keyframe asked for */
  readonly maxMissing?: number;
  /** wait this long after noticing a gap before the first NACK, in case the packet is only reordered */
  readonly reorderDelayMs?: Millis;
  /** resend interval before an RTT is known (then max(rtt, minRetryIntervalMs)) */
  readonly initialRttMs?: Millis;
  readonly minRetryIntervalMs?: Millis;
}

export type NackGeneratorEvent =
  /** send a Generic NACK (RFC 4585 §6.2.1) for these 16-bit sequence numbers */
  | { readonly kind: "nack"; readonly lost: readonly number[] }
  /** these were never repaired and are no longer asked for */
  | {
      readonly kind: "gave-up";
      readonly lost: readonly number[];
      readonly reason: "retries" | "age" | "overflow";
    }
  /** a gap too large to repair: ask for a keyframe (PLI) instead */
  | { readonly kind: "keyframe-request" };

export interface NackGeneratorCounters {
  recovered: number;
  lateOrDuplicate: number;
  nacked: number;
  gaveUpRetries: number;
  gaveUpAge: number;
  gaveUpOverflow: number;
}

interface Missing {
  readonly since: Millis;
  sends: number;
  due: Millis;
}

/**
 * Decides which packets of one stream to ask for again (RFC 4585 §3.6.1, generic NACK): every
 * sequence number skipped by a newer arrival is missing; after `reorderDelayMs` it is NACKed, then
 * again every max(RTT, `minRetryIntervalMs`) up to `maxRetries` times, unless it arrives, it has been
 * missing `maxAgeMs`, or more than `maxMissing` are outstanding (oldest given up first).
 *
 * Sans-IO: `handlePacket(now, seq)`, `handleRtt(ms)`, `handleTimeout(now)`, then `pollEvent()` and
 * `pollTimeout()`. NACKs due together leave as one event, to become one RTCP packet.
 */
export class NackGenerator {
  readonly counters: NackGeneratorCounters = {
    recovered: 0,
    lateOrDuplicate: 0,
    nacked: 0,
    gaveUpRetries: 0,
    gaveUpAge: 0,
    gaveUpOverflow: 0,
  };
  readonly #maxRetries: number;
  readonly #maxAgeMs: Millis;
  readonly #maxMissing: number;
  readonly #reorderDelayMs: Millis;
  readonly #minRetryMs: Millis;
  #rttMs: Millis;
  readonly #unwrapper = new SequenceUnwrapper();
  readonly #missing = new Map<number, Missing>();
  readonly #events: NackGeneratorEvent[] = [];
  #highest: number | undefined;

  constructor(o: NackGeneratorOptions = {}) {
    this.#maxRetries = o.maxRetries ?? 10;
    this.#maxAgeMs = o.maxAgeMs ?? 1000;
    this.#maxMissing = o.maxMissing ?? 1000;
    this.#reorderDelayMs = o.reorderDelayMs ?? 0;
    this.#rttMs = o.initialRttMs ?? 100;
    this.#minRetryMs = o.minRetryIntervalMs ?? 20;
    if (this.#maxMissing < 1 || this.#maxRetries < 1)
      throw new UsageError("maxMissing and maxRetries must be ≥ 1");
  }

  /** Sequence numbers currently missing (extended). */
  get missing(): readonly number[] {
    return [...this.#missing.keys()];
  }

  handleRtt(rttMs: Millis): void {
    if (rttMs >= 0 && Number.isFinite(rttMs)) this.#rttMs = rttMs;
  }

  handlePacket(now: Millis, sequenceNumber: number): void {
    const ext = this.#unwrapper.unwrap(sequenceNumber);
    if (this.#highest === undefined) {
      this.#highest = ext;
    } else if (ext > this.#highest) {
      const gap = ext - this.#highest - 1;
      if (gap > this.#maxMissing) {
        this.#giveUp([...this.#missing.keys()], "overflow");
        this.counters.gaveUpOverflow += gap;
        this.#events.push({ kind: "keyframe-request" });
      } else {
        for (let s = this.#highest + 1; s < ext; s++) {
          this.#missing.set(s, { since: now, sends: 0, due: now + this.#reorderDelayMs });
        }
        const excess = this.#missing.size - this.#maxMissing;
        if (excess > 0) this.#giveUp([...this.#missing.keys()].slice(0, excess), "overflow");
      }
      this.#highest = ext;
    } else if (this.#missing.delete(ext)) {
      this.counters.recovered++;
    } else {
      this.counters.lateOrDuplicate++;
    }
    this.#sendDue(now);
  }

  handleTimeout(now: Millis): void {
    this.#sendDue(now);
  }

  pollEvent(): NackGeneratorEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    let t: Millis | undefined;
    for (const m of this.#missing.values()) {
      const d = Math.min(m.due, m.since + this.#maxAgeMs);
      if (t === undefined || d < t) t = d;
    }
    return t;
  }

  #sendDue(now: Millis): void {
    // Nothing missing (a clean path, every packet): no arrays, no iterator.
    if (this.#missing.size === 0) return;
    const lost: number[] = [];
    const tooOld: number[] = [];
    const exhausted: number[] = [];
    const interval = Math.max(this.#rttMs, this.#minRetryMs);
    for (const [s, m] of this.#missing) {
      if (now >= m.since + this.#maxAgeMs) {
        tooOld.push(s);
      } else if (now >= m.due) {
        if (m.sends >= this.#maxRetries) {
          exhausted.push(s);
        } else {
          m.sends++;
          m.due = now + interval;
          lost.push(s & 0xffff);
        }
      }
    }
    if (tooOld.length > 0) this.#giveUp(tooOld, "age");
    if (exhausted.length > 0) this.#giveUp(exhausted, "retries");
    if (lost.length > 0) {
      this.counters.nacked += lost.length;
      this.#events.push({ kind: "nack", lost });
    }
  }

  #giveUp(exts: readonly number[], reason: "retries" | "age" | "overflow"): void {
    if (exts.length === 0) return;
    for (const s of exts) this.#missing.delete(s);
    if (reason === "retries") this.counters.gaveUpRetries += exts.length;
    else if (reason === "age") this.counters.gaveUpAge += exts.length;
    else this.counters.gaveUpOverflow += exts.length;
    this.#events.push({ kind: "gave-up", lost: exts.map((s) => s & 0xffff), reason });
  }
}
