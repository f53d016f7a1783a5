import { describe, expect, it } from "vitest";
import { Prng } from "./prng.js";
import { SimDriver, type SimEndpoint, SimStallError } from "./sim-driver.js";
import { SimLink } from "./sim-link.js";

/** An endpoint that records what arrives and sends what it is told to. */
class Recorder implements SimEndpoint {
  readonly got: { at: number; data: Uint8Array }[] = [];
  readonly out: Uint8Array[] = [];
  deadline: number | undefined;
  handlePacket(now: number, packet: Uint8Array): void {
    this.got.push({ at: now, data: packet });
  }
  handleTimeout(): void {
    this.deadline = undefined;
  }
  pollTransmit(): Uint8Array | undefined {
    return this.out.shift();
  }
  pollTimeout(): number | undefined {
    return this.deadline;
  }
}

function run(seed: number, loss: number) {
  const a = new Recorder();
  const b = new Recorder();
  const link = new SimLink(new Prng(seed), {
    delayMs: 20,
    jitterMs: 10,
    lossRate: loss,
    duplicateRate: 0.05,
    mtu: 100,
  });
  const d = new SimDriver(link, { name: "a", endpoint: a }, { name: "b", endpoint: b });
  for (let i = 0; i < 2000; i++) a.out.push(Uint8Array.of(i & 0xff, i >> 8));
  a.out.push(new Uint8Array(101));
  d.flush();
  d.runFor(1000);
  return { b, link };
}

describe("simulated link and driver", () => {
  it("delays, reorders, duplicates and loses packets as configured, the same way for the same seed", () => {
    const { b, link } = run(42, 0.2);
    const s = link.stats[0];
    expect(s.sent).toBe(2001);
    expect(s.tooBig).toBe(1);
    expect(s.lost / 2000).toBeGreaterThan(0.17);
    expect(s.lost / 2000).toBeLessThan(0.23);
    expect(s.duplicated).toBeGreaterThan(50);
    expect(b.got.length).toBe(s.sent - s.lost - s.tooBig + s.duplicated);
    for (const g of b.got) {
      expect(g.at).toBeGreaterThanOrEqual(20);
      expect(g.at).toBeLessThanOrEqual(30);
    }
    const order = b.got.map((g) => (g.data[0] as number) | ((g.data[1] as number) << 8));
    expect(order.some((v, i) => i > 0 && v < (order[i - 1] as number))).toBe(true);
    const again = run(42, 0.2).b.got.map((g) => g.at);
    expect(again).toEqual(b.got.map((g) => g.at));
  });

  it("a bottleneck spaces packets and drops past its queue", () => {
    const a = new Recorder();
    const b = new Recorder();
    const link = new SimLink(new Prng(1), { delayMs: 0, bytesPerMs: 100, queueBytes: 1000 });
    const d = new SimDriver(link, { name: "a", endpoint: a }, { name: "b", endpoint: b });
    for (let i = 0; i < 20; i++) a.out.push(new Uint8Array(100));
    d.flush();
    d.runFor(100);
    expect(link.stats[0].queueDropped).toBe(10);
    expect(b.got.map((g) => g.at)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("fails loudly on deadlock and on livelock", () => {
    const a = new Recorder();
    const b = new Recorder();
    const d = new SimDriver(new SimLink(new Prng(1)), { name: "a", endpoint: a }, { name: "b", endpoint: b });
    expect(() => d.runUntil(() => false)).toThrow(SimStallError);
    const spinner: SimEndpoint = {
      handlePacket() {},
      handleTimeout() {},
      pollTransmit: () => undefined,
      pollTimeout: () => d.now,
    };
    const d2 = new SimDriver(
      new SimLink(new Prng(1)),
      { name: "a", endpoint: spinner },
      { name: "b", endpoint: b },
    );
    expect(() => d2.runUntil(() => false, { maxSteps: 50 })).toThrow(/livelock/);
  });
});
