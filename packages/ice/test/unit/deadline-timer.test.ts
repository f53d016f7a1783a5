import { describe, expect, it } from "vitest";
import { DeadlineTimer } from "../../src/node/deadline-timer.js";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("DeadlineTimer", () => {
  it("fires once at the earliest deadline armed; a later one does not push it back; clear() stops it", async () => {
    const t0 = performance.now();
    const now = (): number => performance.now() - t0;
    const fired: number[] = [];
    const timer = new DeadlineTimer(() => fired.push(now()), now);
    timer.arm(200);
    timer.arm(10); // earlier: re-armed
    timer.arm(500); // later: ignored (an early fire is harmless to a sans-IO machine)
    timer.arm(undefined); // nothing due: the armed timer stays
    await sleep(60);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(9);
    timer.arm(20);
    timer.clear();
    await sleep(60);
    expect(fired).toHaveLength(1);
  });
});
