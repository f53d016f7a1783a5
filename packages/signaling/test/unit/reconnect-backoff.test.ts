import { describe, expect, it } from "vitest";
import { reconnectDelayMs, TokenBucket, UsageError } from "../../src/index.js";
import { resolveReconnectBackoff } from "../../src/machine/reconnect-backoff.js";

describe("reconnect backoff", () => {
  it("grows exponentially to the cap, with the configured share of jitter", () => {
    const c = resolveReconnectBackoff({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 });
    expect([0, 1, 2, 3, 4, 10].map((n) => reconnectDelayMs(c, n, () => 0))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    // random → 1 gives the low end of the range: base·(1 − jitter).
    expect(reconnectDelayMs(c, 2, () => 0.999999)).toBeCloseTo(200, 3);
    expect(reconnectDelayMs(c, 2, () => 0.5)).toBe(300);
  });

  it("stops after maxAttempts and refuses nonsense", () => {
    const c = resolveReconnectBackoff({ maxAttempts: 2 });
    expect(reconnectDelayMs(c, 1, () => 0)).toBe(500);
    expect(reconnectDelayMs(c, 2, () => 0)).toBeUndefined();
    expect(() => resolveReconnectBackoff({ jitter: 2 })).toThrow(UsageError);
    expect(() => resolveReconnectBackoff({ initialDelayMs: 10, maxDelayMs: 5 })).toThrow(UsageError);
  });
});

describe("token bucket", () => {
  it("allows a burst of its capacity, then its rate; a clock going back refills nothing", () => {
    const b = new TokenBucket(2, 3, 1000);
    expect([1, 2, 3, 4].map(() => b.take(1000))).toEqual([true, true, true, false]);
    expect(b.take(1499)).toBe(false);
    expect(b.take(1500)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.take(10_000)).toBe(true);
    expect(b.available).toBe(2);
  });
});
