/** The seeded PRNG and SimNetwork's delivery: delay, drops, MTU, loss, duplication, reordering, link rules. */
import { describe, expect, it } from "vitest";
import { runFor, runUntil } from "./driver.js";
import { Prng } from "./prng.js";
import { SimNetwork, type SimTraceEvent } from "./sim-network.js";
import { A, B, Blaster, C, Echo, enc, Pinger, Sink } from "./toy-endpoints.js";

describe("Prng", () => {
  it("is reproducible from its seed and spreads values over [0, 1)", () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs).not.toEqual(Array.from({ length: 1000 }, () => new Prng(8).next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const r = new Prng(1);
    for (let i = 0; i < 200; i++) {
      const v = r.int(3, 5);
      expect(v === 3 || v === 4 || v === 5).toBe(true);
    }
  });
});

describe("SimNetwork delivery", () => {
  it("delivers a ping and its pong with the configured delay", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p = new Pinger(A, B);
    const e = new Echo();
    net.attach(p, [A], { name: "pinger" });
    net.attach(e, [B], { name: "echo" });
    const r = runUntil(net, () => p.done, { maxSteps: 100 });
    expect(r.now).toBe(20);
    expect(e.seen).toEqual([{ at: 10, from: A, local: B, text: "ping 1" }]);
    expect(p.received).toEqual([{ at: 20, from: B, text: "pong ping 1" }]);
    expect(p.tries).toBe(1);
    expect(net.direction(A, B)).toMatchObject({ sent: 1, delivered: 1, lost: 0 });
    expect(net.direction(B, A)).toMatchObject({ sent: 1, delivered: 1 });
  });

  it("drops and counts datagrams from an address the host does not own, or to nobody", () => {
    const net = new SimNetwork({ seed: 1 });
    const e = new Echo();
    const host = net.attach(e, [B]);
    net.send(host, { from: C, to: A, data: enc.encode("x") });
    net.send(host, { from: B, to: { address: "203.0.113.9", port: 1 }, data: enc.encode("y") });
    net.inject(C, { address: B.address, port: 1234 }, enc.encode("z"));
    runFor(net, 10);
    expect(net.counters.dropped["unknown-source"]).toBe(1);
    expect(net.counters.dropped["unknown-destination"]).toBe(2);
    expect(net.counters.delivered).toBe(0);
    expect(e.seen).toEqual([]);
  });

  it("drops datagrams above the MTU", () => {
    const net = new SimNetwork({ seed: 1, mtu: 1200 });
    const sink = new Sink();
    net.attach(new Blaster(A, B, 3, 1201), [A]);
    net.attach(sink, [B]);
    runFor(net, 10);
    expect(net.counters.dropped["over-mtu"]).toBe(3);
    expect(sink.seqs).toEqual([]);
  });

  it("loses about lossRate of the datagrams, duplicates about duplicateRate, reorders with random delay", () => {
    const n = 2000;
    const net = new SimNetwork({ seed: 99, lossRate: 0.3, duplicateRate: 0.1, delayMs: [5, 50] });
    const sink = new Sink();
    net.attach(new Blaster(A, B, n), [A]);
    net.attach(sink, [B]);
    runFor(net, n + 100, { maxSteps: 10 * n });
    const d = net.direction(A, B);
    expect(d.sent).toBe(n);
    // Binomial(n, 0.3): sd ≈ 20; allow 5 sd.
    expect(Math.abs(d.lost - 0.3 * n)).toBeLessThan(100);
    expect(Math.abs(d.duplicated - 0.1 * (n - d.lost))).toBeLessThan(60);
    expect(d.delivered).toBe(n - d.lost + d.duplicated);
    expect(sink.seqs.length).toBe(d.delivered);
    let inversions = 0;
    for (let i = 1; i < sink.seqs.length; i++) if (sink.seqs[i]! < sink.seqs[i - 1]!) inversions++;
    expect(inversions).toBeGreaterThan(100);
    sink.seqs.forEach((seq, i) => {
      const delay = sink.at[i]! - seq;
      expect(delay).toBeGreaterThanOrEqual(5);
      expect(delay).toBeLessThanOrEqual(50);
    });
  });

  it("is deterministic: the same seed gives the same trace, another seed another", () => {
    const run = (seed: number): string[] => {
      const trace: string[] = [];
      const record = (e: SimTraceEvent): void => {
        trace.push(JSON.stringify(e));
      };
      const net = new SimNetwork({
        seed,
        lossRate: 0.4,
        duplicateRate: 0.2,
        delayMs: [1, 30],
        trace: record,
      });
      const p = new Pinger(A, B, 20, 20);
      net.attach(p, [A]);
      net.attach(new Echo(), [B]);
      runFor(net, 1000);
      return trace;
    };
    const t1 = run(5);
    expect(t1.length).toBeGreaterThan(4);
    expect(run(5)).toEqual(t1);
    expect(run(6)).not.toEqual(t1);
  });

  it("a link rule silences one direction from time T; retransmits then go unanswered", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p = new Pinger(A, B, 100, 5);
    const e = new Echo();
    net.attach(p, [A]);
    net.attach(e, [B]);
    net.silence(B, A, 15); // the first ping (arriving at 10) is answered; later pongs are not
    runUntil(net, () => p.done, { maxSteps: 50 });
    expect(p.tries).toBe(1);
    // Now a second pinger whose pongs fall after T: all 5 tries fail.
    const net2 = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p2 = new Pinger(A, B, 100, 5);
    net2.attach(p2, [A]);
    net2.attach(new Echo(), [B]);
    net2.silence(B, A, 5);
    runFor(net2, 1000);
    expect(p2.tries).toBe(5);
    expect(p2.done).toBe(false);
    expect(net2.direction(B, A)).toMatchObject({ sent: 5, delivered: 0, dropped: 5 });
    expect(net2.counters.dropped["link-blocked"]).toBe(5);
  });

  it("block() cuts both directions for a window", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p = new Pinger(A, B, 100, 5);
    net.attach(p, [A]);
    net.attach(new Echo(), [B]);
    net.block({ address: A.address }, { address: B.address }, { untilMs: 250 });
    const r = runUntil(net, () => p.done);
    expect(p.tries).toBe(4); // tries at 0, 100, 200 blocked; 300 answered
    expect(r.now).toBe(320);
  });
});
