/**
 * The parts of the bandwidth estimator, one concept each (peer/src/machine/congestion/), against their
 * definitions in draft-ietf-rmcat-gcc-02 and libwebrtc's GoogCC.
 */
import type { PacketFeedback } from "@tern/rtp";
import { describe, expect, it } from "vitest";
import { AcknowledgedBitrate } from "../../src/machine/congestion/acknowledged-bitrate.js";
import { AimdRateControl } from "../../src/machine/congestion/aimd-rate-control.js";
import { AlrDetector } from "../../src/machine/congestion/alr-detector.js";
import { allocateBitrate } from "../../src/machine/congestion/bitrate-allocation.js";
import { InterArrival } from "../../src/machine/congestion/inter-arrival.js";
import { LossBasedControl } from "../../src/machine/congestion/loss-based-control.js";
import { OveruseDetector } from "../../src/machine/congestion/overuse-detector.js";
import { ProbeBitrateEstimator } from "../../src/machine/congestion/probe-bitrate-estimator.js";
import { ProbeController } from "../../src/machine/congestion/probe-controller.js";
import { RembCap } from "../../src/machine/congestion/remb-cap.js";
import { linearFitSlope, TrendlineEstimator } from "../../src/machine/congestion/trendline-estimator.js";

describe("InterArrival (gcc-02 §5.2 pre-filtering)", () => {
  it("groups packets sent within 5 ms and gives deltas between completed groups", () => {
    const ia = new InterArrival();
    // group 1: sent 0, 2, 4 → arrives 50, 52, 55; group 2: sent 10, 12 → 61, 63; group 3 starts at 20
    expect(ia.handlePacket(0, 50, 100, 1000)).toBeUndefined();
    expect(ia.handlePacket(2, 52, 100, 1000)).toBeUndefined();
    expect(ia.handlePacket(4, 55, 100, 1000)).toBeUndefined();
    expect(ia.handlePacket(10, 61, 100, 500)).toBeUndefined(); // first of group 2: group 1 had no predecessor
    expect(ia.handlePacket(12, 63, 100, 500)).toBeUndefined();
    expect(ia.handlePacket(20, 75, 100, 700)).toEqual({
      sendDeltaMs: 8,
      arrivalDeltaMs: 8,
      sizeDelta: -2000,
    });
  });

  it("puts a burst (arrivals ≤ 5 ms apart, faster than sent) into the group", () => {
    const ia = new InterArrival();
    ia.handlePacket(0, 100, 0, 1000);
    ia.handlePacket(20, 200, 0, 1000); // new group
    // sent 30 ms later but arrives 1 ms after: a queue released at once, same group
    expect(ia.handlePacket(50, 201, 0, 1000)).toBeUndefined();
    const d = ia.handlePacket(80, 260, 0, 1000);
    expect(d).toEqual({ sendDeltaMs: 50, arrivalDeltaMs: 201 - 100, sizeDelta: 1000 });
  });

  it("ignores a packet sent before its group, and resets after reordered groups", () => {
    const ia = new InterArrival();
    ia.handlePacket(100, 200, 0, 1);
    expect(ia.handlePacket(90, 205, 0, 1)).toBeUndefined();
    ia.handlePacket(110, 210, 0, 1);
    ia.handlePacket(120, 190, 0, 1); // arrival goes back: reordered
    expect(ia.handlePacket(130, 230, 0, 1)).toBeUndefined();
  });
});

describe("TrendlineEstimator (gcc-02 §5.3, libwebrtc's trendline)", () => {
  it("fits a least-squares slope", () => {
    expect(linearFitSlope([0, 1, 2, 3], [1, 3, 5, 7])).toBe(2);
    expect(linearFitSlope([1, 1], [0, 5])).toBeUndefined();
  });

  it("is ~0 for a constant delay and positive for a growing one; the modified trend scales with the deltas seen", () => {
    const flat = new TrendlineEstimator();
    let m = 0;
    for (let i = 0; i < 40; i++) m = flat.update(10, 10, i * 10);
    expect(Math.abs(m)).toBeLessThan(1e-9);
    const rising = new TrendlineEstimator();
    for (let i = 0; i < 40; i++) m = rising.update(12, 10, i * 12); // +2 ms of queue per group
    expect(rising.trend).toBeGreaterThan(0.05);
    expect(m).toBeCloseTo(Math.min(40, 60) * rising.trend * 4, 9);
  });
});

