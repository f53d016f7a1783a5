import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Pacer } from "../../src/machine/pacer.js";

const packet = (n: number, id: number): Uint8Array => new Uint8Array(n).fill(id & 0xff);

/** Drives the pacer like the adapter: enqueue at their times, poll at every pollTimeout; [time, packet]. */
function run(p: Pacer, arrivals: readonly [number, Uint8Array][], until: number): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  let i = 0;
  let now = 0;
  while (now <= until) {
    while (i < arrivals.length && (arrivals[i]?.[0] ?? Infinity) <= now) {
      p.enqueue(now, arrivals[i]?.[1] as Uint8Array);
      i++;
    }
    for (let x = p.poll(now); x; x = p.poll(now)) out.push([now, x]);
    const next = Math.min(p.pollTimeout() ?? Infinity, arrivals[i]?.[0] ?? Infinity);
    if (next === Infinity) break;
    now = Math.max(now + (next <= now ? 1 : 0), next);
  }
  return out;
}

describe("Pacer (token bucket)", () => {
  it("lets a quiet sender's first packet go at once, then spreads a burst at the rate", () => {
    const p = new Pacer({ bitrateBps: 800_000 }); // 100 bytes/ms, 1000-byte burst
    const burst = Array.from({ length: 20 }, (_, k) => [0, packet(1000, k)] as [number, Uint8Array]);
    const out = run(p, burst, 10_000);
    expect(out.map(([, x]) => x[0])).toEqual(burst.map(([, x]) => x[0])); // in order, none lost
    expect(out[0]?.[0]).toBe(0);
    // 20 000 bytes at 100 bytes/ms: the last leaves after ≈ 190 ms (the first 1 000 were the burst)
    const last = out[out.length - 1]?.[0] ?? 0;
    expect(last).toBeGreaterThanOrEqual(180);
    expect(last).toBeLessThanOrEqual(200);
    expect(p.counters.delayed).toBe(19);
    expect(p.pollTimeout()).toBeUndefined();
  });

  it("property: in any window, bytes out ≤ rate × window + burst + one packet; everything leaves in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8_000, max: 5_000_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 1500 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (bps, raw) => {
          const arrivals = raw
            .map(([t, n], k) => [t, packet(n, k)] as [number, Uint8Array])
            .sort((x, y) => x[0] - y[0]);
          const p = new Pacer({ bitrateBps: bps, maxQueueMs: 1_000_000 });
          const out = run(p, arrivals, 10_000_000);
          expect(out.map(([, x]) => x)).toEqual(arrivals.map(([, x]) => x));
          const perMs = bps / 8000;
          for (let i = 0; i < out.length; i++) {
            let sum = 0;
            for (let j = i; j < out.length; j++) {
              sum += out[j]?.[1].length ?? 0;
              const span = (out[j]?.[0] ?? 0) - (out[i]?.[0] ?? 0);
              expect(sum).toBeLessThanOrEqual(
                perMs * span + perMs * 10 + 1500 + 1e-6 + (out[j]?.[1].length ?? 0),
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("drops the oldest when more than maxQueueMs waits, and counts it", () => {
    const p = new Pacer({ bitrateBps: 8_000, maxQueueMs: 1000 }); // 1 byte/ms: at most ~1000 bytes queued
    for (let k = 0; k < 10; k++) p.enqueue(0, packet(300, k));
    expect(p.counters.dropped).toBeGreaterThan(0);
    expect(p.size).toBeLessThanOrEqual(4);
    const first = p.poll(0);
    expect(first?.[0]).toBe(10 - p.size - 1); // the newest survive, in order
  });

  it("refuses a rate below 8 kbit/s", () => {
    expect(() => new Pacer({ bitrateBps: 100 })).toThrow(RangeError);
  });
});
