/**
 * Congestion control on the simulated network (`congestion-scenario.ts`): Tern → Tern video with
 * transport-wide CC both ways, through a bottleneck of `@tern/ice/testing`. Every figure here is the
 * output of a seeded, deterministic run; the bounds are the issue's, the measured values are printed
 * (and listed in packages/peer/README.md, "Congestion control").
 */
import { generateCertificate } from "@tern/dtls-srtp";
import { describe, expect, it } from "vitest";
import { between, type CcRun, mean, percentile, runCcScenario } from "./congestion-scenario.js";

const certificates = Promise.all([generateCertificate(), generateCertificate()]);
const C = 1_000_000;

/**
 * Means of a flow's target over sliding windows of `windowMs` (one GCC sawtooth is ~3 s: an over-use
 * takes the estimate to 0.85 × the throughput, additive increase brings it back), every 0.5 s:
 * [window start (s), mean bps].
 */
function windowMeans(run: CcRun, windowMs = 3000, flow = 0): [number, number][] {
  const f = run.flows[flow];
  if (!f) throw new Error("no such flow");
  const end = f.targets.at(-1)?.[0] ?? 0;
  const out: [number, number][] = [];
  for (let s = 0; s + windowMs <= end; s += 500)
    out.push([s / 1000, mean(between(f.targets, s, s + windowMs))]);
  return out;
}

/** From which second on every 1-s mean stays within [lo, hi]. */
function convergedFrom(means: readonly [number, number][], lo: number, hi: number): number | undefined {
  let from: number | undefined;
  for (const [s, m] of means) {
    if (m >= lo && m <= hi) from ??= s;
    else from = undefined;
  }
  return from;
}

const figure = (name: string, v: unknown): void => console.log(`[cc figure] ${name}: ${JSON.stringify(v)}`);

