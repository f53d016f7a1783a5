import { describe, expect, it } from "vitest";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { runFor, runUntil, SimStallError, step } from "./driver.js";
import { Prng } from "./prng.js";
import {
  type Millis,
  type SimEndpoint,
  SimNetwork,
  type SimTraceEvent,
  type SimTransmit,
} from "./sim-network.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Sends "ping" to `peer` every `rtoMs` until it hears a "pong", at most `maxTries` times. */
class Pinger implements SimEndpoint {
  readonly out: SimTransmit[] = [];
  readonly received: { at: Millis; from: TransportAddr; text: string }[] = [];
  tries = 0;
  #next: Millis | undefined = 0;
  constructor(
    readonly local: TransportAddr,
    readonly peer: TransportAddr,
    readonly rtoMs = 100,
    readonly maxTries = 5,
  ) {}
  get done(): boolean {
    return this.received.some((r) => r.text.startsWith("pong"));
  }
  handleDatagram(now: Millis, _local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    this.received.push({ at: now, from: remote, text: dec.decode(data) });
    if (this.done) this.#next = undefined;
  }
  handleTimeout(now: Millis): void {
    if (this.#next === undefined || now < this.#next) return;
    if (this.tries >= this.maxTries) {
      this.#next = undefined;
      return;
    }
    this.tries++;
    this.out.push({ from: this.local, to: this.peer, data: enc.encode(`ping ${this.tries}`) });
    this.#next = now + this.rtoMs;
  }
  pollTransmit(): SimTransmit | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return this.#next;
  }
}

