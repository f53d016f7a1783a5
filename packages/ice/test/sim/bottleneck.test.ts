import { describe, expect, it } from "vitest";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { Bottleneck } from "./bottleneck.js";
import { runFor } from "./driver.js";
import { Prng } from "./prng.js";
import { type Millis, type SimEndpoint, SimNetwork, type SimTransmit } from "./sim-network.js";

/** 1 Mbit/s: a 1250-octet packet takes 10 ms on the link. */
const MBIT = 1_000_000;

describe("Bottleneck", () => {
  it("under its rate: each packet leaves one serialization time after it arrives", () => {
    const b = new Bottleneck({ bitrateBps: MBIT, queueMs: 100 });
    expect(b.admit(0, 1250)).toBe(10);
    expect(b.admit(20, 1250)).toBe(30);
    expect(b.admit(40, 625)).toBe(45);
    expect(b.queueDelayMs(40)).toBe(5);
    expect(b.counters).toMatchObject({ forwarded: 3, dropped: 0, forwardedBytes: 3125 });
  });

  it("over its rate: the queue grows by the excess, and drop-tail drops once a packet would wait past queueMs", () => {
    const b = new Bottleneck({ bitrateBps: MBIT, queueMs: 100 });
    // 2 Mbit/s offered: a 1250-octet packet every 5 ms; each waits 5 ms more than the one before.
    const leaves: (number | undefined)[] = [];
    for (let i = 0; i < 30; i++) leaves.push(b.admit(i * 5, 1250));
    expect(leaves.slice(0, 4)).toEqual([10, 20, 30, 40]);
    // packet i arrives at 5i and would start at 10i: it waits 5i ms; 5i > 100 from i = 21 on, but drops
    // keep the queue at its bound, so every other packet then passes.
    const dropped = leaves.map((l, i) => (l === undefined ? i : -1)).filter((i) => i >= 0);
    expect(dropped[0]).toBe(21);
    expect(b.counters.dropped).toBe(dropped.length);
    for (let i = 0; i < 30; i++) {
      const l = leaves[i];
      if (l !== undefined) expect(l - i * 5 - 10).toBeLessThanOrEqual(100);
    }
    expect(b.queueDelayMs(150)).toBeLessThanOrEqual(100);
  });

  it("a queue of 0 ms passes a packet only onto an idle link", () => {
    const b = new Bottleneck({ bitrateBps: MBIT, queueMs: 0 });
    expect(b.admit(0, 1250)).toBe(10);
    expect(b.admit(5, 1250)).toBeUndefined();
    expect(b.admit(10, 1250)).toBe(20);
  });

  it("a step down drains what is queued at the new rate; a step up speeds it", () => {
    const b = new Bottleneck({ bitrateBps: MBIT, queueMs: 1000 });
    b.admit(0, 12_500); // 100 ms of link time
    b.setBitrate(50, 500_000); // 50 ms of work left, now taking 100 ms
    expect(b.queueDelayMs(50)).toBe(100);
    expect(b.admit(50, 1250)).toBe(170); // 150 + 20 ms at 500 kbit/s
    b.setBitrate(170, 2 * MBIT);
    expect(b.admit(170, 1250)).toBe(175);
  });

  it("counts per-packet overhead on the link", () => {
    const b = new Bottleneck({ bitrateBps: MBIT, queueMs: 100, overheadBytes: 28 });
    expect(b.admit(0, 1222)).toBe(10);
  });

  it("constant cross traffic takes its share of the link: under what is left nothing is lost, over it the link runs full", () => {
    const under = new Bottleneck({ bitrateBps: MBIT, queueMs: 100, crossTraffic: [{ bitrateBps: 400_000 }] });
    // 500 kbit/s offered next to 400 kbit/s of cross traffic: all of it passes, queueing stays short
    let worst = 0;
    for (let t = 0; t < 10_000; t += 20) {
      const l = under.admit(t, 1250);
      expect(l).toBeDefined();
      worst = Math.max(worst, (l as number) - t);
    }
    expect(worst).toBeLessThan(30);
    expect(under.counters.crossDropped).toBe(0);
    const over = new Bottleneck({ bitrateBps: MBIT, queueMs: 100, crossTraffic: [{ bitrateBps: 400_000 }] });
    // 1 Mbit/s offered: together 1.4 Mbit/s into 1 Mbit/s — the link is busy all the time, both lose
    let bytes = 0;
    for (let t = 0; t < 10_000; t += 10) if (over.admit(t, 1250) !== undefined) bytes += 1250;
    const crossBytes = over.counters.crossForwarded * 1200;
    const utilization = ((bytes + crossBytes) * 8) / 10 / MBIT;
    expect(utilization).toBeGreaterThan(0.98);
    expect(utilization).toBeLessThan(1.02);
    expect(over.counters.dropped).toBeGreaterThan(0);
    expect(over.counters.crossDropped).toBeGreaterThan(0);
  });

  it("Poisson cross traffic is seeded: the same seed, the same run; its mean is its rate", () => {
    const run = (seed: number) => {
      const b = new Bottleneck(
        {
          bitrateBps: 10 * MBIT,
          queueMs: 1000,
          crossTraffic: [{ bitrateBps: 500_000, fromMs: 1000, untilMs: 21_000, poisson: true }],
        },
        new Prng(seed),
      );
      b.queueDelayMs(30_000);
      return b.counters;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    // 20 s × 500 kbit/s / 9600 bits per packet ≈ 1042 packets
    expect(run(5).crossForwarded).toBeGreaterThan(950);
    expect(run(5).crossForwarded).toBeLessThan(1130);
    expect(
      () =>
        new Bottleneck({ bitrateBps: MBIT, queueMs: 1, crossTraffic: [{ bitrateBps: 1, poisson: true }] }),
    ).toThrow(RangeError);
  });
});

/** Sends `count` datagrams of `bytes` every `everyMs` to `to`; records what it receives. */
class Blaster implements SimEndpoint {
  readonly received: { at: Millis; size: number }[] = [];
  #sent = 0;
  #next: Millis | undefined = 0;
  readonly #out: SimTransmit[] = [];
  constructor(
    readonly local: TransportAddr,
    readonly to: TransportAddr,
    readonly count: number,
    readonly everyMs: number,
    readonly bytes: number,
  ) {
    if (count === 0) this.#next = undefined;
  }
  handleDatagram(now: Millis, _l: TransportAddr, _r: TransportAddr, data: Uint8Array): void {
    this.received.push({ at: now, size: data.length });
  }
  handleTimeout(now: Millis): void {
    if (this.#next === undefined || now < this.#next) return;
    this.#out.push({ from: this.local, to: this.to, data: new Uint8Array(this.bytes) });
    this.#sent++;
    this.#next = this.#sent < this.count ? now + this.everyMs : undefined;
  }
  pollTransmit(): SimTransmit | undefined {
    return this.#out.shift();
  }
  pollTimeout(): Millis | undefined {
    return this.#next;
  }
}

describe("a bottleneck on a SimNetwork link", () => {
  it("delays one direction by its queue, drops past it ('queue-full'), and leaves the other direction alone", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [20, 20] });
    const a = { address: "10.0.0.1", port: 1 };
    const b = { address: "10.0.0.2", port: 2 };
    const sender = new Blaster(a, b, 40, 5, 1250); // 2 Mbit/s for 200 ms
    const echo = new Blaster(b, a, 40, 5, 1250);
    net.attach(sender, [a]);
    net.attach(echo, [b]);
    const bottleneck = new Bottleneck({ bitrateBps: MBIT, queueMs: 50 });
    net.addLinkRule({ from: { address: a.address }, bottleneck });
    runFor(net, 2000);
    const arrivals = echo.received.map((r) => r.at);
    expect(arrivals[0]).toBe(30); // 10 ms on the link + 20 ms of delay
    expect(arrivals[1]).toBe(40);
    expect(net.counters.dropped["queue-full"]).toBe(bottleneck.counters.dropped);
    expect(bottleneck.counters.dropped).toBeGreaterThan(0);
    expect(echo.received.length + bottleneck.counters.dropped).toBe(40);
    for (let i = 1; i < arrivals.length; i++)
      expect((arrivals[i] as number) - (arrivals[i - 1] as number)).toBeGreaterThanOrEqual(10);
    // the reverse direction: no bottleneck, 20 ms each
    expect(sender.received).toHaveLength(40);
    expect(sender.received[0]?.at).toBe(20);
  });
});