describe("congestion control over a simulated bottleneck", () => {
  it.each([1, 2, 3])(
    "1 Mbit/s, 100 ms queue (seed %i): every 3-s mean within 85–100 % from ≤ 5 s on, queue delay p95 < 100 ms",
    async (seed) => {
      const run = await runCcScenario(
        { seed, link: { bitrateBps: C, queueMs: 100 }, durationMs: 30_000 },
        await certificates,
      );
      const means = windowMeans(run);
      const from = convergedFrom(means, 0.85 * C, 1.0 * C);
      const converged = between(run.flows[0]?.targets ?? [], 5000, 30_000);
      const waits = (run.bottleneck?.waits ?? [])
        .filter((w) => w.at - run.t0 >= (from ?? 0) * 1000)
        .map((w) => w.ms);
      const reached = run.flows[0]?.targets.find(([, v]) => v >= 0.85 * C)?.[0];
      figure(`seed ${seed} first at 85 % (ms) / every 3-s mean within 85–100 % from (s)`, [reached, from]);
      figure(
        `seed ${seed} estimate after 5 s (kbit/s) mean/min/max`,
        [mean(converged), Math.min(...converged), Math.max(...converged)].map((x) => Math.round(x / 1000)),
      );
      figure(
        `seed ${seed} queue delay p95/p50 (ms)`,
        [percentile(waits, 0.95), percentile(waits, 0.5)].map((x) => Math.round(x * 10) / 10),
      );
      expect(from).toBeDefined();
      expect(from as number).toBeLessThanOrEqual(5);
      expect(percentile(waits, 0.95)).toBeLessThan(100);
      expect(run.bottleneck?.counters.dropped).toBe(0);
      // B got the video: what it reassembled is most of what the estimate allowed
      expect(run.flows[0]?.receivedBytes()).toBeGreaterThan((0.8 * mean(converged) * 25) / 8);
    },
  );

  it("a step down to 300 kbit/s is followed within 2 s, the step back up to 1 Mbit/s within 10 s", async () => {
    const run = await runCcScenario(
      {
        seed: 4,
        link: { bitrateBps: C, queueMs: 100 },
        steps: [
          [10_000, 300_000],
          [20_000, C],
        ],
        durationMs: 32_000,
      },
      await certificates,
    );
    const t = run.flows[0]?.targets ?? [];
    const down = t.find(([ms, v]) => ms >= 10_000 && v <= 300_000)?.[0];
    const up = t.find(([ms, v]) => ms >= 20_000 && v >= 0.85 * C)?.[0];
    const low = between(t, 12_000, 20_000);
    const back = between(t, 25_000, 32_000);
    figure("step down: at or under 300 kbit/s after (ms)", down === undefined ? undefined : down - 10_000);
    figure(
      "at 300 kbit/s, 12–20 s (kbit/s) mean/min/max",
      [mean(low), Math.min(...low), Math.max(...low)].map((x) => Math.round(x / 1000)),
    );
    figure("step up: at 85 % of 1 Mbit/s after (ms)", up === undefined ? undefined : up - 20_000);
    figure("back at 1 Mbit/s, 25–32 s (kbit/s) mean", Math.round(mean(back) / 1000));
    expect(down).toBeDefined();
    expect((down as number) - 10_000).toBeLessThanOrEqual(2000);
    expect(mean(low)).toBeLessThanOrEqual(300_000);
    expect(mean(low)).toBeGreaterThan(0.6 * 300_000);
    expect(up).toBeDefined();
    expect((up as number) - 20_000).toBeLessThanOrEqual(10_000);
    expect(mean(back)).toBeGreaterThan(0.8 * C);
  });

  it("two Tern flows through one bottleneck each get 35–65 % of it", async () => {
    const run = await runCcScenario(
      { seed: 5, link: { bitrateBps: C, queueMs: 100 }, flows: 2, secondFlowAtMs: 2000, durationMs: 60_000 },
      await certificates,
    );
    const shares = [0, 1].map((i) => mean(between(run.flows[i]?.targets ?? [], 30_000, 60_000)) / C);
    const waits = (run.bottleneck?.waits ?? []).filter((w) => w.at - run.t0 >= 30_000).map((w) => w.ms);
    figure(
      "two flows: shares of 1 Mbit/s over 30–60 s",
      shares.map((x) => Math.round(x * 1000) / 10),
    );
    figure("two flows: queue delay p95 (ms), drops", [
      Math.round(percentile(waits, 0.95)),
      run.bottleneck?.counters.dropped,
    ]);
    for (const share of shares) {
      expect(share).toBeGreaterThanOrEqual(0.35);
      expect(share).toBeLessThanOrEqual(0.65);
    }
    expect(percentile(waits, 0.95)).toBeLessThan(100);
  });

  it("2 % random loss with no queue (an unconstrained path) does not collapse the rate: it climbs to the maximum and stays", async () => {
    const run = await runCcScenario(
      {
        seed: 6,
        lossRate: 0.02,
        session: { congestionControl: { maxBitrateBps: 2_500_000 } },
        durationMs: 30_000,
      },
      await certificates,
    );
    const t = between(run.flows[0]?.targets ?? [], 5000, 30_000);
    const e = run.flows[0]?.a.session.congestion.estimator;
    figure(
      "2 % loss, no queue: estimate after 5 s (kbit/s) mean/min",
      [mean(t), Math.min(...t)].map((x) => Math.round(x / 1000)),
    );
    figure("2 % loss, no queue: packets lost / acked", [e?.counters.packetsLost, e?.counters.packetsAcked]);
    expect(e?.counters.packetsLost).toBeGreaterThan(0);
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0.9 * 2_500_000);
  });

  it("2 % random loss on top of the 1 Mbit/s bottleneck: the rate stays near the bottleneck", async () => {
    const run = await runCcScenario(
      { seed: 7, link: { bitrateBps: C, queueMs: 100 }, lossRate: 0.02, durationMs: 30_000 },
      await certificates,
    );
    const t = between(run.flows[0]?.targets ?? [], 5000, 30_000);
    figure(
      "2 % loss + 1 Mbit/s: estimate after 5 s (kbit/s) mean/min",
      [mean(t), Math.min(...t)].map((x) => Math.round(x / 1000)),
    );
    expect(mean(t)).toBeGreaterThan(0.75 * C);
    expect(Math.min(...t)).toBeGreaterThan(0.5 * C);
  });

  it("Poisson cross traffic of 300 kbit/s: Tern takes over half of the 700 kbit/s left, and no more", async () => {
    const run = await runCcScenario(
      {
        seed: 8,
        link: { bitrateBps: C, queueMs: 100, crossTraffic: [{ bitrateBps: 300_000, poisson: true }] },
        durationMs: 30_000,
      },
      await certificates,
    );
    const t = between(run.flows[0]?.targets ?? [], 5000, 30_000);
    const b = run.bottleneck;
    figure("cross traffic: Tern's estimate after 5 s (kbit/s) mean", Math.round(mean(t) / 1000));
    figure("cross traffic: Tern / cross packets dropped", [b?.counters.dropped, b?.counters.crossDropped]);
    expect(mean(t)).toBeGreaterThan(0.5 * 700_000);
    expect(mean(t)).toBeLessThan(700_000);
  });

  it("is deterministic: a seed gives the same run, to the packet", async () => {
    const s = {
      seed: 9,
      link: { bitrateBps: C, queueMs: 100, crossTraffic: [{ bitrateBps: 200_000, poisson: true }] },
      lossRate: 0.01,
      durationMs: 8000,
    } as const;
    const certs = await certificates;
    const [x, y, z] = [
      await runCcScenario(s, certs),
      await runCcScenario(s, certs),
      await runCcScenario({ ...s, seed: 10 }, certs),
    ];
    expect(y.flows[0]?.targets).toEqual(x.flows[0]?.targets);
    expect(y.bottleneck?.counters).toEqual(x.bottleneck?.counters);
    expect(y.bottleneck?.waits).toEqual(x.bottleneck?.waits);
    expect(z.bottleneck?.waits).not.toEqual(x.bottleneck?.waits);
  });
});