describe("OveruseDetector (gcc-02 §5.4, adaptive threshold)", () => {
  it("signals over-use only after > 10 ms over the threshold, twice, with a rising trend", () => {
    const d = new OveruseDetector();
    expect(d.detect(20, 0.1, 5, 10, 0)).toBe("normal"); // 2.5 ms over so far
    expect(d.detect(20, 0.1, 5, 10, 5)).toBe("normal"); // 7.5 ms
    expect(d.detect(20, 0.1, 5, 10, 10)).toBe("overusing"); // 12.5 ms, 3rd time, not falling
    expect(d.detect(-20, -0.1, 5, 10, 15)).toBe("underusing");
    expect(d.detect(0, 0, 5, 10, 20)).toBe("normal");
    expect(new OveruseDetector().detect(100, 1, 5, 1, 0)).toBe("normal"); // fewer than 2 deltas
  });

  it("moves the threshold toward |trend| (down fast, up slowly), within [6, 600], not for outliers", () => {
    const d = new OveruseDetector();
    expect(d.threshold).toBe(12.5);
    d.detect(0, 0, 5, 10, 0);
    d.detect(0, 0, 5, 10, 100); // k_down = 0.039 over 100 ms toward 0
    expect(d.threshold).toBeCloseTo(Math.max(6, 12.5 + 0.039 * (0 - 12.5) * 100), 6);
    const up = new OveruseDetector();
    up.detect(0, 0, 5, 10, 0);
    up.detect(14, 0, 5, 10, 50); // |trend| 14 > 12.5: k_up = 0.0087
    expect(up.threshold).toBeCloseTo(12.5 + 0.0087 * 1.5 * 50, 6);
    const outlier = new OveruseDetector();
    outlier.detect(0, 0, 5, 10, 0);
    outlier.detect(100, 0, 5, 10, 50); // over threshold + 15: not followed
    expect(outlier.threshold).toBe(12.5);
  });
});

describe("AimdRateControl (gcc-02 §5.5)", () => {
  it("decreases to 0.85 × the acknowledged rate (− 5 kbit/s) on over-use, then holds", () => {
    const a = new AimdRateControl({ minBitrateBps: 10_000, maxBitrateBps: 10_000_000 });
    a.setStartBitrate(1_000_000);
    expect(a.update("overusing", 800_000, 1000)).toBe(0.85 * 800_000 - 5000);
    expect(a.state).toBe("hold");
    expect(a.linkCapacity.hasEstimate).toBe(true);
  });

  it("increases multiplicatively (8 %/s) without a capacity estimate, never past 1.5 × acked + 10 kbit/s", () => {
    const a = new AimdRateControl({ minBitrateBps: 10_000, maxBitrateBps: 10_000_000 });
    a.setStartBitrate(500_000);
    a.update("normal", 500_000, 0); // hold → increase: +1 kbit/s at least
    expect(a.update("normal", 500_000, 1000)).toBeCloseTo(501_000 * 1.08, 0);
    const capped = new AimdRateControl({ minBitrateBps: 10_000, maxBitrateBps: 10_000_000 });
    capped.setStartBitrate(500_000);
    capped.update("normal", 100_000, 0);
    expect(capped.update("normal", 100_000, 1000)).toBe(500_000); // 1.5 × 100k + 10k < 500k: no increase
  });

  it("increases additively (one 1200-octet packet per RTT + 100 ms) near a known capacity, and not at all in ALR", () => {
    const a = new AimdRateControl({ minBitrateBps: 10_000, maxBitrateBps: 10_000_000 });
    a.setStartBitrate(1_000_000);
    a.setRtt(100);
    a.update("overusing", 1_000_000, 0); // capacity estimate 1 Mbit/s, rate 845k
    const after = a.estimate;
    a.update("normal", 900_000, 100); // hold → increase (time reset)
    a.update("normal", 900_000, 1100);
    expect(a.estimate - after).toBeCloseTo(9600 / 0.2, 0);
    a.setInAlr(true);
    const before = a.estimate;
    a.update("normal", 900_000, 2100);
    expect(a.estimate).toBe(before);
  });
});

