import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayWindow } from "../../src/machine/replay-window.js";

/** The obvious model: a set of every accepted index and the highest one. */
class ModelWindow {
  readonly seen = new Set<number>();
  top = -1;
  constructor(readonly size: number) {}
  check(i: number): string {
    if (i > this.top) return "ok";
    if (this.top - i >= this.size) return "too-old";
    return this.seen.has(i) ? "duplicate" : "ok";
  }
  accept(i: number): void {
    if (i <= this.top && this.top - i >= this.size) return;
    this.seen.add(i);
    if (i > this.top) this.top = i;
  }
}

describe("ReplayWindow agrees with a set-based model", () => {
  it("for random walks of accepts and checks, any size, any base", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 64, 128, 1024),
        fc.constantFrom(0, 2 ** 31 - 50, 2 ** 32 - 100, 2 ** 48 - 5000),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -1100, max: 1200 })), { maxLength: 300 }),
        (size, base, steps) => {
          const w = new ReplayWindow(size);
          const m = new ModelWindow(size);
          let cursor = 1200;
          for (const [doAccept, delta] of steps) {
            const i = base + Math.max(0, cursor + delta);
            expect(w.check(i)).toBe(m.check(i));
            if (doAccept) {
              w.accept(i);
              m.accept(i);
              cursor = Math.max(cursor, i - base);
            }
          }
          for (let i = Math.max(0, m.top - size - 2); i <= m.top + 1; i++)
            expect(w.check(i)).toBe(m.check(i));
        },
      ),
      { numRuns: 200 },
    );
  });
});
