/**
 * NAT traversal, Tern ↔ Tern, in the lab of ../natlab (network namespaces, Linux NAT routers, coturn).
 * Each test runs two @tern/ice peer processes, one behind each NAT router, and checks the selected pair
 * both sides report and that application datagrams flow both ways on it. Run with `pnpm test:nat` (root).
 */
import { afterEach, describe, expect, it } from "vitest";
import { clearImpair, coturnLog, impair, type NatMode, setNatMode } from "../natlab/lab.js";
import type { PeerReport } from "../natlab/peer-protocol.js";
import { describe as describeRun, runScenario, type ScenarioResult } from "../natlab/scenario.js";

const DATAGRAMS = 200;

function nats(a: NatMode, b: NatMode): void {
  setNatMode("nat-a", a);
  setNatMode("nat-b", b);
}

/** What each side saw, and both peers' output: the message of every assertion. */
function why(r: ScenarioResult): string {
  return `${describeRun(r)}\n${r.log}`;
}

function endpoint(c: { address: string; port: number } | undefined): string {
  return c ? `${c.address}:${c.port}` : "none";
}

/** Both sides connected on the same path: my local candidate is the peer's remote one, and back. */
function expectSamePath(r: ScenarioResult): void {
  expect(r.a.pair, why(r)).toBeDefined();
  expect(r.b.pair, why(r)).toBeDefined();
  expect(endpoint(r.a.pair?.local), why(r)).toBe(endpoint(r.b.pair?.remote));
  expect(endpoint(r.b.pair?.local), why(r)).toBe(endpoint(r.a.pair?.remote));
}

function expectAllDatagrams(r: ScenarioResult): void {
  for (const p of [r.a, r.b]) {
    expect(p.sent, why(r)).toBe(DATAGRAMS);
    expect(p.received, why(r)).toBe(DATAGRAMS);
    expect(p.receivedOther, why(r)).toBe(0);
  }
}

function connected(p: PeerReport): boolean {
  return p.connectedMs !== undefined && p.failedMs === undefined;
}

