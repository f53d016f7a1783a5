import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prng } from "./prng.js";
import { pattern, SctpPair, sameBytes } from "./sctp-pair.js";

/**
 * Random sessions: link, options and traffic drawn by fast-check (each run replays from its seed).
 * Whatever the draw: reliable messages arrive exactly once, intact, in order where ordered; partially
 * reliable ones at most once; both sides end with nothing held; no internal error.
 */
describe("random sessions (fast-check over the simulation)", () => {
  it("hold the delivery guarantees under any link and traffic mix", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.record({
          delayMs: fc.integer({ min: 1, max: 80 }),
          jitterMs: fc.integer({ min: 0, max: 5 }),
          lossRate: fc.constantFrom(0, 0.01, 0.05, 0.15),
          duplicateRate: fc.constantFrom(0, 0.05),
          reorderRate: fc.constantFrom(0, 0.05),
        }),
        fc.record({
          iDataA: fc.boolean(),
          iDataB: fc.boolean(),
          zeroA: fc.boolean(),
          zeroB: fc.boolean(),
          mtu: fc.constantFrom(300, 1200, 1400),
          window: fc.constantFrom(16 * 1024, 128 * 1024, 1 << 20),
        }),
        fc.integer({ min: 5, max: 60 }),
        (seed, link, o, count) => {
          const maxMessage = Math.min(200_000, o.window);
          const pair = new SctpPair({
            seed,
            link: { ...link, mtu: o.mtu },
            a: { announceIData: o.iDataA, zeroChecksum: o.zeroA, mtu: o.mtu, maxSendMessageSize: maxMessage },
            b: {
              announceIData: o.iDataB,
              zeroChecksum: o.zeroB,
              mtu: o.mtu,
              receiveWindowBytes: o.window,
              maxReceiveMessageSize: maxMessage,
            },
          });
          pair.connectBoth({ maxSteps: 20_000, maxTimeMs: 600_000 });
          const r = new Prng(seed ^ 0x5bd1e995);
          const plan: { id: number; stream: number; size: number; unordered: boolean; reliable: boolean }[] =
            [];
          for (let id = 0; id < count; id++) {
            const reliable = r.chance(0.8);
            plan.push({
              id,
              stream: r.int(0, 3),
              size: r.int(1, r.chance(0.2) ? maxMessage : 3000),
              unordered: r.chance(0.3),
              reliable,
            });
          }
          // Traffic the other way too (checked for integrity only), and partial reliability by count or time.
          let back = 0;
          for (const m of plan) {
            const pr = r.chance(0.5)
              ? { maxRetransmits: r.int(0, 2) }
              : { maxPacketLifeTimeMs: r.int(10, 500) };
            pair.send(
              pair.a,
              m.stream,
              pattern(m.id, m.size),
              m.reliable ? { unordered: m.unordered } : { unordered: m.unordered, ...pr },
              m.id,
            );
            if (r.chance(0.3)) {
              pair.send(pair.b, r.int(0, 3), pattern(1000 + back, r.int(1, 5000)), undefined, 1000 + back);
              back++;
            }
            if (r.chance(0.3)) pair.runFor(r.int(1, 50));
          }
          const reliableIds = new Set(plan.filter((m) => m.reliable).map((m) => m.id));
          pair.runUntil(
            () => pair.b.messages.filter((m) => reliableIds.has(m.ppid)).length === reliableIds.size,
            {
              maxSteps: 200_000,
              maxTimeMs: 3_600_000,
            },
          );
          pair.runUntil(() => pair.a.messages.length === back, { maxSteps: 200_000, maxTimeMs: 3_600_000 });
          for (const m of pair.a.messages)
            expect(sameBytes(m.data, pattern(m.ppid, m.data.length))).toBe(true);
          pair.a.endpoint.shutdown(pair.now);
          pair.driver.flush();
          pair.runUntil(() => pair.a.has("closed") && pair.b.has("closed"), {
            maxSteps: 100_000,
            maxTimeMs: 3_600_000,
          });
          const seen = new Set<number>();
          const last = new Map<number, number>();
          for (const m of pair.b.messages) {
            const p = plan[m.ppid];
            expect(p).toBeDefined();
            if (p === undefined) continue;
            expect(seen.has(p.id)).toBe(false);
            seen.add(p.id);
            expect(sameBytes(m.data, pattern(p.id, p.size))).toBe(true);
            if (!p.unordered && p.reliable) {
              expect(p.id).toBeGreaterThan(last.get(p.stream) ?? -1);
              last.set(p.stream, p.id);
            }
          }
          for (const id of reliableIds) expect(seen.has(id)).toBe(true);
          for (const side of [pair.a, pair.b]) {
            expect(side.endpoint.counters["internal-error"]).toBeUndefined();
            expect(side.event("closed")?.reason).toBe("shutdown");
          }
        },
      ),
      { numRuns: 25, seed: 4242 },
    );
  });
});
