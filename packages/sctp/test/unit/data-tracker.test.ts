import { describe, expect, it } from "vitest";
import {
  DataTracker,
  MAX_DUPLICATES,
  MAX_GAP_BLOCKS,
  TsnObservation,
} from "../../src/machine/data-tracker.js";

function blocks(t: DataTracker): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < t.gapBlockCount; i++) out.push([t.gapBlockStart(i), t.gapBlockEnd(i)]);
  return out;
}

function see(t: DataTracker, wire: number): TsnObservation {
  return t.observe(t.unwrap(wire), wire);
}

describe("data tracker (RFC 9260 §6.2, gap ack blocks §3.3.4)", () => {
  it("advances the cumulative ack on in-order TSNs, across the 2^32 wrap", () => {
    const t = new DataTracker(0xfffffffe);
    expect(see(t, 0xfffffffe)).toBe(TsnObservation.new);
    expect(see(t, 0xffffffff)).toBe(TsnObservation.new);
    expect(see(t, 0)).toBe(TsnObservation.new);
    expect(t.cumAckTsn >>> 0).toBe(0);
    expect(t.hasGaps).toBe(false);
  });

  it("reports gaps as offsets from the cumulative ack and merges them when filled", () => {
    const t = new DataTracker(100);
    see(t, 100);
    see(t, 102);
    see(t, 103);
    see(t, 106);
    expect(blocks(t)).toEqual([
      [2, 3],
      [6, 6],
    ]);
    see(t, 105);
    expect(blocks(t)).toEqual([
      [2, 3],
      [5, 6],
    ]);
    see(t, 104);
    expect(blocks(t)).toEqual([[2, 6]]);
    see(t, 101);
    expect(t.cumAckTsn).toBe(106);
    expect(t.hasGaps).toBe(false);
  });

  it("reports duplicates (below the cumulative ack and inside a block), bounded", () => {
    const t = new DataTracker(1);
    see(t, 1);
    see(t, 5);
    expect(see(t, 1)).toBe(TsnObservation.duplicate);
    expect(see(t, 5)).toBe(TsnObservation.duplicate);
    expect(t.duplicates).toEqual([1, 5]);
    for (let i = 0; i < 100; i++) see(t, 1);
    expect(t.duplicates.length).toBe(MAX_DUPLICATES);
    t.clearDuplicates();
    expect(t.duplicates).toEqual([]);
  });

  it("drops TSNs too far ahead, and TSNs that would open one gap block too many", () => {
    const t = new DataTracker(1000);
    expect(see(t, 1000 + 0x10000)).toBe(TsnObservation.outOfWindow);
    for (let i = 0; i < MAX_GAP_BLOCKS; i++) expect(see(t, 1002 + 2 * i)).toBe(TsnObservation.new);
    expect(t.gapBlockCount).toBe(MAX_GAP_BLOCKS);
    expect(see(t, 1002 + 2 * MAX_GAP_BLOCKS)).toBe(TsnObservation.outOfWindow);
    // extending an existing block is still fine
    expect(see(t, 1003)).toBe(TsnObservation.new);
  });

  it("FORWARD TSN moves the cumulative ack and absorbs the blocks it reaches (RFC 3758 §3.6)", () => {
    const t = new DataTracker(10);
    see(t, 10);
    see(t, 14);
    see(t, 15);
    see(t, 20);
    expect(t.forwardTo(t.unwrap(13))).toBe(true);
    expect(t.cumAckTsn).toBe(15);
    expect(blocks(t)).toEqual([[5, 5]]);
    expect(t.forwardTo(t.unwrap(12))).toBe(false);
    expect(t.forwardTo(t.unwrap(25))).toBe(true);
    expect(t.cumAckTsn).toBe(25);
    expect(t.hasGaps).toBe(false);
  });

  it("agrees with a naive set under random arrival orders", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    for (let round = 0; round < 50; round++) {
      const first = 0xffffff00 + round;
      const t = new DataTracker(first);
      const seen = new Set<number>();
      for (let k = 0; k < 200; k++) {
        const off = Math.floor(rnd() * 120);
        const wire = (first + off) >>> 0;
        const dup = seen.has(off);
        expect(see(t, wire)).toBe(dup ? TsnObservation.duplicate : TsnObservation.new);
        seen.add(off);
        let cum = -1;
        while (seen.has(cum + 1)) cum++;
        expect(t.cumAckTsn).toBe(first + cum);
        let gaps = 0;
        for (let i = cum + 2; i < 120; i++) if (seen.has(i) && !seen.has(i - 1)) gaps++;
        expect(t.gapBlockCount).toBe(gaps);
      }
    }
  });
});
