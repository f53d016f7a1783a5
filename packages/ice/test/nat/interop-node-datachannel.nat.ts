/**
 * NAT traversal, node-datachannel (libdatachannel/libjuice, controlling: it offers) ↔ Tern (controlled),
 * in the lab of ../natlab. ICE only: the node-datachannel peer is answered with a minimal SDP on Tern's
 * behalf (see natlab/peer-ndc.ts), so after ICE it starts DTLS as client and Tern, which has no DTLS
 * here, receives its handshake records on the selected pair and never answers. What is asserted: both
 * ICE agents connected on the same path with the expected candidate types, and node-datachannel's DTLS
 * datagrams reached Tern over it. Tern's datagrams the other way reach libdatachannel's DTLS layer, which
 * drops them unseen: that direction is shown by ICE's own checks. Run with `pnpm test:nat` (root).
 */
import { describe, expect, it } from "vitest";
import { coturnLog, setNatMode } from "../natlab/lab.js";
import { describe as describeRun, runScenario, type ScenarioResult } from "../natlab/scenario.js";

function why(r: ScenarioResult): string {
  return `${describeRun(r)}\n${r.log}\n${coturnLog(20)}`;
}

function endpoint(c: { address: string; port: number } | undefined): string {
  return c ? `${c.address}:${c.port}` : "none";
}

function expectConnectedOnOnePath(r: ScenarioResult): void {
  expect(r.a.impl).toBe("node-datachannel");
  expect(r.b.impl).toBe("tern");
  for (const p of [r.a, r.b]) {
    expect(p.connectedMs, why(r)).toBeDefined();
    expect(p.failedMs, why(r)).toBeUndefined();
  }
  expect(endpoint(r.a.pair?.local), why(r)).toBe(endpoint(r.b.pair?.remote));
  expect(endpoint(r.b.pair?.local), why(r)).toBe(endpoint(r.a.pair?.remote));
  // node-datachannel's DTLS ClientHello (first byte 22, RFC 7983) came through to Tern on that path.
  expect(r.b.receivedOther, why(r)).toBeGreaterThan(0);
  expect(r.b.received, why(r)).toBe(0);
}

describe("node-datachannel ↔ Tern across NATs (ICE only)", () => {
  it("symmetric ↔ symmetric with STUN + TURN/UDP: connects through the relay", async () => {
    setNatMode("nat-a", "symmetric");
    setNatMode("nat-b", "symmetric");
    const r = await runScenario({
      a: { impl: "node-datachannel", host: "host-a", role: "controlling", stun: true, turn: "udp" },
      b: { impl: "tern", host: "host-b", role: "controlled", stun: true, turn: "udp" },
    });
    console.log(describeRun(r));
    expectConnectedOnOnePath(r);
    expect([r.a.pair?.local.type, r.b.pair?.local.type], why(r)).toContain("relay");
  });

  it("relay-only policy over TURN/UDP: relay ↔ relay", async () => {
    setNatMode("nat-a", "symmetric");
    setNatMode("nat-b", "symmetric");
    const r = await runScenario({
      a: { impl: "node-datachannel", host: "host-a", role: "controlling", turn: "udp", policy: "relay" },
      b: { impl: "tern", host: "host-b", role: "controlled", turn: "udp", policy: "relay" },
    });
    console.log(describeRun(r));
    expectConnectedOnOnePath(r);
    for (const p of [r.a, r.b]) {
      expect(p.pair?.local.type, why(r)).toBe("relay");
      expect(p.pair?.remote.type, why(r)).toBe("relay");
    }
  });
});
