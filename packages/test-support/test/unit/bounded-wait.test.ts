import { afterEach, describe, expect, it, vi } from "vitest";
import { until, untilCount, withTimeout } from "../../src/bounded-wait.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("bounded waits", () => {
  it("withTimeout resolves with the promise and leaves no timer armed", async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.resolve(7), 1000, "x")).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("withTimeout rejects naming what timed out, and leaves no timer armed", async () => {
    vi.useFakeTimers();
    const p = withTimeout(new Promise(() => undefined), 1000, "the thing");
    const check = expect(p).rejects.toThrow("timed out after 1000 ms: the thing");
    await vi.advanceTimersByTimeAsync(1000);
    await check;
    expect(vi.getTimerCount()).toBe(0);
  });

  it("withTimeout passes a rejection through and clears its timer", async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.reject(new Error("boom")), 1000, "x")).rejects.toThrow("boom");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("untilCount resolves once the list is long enough and stops polling", async () => {
    vi.useFakeTimers();
    const items: number[] = [];
    const p = untilCount(items, 2, 1000, "items");
    items.push(1);
    await vi.advanceTimersByTimeAsync(20);
    items.push(2);
    await vi.advanceTimersByTimeAsync(20);
    await expect(p).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("untilCount gives up after its bound (it used to poll forever) and says how many it got", async () => {
    vi.useFakeTimers();
    const items = [1];
    const p = untilCount(items, 3, 500, "frames");
    const check = expect(p).rejects.toThrow("timed out after 500 ms: frames (3 wanted), got 1");
    await vi.advanceTimersByTimeAsync(600);
    await check;
    expect(vi.getTimerCount()).toBe(0);
  });

  it("until rejects with the condition's own error and stops", async () => {
    vi.useFakeTimers();
    let n = 0;
    const p = until(
      () => {
        if (++n === 3) throw new Error("broken condition");
        return false;
      },
      { timeoutMs: 1000, what: "x" },
    );
    const check = expect(p).rejects.toThrow("broken condition");
    await vi.advanceTimersByTimeAsync(100);
    await check;
    expect(vi.getTimerCount()).toBe(0);
  });
});
