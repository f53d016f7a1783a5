/** SimNat: RFC 4787 mapping and filtering behaviours, mapping timeouts, and hosts in one private realm. */
import { describe, expect, it } from "vitest";
import { runFor, runUntil } from "./driver.js";
import { SimNetwork } from "./sim-network.js";
import { A, B, C, Echo, enc, Pinger } from "./toy-endpoints.js";

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
