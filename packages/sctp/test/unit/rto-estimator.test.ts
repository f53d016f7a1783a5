import { describe, expect, it } from "vitest";
import { RtoEstimator } from "../../src/machine/rto-estimator.js";

describe("RTO estimator (RFC 9260 §6.3.1)", () => {
  it("starts at RTO.Initial", () => {
    expect(new RtoEstimator().rtoMs).toBe(1000);
  });

  it("C2: first measurement sets SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR", () => {
    const r = new RtoEstimator({ initialMs: 1000, minMs: 10, maxMs: 60_000 });
    r.observe(100);
    expect(r.srttMs).toBe(100);
    expect(r.rttvarMs).toBe(50);
    expect(r.rtoMs).toBe(300);
  });

  it("C3: later measurements smooth with alpha 1/8, beta 1/4", () => {
    const r = new RtoEstimator({ initialMs: 1000, minMs: 10, maxMs: 60_000 });
    r.observe(100);
    r.observe(200);
    // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
    expect(r.rttvarMs).toBe(62.5);
    expect(r.srttMs).toBe(112.5);
    expect(r.rtoMs).toBe(112.5 + 250);
  });

  it("C6/C7: clamps to RTO.Min and RTO.Max", () => {
    const r = new RtoEstimator({ initialMs: 1000, minMs: 200, maxMs: 5000 });
    r.observe(1);
    expect(r.rtoMs).toBe(200);
    for (let i = 0; i < 3; i++) r.observe(4000);
    expect(r.rtoMs).toBe(5000);
  });

  it("E2: backs off by doubling, up to RTO.Max, and a new measurement recomputes it", () => {
    const r = new RtoEstimator({ initialMs: 1000, minMs: 200, maxMs: 3000 });
    r.backOff();
    expect(r.rtoMs).toBe(2000);
    r.backOff();
    expect(r.rtoMs).toBe(3000);
    r.observe(100);
    expect(r.rtoMs).toBe(300);
  });

  it("ignores nonsense samples", () => {
    const r = new RtoEstimator();
    r.observe(Number.NaN);
    r.observe(-5);
    r.observe(Number.POSITIVE_INFINITY);
    expect(r.srttMs).toBeUndefined();
    expect(r.rtoMs).toBe(1000);
  });
});