describe("LossBasedControl (gcc-02 §6)", () => {
  const o = { startBitrateBps: 1_000_000, minBitrateBps: 10_000, maxBitrateBps: 10_000_000 };

  it("follows the delay-based estimate while loss is low, holds at 2–10 %, cuts by loss / 2 over 10 % (not under 80 % of acked)", () => {
    const l = new LossBasedControl(o);
    l.setDelayBasedLimit(800_000, 0);
    expect(l.estimate).toBe(800_000);
    l.handleLossReport(0, 50, 3000);
    l.setDelayBasedLimit(900_000, 3000);
    expect(l.estimate).toBe(900_000);
    l.handleLossReport(3, 50, 3100); // 6 %: hold
    expect(l.estimate).toBe(900_000);
    l.handleLossReport(10, 50, 3200); // 20 %: × 0.9
    expect(l.estimate).toBeCloseTo(810_000, 0);
    l.handleLossReport(25, 50, 3700, 800_000); // 50 %: × 0.75 = 607k, floor 0.8 × 800k = 640k
    expect(l.estimate).toBeCloseTo(640_000, 0);
    l.setDelayBasedLimit(900_000, 3800); // no longer following: stays
    expect(l.estimate).toBeCloseTo(640_000, 0);
    // low loss again: +8 % of the last second's minimum per report, until it meets the delay-based estimate
    l.handleLossReport(0, 50, 6000); // (past the 2 s start phase, which follows the delay-based estimate)
    expect(l.estimate).toBeCloseTo(640_000 * 1.08 + 1000, -1);
  });

  it("does not count a loss rate until 20 packets were reported on", () => {
    const l = new LossBasedControl(o);
    l.setDelayBasedLimit(1_000_000, 0);
    l.handleLossReport(9, 10, 3000);
    expect(l.lossFraction).toBe(0);
    l.handleLossReport(1, 10, 3100);
    expect(l.lossFraction).toBe(0.5);
  });
});

describe("AcknowledgedBitrate", () => {
  it("measures what arrived per window", () => {
    const a = new AcknowledgedBitrate();
    for (let t = 0; t <= 2000; t += 10) a.handleAcked(t, 1250); // 1 Mbit/s
    expect(a.bitrateBps).toBeGreaterThan(950_000);
    expect(a.bitrateBps).toBeLessThan(1_050_000);
  });
});

describe("AlrDetector", () => {
  it("starts when under 65 % of the estimate leaves for a while, ends when it is used again", () => {
    const d = new AlrDetector();
    d.setEstimatedBitrate(1_000_000);
    for (let t = 0; t <= 1000; t += 10) d.handleSent(t, 300); // 240 kbit/s
    expect(d.inAlr).toBe(true);
    const started = d.alrStartedMs;
    for (let t = 1010; t <= 2000; t += 10) d.handleSent(t, 1250); // 1 Mbit/s
    expect(d.inAlr).toBe(false);
    expect(d.alrEndedMs).toBeGreaterThan(started as number);
  });
});

