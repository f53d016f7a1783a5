import { unwrap32 } from "./serial-number.js";

/** What `DataTracker.observe` made of one received TSN. */
export const TsnObservation = {
  /** A TSN not seen before: keep the chunk. */
  new: 0,
  /** Already received (at or below the cumulative ack, or inside a gap block): report as duplicate. */
  duplicate: 1,
  /** Too far ahead to track (past what gap blocks can express, or too many gap blocks): drop it. */
  outOfWindow: 2,
} as const;
export type TsnObservation = (typeof TsnObservation)[keyof typeof TsnObservation];

/** Gap block offsets are 16 bits (RFC 9260 §3.3.4): nothing further than this past the cumulative ack is tracked. */
const MAX_TSN_AHEAD = 0xffff;
/** Gap blocks a SACK reports at most; a TSN that would open one more is dropped (the peer resends it). */
export const MAX_GAP_BLOCKS = 64;
/** Duplicate TSNs a SACK reports at most (RFC 9260 §3.3.4 lets us report a subset). */
export const MAX_DUPLICATES = 32;

/**
 * The receive side's TSN bookkeeping (RFC 9260 §6.2, §6.7): the Cumulative TSN Ack Point, the TSNs
 * received above it as disjoint ranges (the gap ack blocks), the duplicates to report in the next SACK.
 * TSNs are unwrapped (see serial-number.ts); ranges are a flat `[start0, end0, start1, end1, …]` list,
 * ascending, each start above `cumAckTsn + 1`.
 */
export class DataTracker {
  #cumAckTsn: number;
  readonly #ranges: number[] = [];
  readonly #duplicates: number[] = [];

  /** `peerInitialTsn`: the Initial TSN of the peer's INIT / INIT ACK (wire value). */
  constructor(peerInitialTsn: number) {
    this.#cumAckTsn = peerInitialTsn - 1;
  }

  /** The Cumulative TSN Ack Point, unwrapped. */
  get cumAckTsn(): number {
    return this.#cumAckTsn;
  }

  /** The highest TSN received (unwrapped). */
  get highestReceivedTsn(): number {
    const r = this.#ranges;
    return r.length === 0 ? this.#cumAckTsn : (r[r.length - 1] as number);
  }

  /** Whether some TSNs above the cumulative ack are missing (the SACK will carry gap blocks). */
  get hasGaps(): boolean {
    return this.#ranges.length !== 0;
  }

  get gapBlockCount(): number {
    return this.#ranges.length >> 1;
  }

  /** Gap block i as offsets from the cumulative ack (RFC 9260 §3.3.4 "Gap Ack Block Start/End"). */
  gapBlockStart(i: number): number {
    return (this.#ranges[2 * i] as number) - this.#cumAckTsn;
  }

  gapBlockEnd(i: number): number {
    return (this.#ranges[2 * i + 1] as number) - this.#cumAckTsn;
  }

  /** Duplicate TSNs (wire values) since the last `takeDuplicates`. */
  get duplicates(): readonly number[] {
    return this.#duplicates;
  }

  clearDuplicates(): void {
    this.#duplicates.length = 0;
  }

  /** The unwrapped value of a received wire TSN. */
  unwrap(wireTsn: number): number {
    return unwrap32(this.#cumAckTsn, wireTsn);
  }

  /** Whether `tsn` (unwrapped) would be new and would move the cumulative ack (RFC 9260 §6.2 window 0). */
  advancesCumAck(tsn: number): boolean {
    return tsn === this.#cumAckTsn + 1;
  }

  /** Whether `tsn` (unwrapped) is new and below the highest TSN received (fills a gap). */
  fillsGap(tsn: number): boolean {
    return tsn > this.#cumAckTsn && tsn < this.highestReceivedTsn && !this.#contains(tsn);
  }

  /** Records one received DATA / I-DATA TSN (unwrapped). */
  observe(tsn: number, wireTsn: number): TsnObservation {
    const cum = this.#cumAckTsn;
    if (tsn <= cum) return this.#duplicate(wireTsn);
    if (tsn - cum > MAX_TSN_AHEAD) return TsnObservation.outOfWindow;
    const r = this.#ranges;
    if (tsn === cum + 1) {
      this.#cumAckTsn = tsn;
      if (r.length !== 0 && r[0] === tsn + 1) {
        this.#cumAckTsn = r[1] as number;
        r.splice(0, 2);
      }
      return TsnObservation.new;
    }
    // Most arrivals extend the last range: search from the end.
    let i = r.length - 2;
    while (i >= 0 && (r[i] as number) > tsn) i -= 2;
    // Now r[i] <= tsn (or i < 0) and r[i + 2] > tsn.
    if (i >= 0) {
      const end = r[i + 1] as number;
      if (tsn <= end) return this.#duplicate(wireTsn);
      if (tsn === end + 1) {
        r[i + 1] = tsn;
        if (i + 2 < r.length && r[i + 2] === tsn + 1) {
          r[i + 1] = r[i + 3] as number;
          r.splice(i + 2, 2);
        }
        return TsnObservation.new;
      }
    }
    const next = i + 2;
    if (next < r.length && r[next] === tsn + 1) {
      r[next] = tsn;
      return TsnObservation.new;
    }
    if (r.length >= 2 * MAX_GAP_BLOCKS) return TsnObservation.outOfWindow;
    r.splice(next, 0, tsn, tsn);
    return TsnObservation.new;
  }

  #duplicate(wireTsn: number): TsnObservation {
    if (this.#duplicates.length < MAX_DUPLICATES) this.#duplicates.push(wireTsn);
    return TsnObservation.duplicate;
  }

  #contains(tsn: number): boolean {
    const r = this.#ranges;
    for (let i = 0; i < r.length; i += 2) {
      if (tsn < (r[i] as number)) return false;
      if (tsn <= (r[i + 1] as number)) return true;
    }
    return false;
  }

  /**
   * RFC 3758 §3.6: move the cumulative ack to the FORWARD TSN's New Cumulative TSN (unwrapped), as if
   * every TSN up to it had arrived, then absorb the ranges it reaches. Returns false if it is not ahead.
   */
  forwardTo(newCumTsn: number): boolean {
    if (newCumTsn <= this.#cumAckTsn) return false;
    if (newCumTsn - this.#cumAckTsn > MAX_TSN_AHEAD) return false;
    this.#cumAckTsn = newCumTsn;
    const r = this.#ranges;
    let drop = 0;
    while (drop < r.length && (r[drop] as number) <= this.#cumAckTsn + 1) {
      if ((r[drop + 1] as number) > this.#cumAckTsn) this.#cumAckTsn = r[drop + 1] as number;
      drop += 2;
    }
    if (drop > 0) r.splice(0, drop);
    return true;
  }
}