/** Answers every datagram with "pong <data>" to its source, from the address it arrived on. */
class Echo implements SimEndpoint {
  readonly out: SimTransmit[] = [];
  readonly seen: { at: Millis; from: TransportAddr; local: TransportAddr; text: string }[] = [];
  constructor(readonly reply = true) {}
  handleDatagram(now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    const text = dec.decode(data);
    this.seen.push({ at: now, from: remote, local, text });
    if (this.reply) this.out.push({ from: local, to: remote, data: enc.encode(`pong ${text}`) });
  }
  handleTimeout(): void {}
  pollTransmit(): SimTransmit | undefined {
    return this.out.shift();
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

/** Sends `count` numbered datagrams, one per ms from t=0. */
class Blaster implements SimEndpoint {
  sent = 0;
  #out: SimTransmit | undefined;
  constructor(
    readonly local: TransportAddr,
    readonly peer: TransportAddr,
    readonly count: number,
    readonly size = 4,
  ) {}
  handleDatagram(): void {}
  handleTimeout(): void {
    const data = new Uint8Array(this.size);
    new DataView(data.buffer).setUint32(0, this.sent);
    this.#out = { from: this.local, to: this.peer, data };
    this.sent++;
  }
  pollTransmit(): SimTransmit | undefined {
    const t = this.#out;
    this.#out = undefined;
    return t;
  }
  pollTimeout(): Millis | undefined {
    return this.sent < this.count ? this.sent : undefined;
  }
}

class Sink implements SimEndpoint {
  readonly seqs: number[] = [];
  readonly at: Millis[] = [];
  handleDatagram(now: Millis, _l: TransportAddr, _r: TransportAddr, data: Uint8Array): void {
    this.seqs.push(new DataView(data.buffer, data.byteOffset).getUint32(0));
    this.at.push(now);
  }
  handleTimeout(): void {}
  pollTransmit(): SimTransmit | undefined {
    return undefined;
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

const A: TransportAddr = { address: "10.0.0.1", port: 5000 };
const B: TransportAddr = { address: "198.51.100.2", port: 6000 };
const C: TransportAddr = { address: "198.51.100.3", port: 7000 };

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

describe("SimNat", () => {
  function natScene(
    mapping: "endpoint-independent" | "address-dependent" | "address-and-port-dependent",
    filtering: "endpoint-independent" | "address-dependent" | "address-and-port-dependent",
  ) {
    const net = new SimNetwork({ seed: 3, delayMs: [5, 5] });
    const nat = net.createNat({ publicAddress: "203.0.113.1", mapping, filtering, portStart: 40000 });
    const p = new Pinger(A, B, 100, 1);
    net.attach(p, [A], { nat, name: "private" });
    const echoB = new Echo();
    const echoC = new Echo();
    const b = net.attach(echoB, [B, { address: B.address, port: 6001 }], { name: "B" });
    const c = net.attach(echoC, [C], { name: "C" });
    return { net, nat, p, echoB, echoC, b, c };
  }

  it("maps the private source to the public address and lets the reply through", () => {
    const { net, nat, p, echoB } = natScene("endpoint-independent", "address-and-port-dependent");
    runUntil(net, () => p.done);
    expect(echoB.seen[0]?.from).toEqual({ address: "203.0.113.1", port: 40000 });
    expect(p.received[0]).toMatchObject({ from: B, text: "pong ping 1" });
    expect(nat.mappings(net.now())).toEqual([
      { internal: A, external: { address: "203.0.113.1", port: 40000 }, destination: "", lastOutboundMs: 0 },
    ]);
  });

  it("drops unsolicited inbound on a port-restricted NAT, passes it on a full-cone one", () => {
    for (const [filtering, passes] of [
      ["address-and-port-dependent", false],
      ["endpoint-independent", true],
    ] as const) {
      const { net, nat, p } = natScene("endpoint-independent", filtering);
      runUntil(net, () => p.done);
      net.inject(C, { address: "203.0.113.1", port: 40000 }, enc.encode("hello"));
      net.inject(C, { address: "203.0.113.1", port: 40999 }, enc.encode("no mapping"));
      runFor(net, 50);
      expect(p.received.some((r) => r.text === "hello")).toBe(passes);
      expect(nat.counters.inboundFiltered).toBe(passes ? 0 : 1);
      expect(net.counters.dropped["nat-filtered"]).toBe(passes ? 0 : 1);
      expect(net.counters.dropped["nat-no-mapping"]).toBe(1);
    }
  });

  it("address-dependent filtering passes another port of a contacted IP, not another IP", () => {
    const { net, p, b, c } = natScene("endpoint-independent", "address-dependent");
    runUntil(net, () => p.done);
    net.send(b, {
      from: { address: B.address, port: 6001 },
      to: { address: "203.0.113.1", port: 40000 },
      data: enc.encode("b2"),
    });
    net.send(c, { from: C, to: { address: "203.0.113.1", port: 40000 }, data: enc.encode("c") });
    runFor(net, 50);
    expect(p.received.map((r) => r.text)).toEqual(["pong ping 1", "b2"]);
    expect(net.counters.dropped["nat-filtered"]).toBe(1);
  });

  it("endpoint-independent mapping reuses the external port; symmetric gives one per destination", () => {
    for (const [mapping, samePort] of [
      ["endpoint-independent", true],
      ["address-and-port-dependent", false],
    ] as const) {
      const net = new SimNetwork({ seed: 11 });
      const nat = net.createNat({ publicAddress: "203.0.113.1", mapping });
      const a = net.attach(new Echo(false), [A], { nat });
      const echoB = new Echo(false);
      const echoC = new Echo(false);
      net.attach(echoB, [B]);
      net.attach(echoC, [C]);
      net.send(a, { from: A, to: B, data: enc.encode("1") });
      net.send(a, { from: A, to: C, data: enc.encode("2") });
      net.send(a, { from: A, to: B, data: enc.encode("3") });
      runFor(net, 10);
      const [b1, b3] = echoB.seen;
      const [c2] = echoC.seen;
      expect(b1?.from.port).toBe(b3?.from.port);
      expect(b1?.from.port === c2?.from.port).toBe(samePort);
      expect(nat.counters.mappingsCreated).toBe(samePort ? 1 : 2);
      expect(b1?.from.port).toBeGreaterThanOrEqual(20000); // seeded start in [20000, 59999]
    }
  });

  it("forgets a mapping after mappingTimeoutMs and allocates a new port", () => {
    const net = new SimNetwork({ seed: 2 });
    const nat = net.createNat({ publicAddress: "203.0.113.1", mappingTimeoutMs: 1000, portStart: 50000 });
    const a = net.attach(new Echo(false), [A], { nat });
    const echoB = new Echo(true);
    net.attach(echoB, [B]);
    net.send(a, { from: A, to: B, data: enc.encode("1") });
    runFor(net, 1000);
    net.inject(B, { address: "203.0.113.1", port: 50000 }, enc.encode("late"));
    runFor(net, 1);
    expect(net.counters.dropped["nat-no-mapping"]).toBe(1);
    expect(nat.counters.mappingsExpired).toBe(1);
    net.send(a, { from: A, to: B, data: enc.encode("2") });
    runFor(net, 1);
    expect(echoB.seen.map((s) => s.from.port)).toEqual([50000, 50001]);
  });

  it("hosts in the same private realm talk directly, without the NAT", () => {
    const net = new SimNetwork({ seed: 2 });
    const nat = net.createNat({ publicAddress: "203.0.113.1" });
    const p = new Pinger(A, { address: "10.0.0.2", port: 5000 });
    const e = new Echo();
    net.attach(p, [A], { nat });
    net.attach(e, [{ address: "10.0.0.2", port: 5000 }], { nat });
    runUntil(net, () => p.done);
    expect(e.seen[0]?.from).toEqual(A);
    expect(nat.counters.mappingsCreated).toBe(0);
  });
});

describe("driver", () => {
  it("fails loudly on a livelock (a deadline that never moves)", () => {
    const net = new SimNetwork({ seed: 1 });
    const stuck: SimEndpoint = {
      handleDatagram() {},
      handleTimeout() {},
      pollTransmit: () => undefined,
      pollTimeout: () => 0,
    };
    net.attach(stuck, [A]);
    const err = (() => {
      try {
        runUntil(net, () => false, { maxSteps: 50 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SimStallError);
    expect(err).toMatchObject({ kind: "livelock", steps: 50, now: 0 });
  });

  it("fails loudly on a deadlock and on the virtual time limit", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p = new Pinger(A, B, 100, 2);
    net.attach(p, [A]);
    net.attach(new Echo(false), [B]); // never answers
    expect(() => runUntil(net, () => p.done)).toThrow(/deadlock/);
    expect(net.now()).toBe(200); // the second ping went at 100; the pinger gave up at 200
    const net2 = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p2 = new Pinger(A, B, 100, 1000);
    net2.attach(p2, [A]);
    net2.attach(new Echo(false), [B]);
    expect(() => runUntil(net2, () => p2.done, { maxTimeMs: 1000 })).toThrow(/time limit/);
    expect(net2.now()).toBeLessThanOrEqual(1000);
  });

  it("runFor moves the clock to the end even when nothing is pending; step reports the next event", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [7, 7] });
    const p = new Pinger(A, B, 100, 1);
    net.attach(p, [A]);
    net.attach(new Echo(false), [B]);
    expect(step(net)).toBe(7); // ping sent at 0, arrives at 7
    expect(runFor(net, 5000).now).toBe(5000);
    expect(net.now()).toBe(5000);
    expect(() => net.advanceTo(10)).toThrow(RangeError);
  });
});
