import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeadlineTimer } from "../../src/node/deadline-timer.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("DeadlineTimer", () => {
  it("fires once at the earliest deadline armed; a later one does not push it back; clear() stops it", () => {
    let clock = 0;
    const fired: number[] = [];
    const timer = new DeadlineTimer(
      () => fired.push(clock),
      () => clock,
    );
    const advance = (ms: number): void => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    };
    timer.arm(200);
    timer.arm(10); // earlier: re-armed
    timer.arm(500); // later: ignored (an early fire is harmless to a sans-IO machine)
    timer.arm(undefined); // nothing due: the armed timer stays
    advance(9);
    expect(fired).toEqual([]);
    advance(1);
    expect(fired).toEqual([10]);
    advance(500);
    expect(fired).toEqual([10]); // once: the later deadlines were never armed
    timer.arm(clock + 20);
    timer.clear();
    advance(100);
    expect(fired).toEqual([10]);
  });
});