describe("ProbeController and ProbeBitrateEstimator", () => {
  it("probes at 3× and 6× the start, further while results find room, and in ALR every 5 s", () => {
    const p = new ProbeController(10_000_000);
    p.start(0, 300_000);
    const first = [p.pollProbe(), p.pollProbe()];
    expect(first.map((c) => c?.bitrateBps)).toEqual([900_000, 1_800_000]);
    expect(first[0]?.minBytes).toBe(Math.round((900_000 * 15) / 8000));
    p.setEstimate(100, 1_700_000); // > 0.7 × 1.8M: probe at 2×
    expect(p.pollProbe()?.bitrateBps).toBe(3_400_000);
    p.setEstimate(200, 2_000_000); // < 0.7 × 3.4M: done
    expect(p.pollProbe()).toBeUndefined();
    p.handleTimeout(1300, undefined);
    expect(p.pollTimeout(1000)).toBe(6000);
    p.handleTimeout(6000, 1000);
    expect(p.pollProbe()?.bitrateBps).toBe(4_000_000);
  });

  it("after a large drop, probes back toward the old estimate once the link has been quiet for 5 s", () => {
    const p = new ProbeController(10_000_000, false);
    p.start(0, 1_000_000);
    while (p.pollProbe()) {}
    p.setEstimate(100, 1_000_000);
    p.handleTimeout(1200, undefined); // stops waiting for the start probes
    p.setEstimate(2000, 400_000); // < 66 % of 1M
    expect(p.recoveryBitrateBps).toBe(1_000_000);
    p.handleCongestion(2000);
    p.handleTimeout(5000, undefined);
    expect(p.pollProbe()).toBeUndefined(); // not quiet yet
    p.handleTimeout(7000, undefined);
    expect(p.pollProbe()?.bitrateBps).toBe(800_000);
    p.setEstimate(7200, 900_000); // back over 85 %
    expect(p.recoveryBitrateBps).toBeUndefined();
  });

  it("measures a cluster: min(send, arrival) rate, or 95 % of the arrival rate when the link limited it", () => {
    const e = new ProbeBitrateEstimator();
    e.handleProbeStarted(1, 5000, 5);
    const pkt = (i: number, send: number, arrival: number): PacketFeedback => ({
      sequenceNumber: i,
      sendTimeMs: send,
      sizeBytes: 1000,
      tag: 1,
      arrivalTimeMs: arrival,
    });
    let r: number | undefined;
    // sent at 8 Mbit/s (1000 octets per ms), arriving at 2 Mbit/s (one per 4 ms)
    for (let i = 0; i < 6; i++) r = e.handlePacket(100, pkt(i, i, 50 + 4 * i));
    expect(r).toBeCloseTo(0.95 * ((5 * 1000 * 8000) / 20), 0);
    expect(e.takeResult()).toBe(r);
    expect(e.takeResult()).toBeUndefined();
  });
});

describe("RembCap and allocateBitrate", () => {
  it("a REMB caps until it expires", () => {
    const c = new RembCap(1000);
    expect(c.cap(0)).toBe(Number.POSITIVE_INFINITY);
    c.handleRemb(0, 500_000);
    expect(c.cap(900)).toBe(500_000);
    expect(c.cap(1100)).toBe(Number.POSITIVE_INFINITY);
  });

  it("audio first (its maxBitrate or 64 kbit/s), video in equal shares within their maxBitrate", () => {
    const a = allocateBitrate(1_000_000, [
      { mid: "a", kind: "audio" },
      { mid: "v1", kind: "video", maxBitrateBps: 200_000 },
      { mid: "v2", kind: "video" },
    ]);
    expect(Object.fromEntries(a)).toEqual({ a: 64_000, v1: 200_000, v2: 736_000 });
    const low = allocateBitrate(100_000, [
      { mid: "a", kind: "audio", maxBitrateBps: 80_000 },
      { mid: "v", kind: "video" },
    ]);
    expect(Object.fromEntries(low)).toEqual({ a: 50_000, v: 50_000 });
    const audioOnly = allocateBitrate(300_000, [{ mid: "a", kind: "audio", maxBitrateBps: 100_000 }]);
    expect(audioOnly.get("a")).toBe(100_000);
  });
});