describe("Tern ↔ Tern across NATs", () => {
  afterEach(() => {
    clearImpair("nat-a");
  });

  it("cone ↔ cone with STUN: connects on server-reflexive addresses and datagrams flow both ways", async () => {
    nats("cone", "cone");
    const r = await runScenario({
      a: { impl: "tern", host: "host-a", role: "controlling", stun: true },
      b: { impl: "tern", host: "host-b", role: "controlled", stun: true },
    });
    console.log(describeRun(r));
    expect(connected(r.a) && connected(r.b), why(r)).toBe(true);
    for (const p of [r.a, r.b]) {
      expect(["srflx", "prflx"], why(r)).toContain(p.pair?.local.type);
      expect(["srflx", "prflx"], why(r)).toContain(p.pair?.remote.type);
    }
    // The path runs between the two routers' WAN addresses: the hosts' private addresses cannot meet.
    expect(r.a.pair?.local.address, why(r)).toBe("100.64.0.2");
    expect(r.b.pair?.local.address, why(r)).toBe("100.64.0.3");
    expectSamePath(r);
    expectAllDatagrams(r);
  });

  it("full cone ↔ symmetric with STUN: the symmetric side is reached on a peer-reflexive address", async () => {
    nats("fullcone", "symmetric");
    const r = await runScenario({
      a: { impl: "tern", host: "host-a", role: "controlling", stun: true },
      b: { impl: "tern", host: "host-b", role: "controlled", stun: true },
    });
    console.log(describeRun(r));
    expect(connected(r.a) && connected(r.b), why(r)).toBe(true);
    // b's mapping towards a differs from the one coturn saw: a learns it from b's checks (RFC 8445 §7.3.1.3).
    expect(r.a.pair?.local.type, why(r)).toBe("srflx");
    expect(r.a.pair?.remote.type, why(r)).toBe("prflx");
    expect(r.b.pair?.local.address, why(r)).toBe("100.64.0.3");
    expectSamePath(r);
    expectAllDatagrams(r);
  });

  it("symmetric ↔ symmetric with STUN only: both fail at the checking timeout, report and exit", async () => {
    nats("symmetric", "symmetric");
    const checkingTimeoutMs = 8000;
    const r = await runScenario({
      a: { impl: "tern", host: "host-a", role: "controlling", stun: true },
      b: { impl: "tern", host: "host-b", role: "controlled", stun: true },
      checkingTimeoutMs,
    });
    console.log(describeRun(r));
    for (const p of [r.a, r.b]) {
      expect(p.state, why(r)).toBe("failed");
      expect(p.connectedMs, why(r)).toBeUndefined();
      expect(p.pair, why(r)).toBeUndefined();
      expect(p.failure, why(r)).toMatch(/^checking-timeout/);
      expect(p.failedMs, why(r)).toBeGreaterThanOrEqual(checkingTimeoutMs);
      expect(p.failedMs, why(r)).toBeLessThan(checkingTimeoutMs + 2000);
      // STUN did work: each side had its server-reflexive candidate, there was just no way through.
      expect(
        p.localCandidates.some((c) => c.includes(" typ srflx")),
        why(r),
      ).toBe(true);
    }
    expect(r.wallMs, why(r)).toBeLessThan(checkingTimeoutMs + 4000);
  });

  it("symmetric ↔ symmetric with TURN: connects through the relay and datagrams flow both ways", async () => {
    nats("symmetric", "symmetric");
    const r = await runScenario({
      a: { impl: "tern", host: "host-a", role: "controlling", stun: true, turn: "udp" },
      b: { impl: "tern", host: "host-b", role: "controlled", stun: true, turn: "udp" },
    });
    console.log(describeRun(r));
    expect(connected(r.a) && connected(r.b), `${why(r)}\n${coturnLog()}`).toBe(true);
    // At least one end relays (the other may reach the relay address from its own NAT mapping).
    expect([r.a.pair?.local.type, r.b.pair?.local.type], why(r)).toContain("relay");
    expectSamePath(r);
    expectAllDatagrams(r);
  });

  for (const transport of ["udp", "tcp"] as const) {
    it(`relay-only policy over TURN/${transport.toUpperCase()}: relay ↔ relay, datagrams flow both ways`, async () => {
      nats("symmetric", "symmetric");
      const r = await runScenario({
        a: { impl: "tern", host: "host-a", role: "controlling", turn: transport, policy: "relay" },
        b: { impl: "tern", host: "host-b", role: "controlled", turn: transport, policy: "relay" },
      });
      console.log(describeRun(r));
      expect(connected(r.a) && connected(r.b), `${why(r)}\n${coturnLog()}`).toBe(true);
      for (const p of [r.a, r.b]) {
        expect(p.pair?.local.type, why(r)).toBe("relay");
        expect(p.pair?.remote.type, why(r)).toBe("relay");
        expect(p.pair?.local.address, why(r)).toBe("100.64.0.10");
        // The relay policy gathers nothing else.
        expect(
          p.localCandidates.every((c) => c.includes(" typ relay")),
          why(r),
        ).toBe(true);
      }
      expectSamePath(r);
      // Each peer reaches coturn over the transport asked for: one TCP connection each, or none.
      expect(r.turnTcpConnections, why(r)).toBe(transport === "tcp" ? 2 : 0);
      expectAllDatagrams(r);
    });
  }

  it("cone ↔ cone with 20 % loss and 50 ms delay each way: connects, most datagrams arrive", async () => {
    nats("cone", "cone");
    // Every packet through nat-a, both directions: +50 ms, 20 % dropped (NFQUEUE, no netem here).
    impair("nat-a", 50, 20);
    const r = await runScenario({
      a: { impl: "tern", host: "host-a", role: "controlling", stun: true },
      b: { impl: "tern", host: "host-b", role: "controlled", stun: true },
      checkingTimeoutMs: 15_000,
      drainMs: 1500,
    });
    console.log(describeRun(r));
    expect(connected(r.a) && connected(r.b), why(r)).toBe(true);
    for (const p of [r.a, r.b]) {
      expect(["srflx", "prflx"], why(r)).toContain(p.pair?.local.type);
      expect(p.sent, why(r)).toBe(DATAGRAMS);
      // 20 % loss: ~160 expected; fewer than 100 would mean more than the lab's loss.
      expect(p.received, why(r)).toBeGreaterThanOrEqual(100);
    }
    expectSamePath(r);
    // The impairment is real: across 400 datagrams some were lost.
    expect((r.a.received ?? 0) + (r.b.received ?? 0), why(r)).toBeLessThan(2 * DATAGRAMS);
  });
});
