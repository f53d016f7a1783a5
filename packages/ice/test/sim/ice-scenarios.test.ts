import { describe, expect, it } from "vitest";
import type { Millis } from "../../src/machine/ice-types.js";
import { StunBindingServer } from "../../src/machine/stun-binding-server.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import { runFor, runUntil } from "./driver.js";
import { icePair, start } from "./ice-pair.js";
import { type SimEndpoint, SimNetwork, type SimTransmit } from "./sim-network.js";

/** The sans-IO STUN binding server as a simulated host. */
class SimStunServer implements SimEndpoint {
  readonly server = new StunBindingServer();
  constructor(readonly addr: TransportAddr) {}
  handleDatagram(now: Millis, _local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    this.server.handleDatagram(now, remote, data);
  }
  handleTimeout(): void {}
  pollTransmit(): SimTransmit | undefined {
    const t = this.server.pollTransmit();
    return t ? { from: this.addr, to: t.to, data: t.data } : undefined;
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

const dtls = (s: string): Uint8Array => Uint8Array.from([22, ...new TextEncoder().encode(s)]);
const text = (d: Uint8Array): string => new TextDecoder().decode(d.subarray(1));

describe("ICE scenarios", () => {
  it("through endpoint-independent NATs: server-reflexive candidates gathered, srflx/prflx pair selected", () => {
    const net = new SimNetwork({ seed: 21, delayMs: [3, 8] });
    const stunAddr = { address: "198.51.100.1", port: 3478 };
    net.attach(new SimStunServer(stunAddr), [stunAddr], { name: "stun" });
    const natA = net.createNat({
      publicAddress: "203.0.113.1",
      mapping: "endpoint-independent",
      filtering: "address-and-port-dependent",
    });
    const natB = net.createNat({
      publicAddress: "203.0.113.2",
      mapping: "endpoint-independent",
      filtering: "address-and-port-dependent",
    });
    const { a, b } = icePair(net, {
      a: { stunServers: [stunAddr] },
      b: { stunServers: [stunAddr] },
      aBases: [{ address: "192.168.1.10", port: 5000 }],
      bBases: [{ address: "192.168.2.20", port: 6000 }],
      natA,
      natB,
    });
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 20_000, maxTimeMs: 10_000 });
    const srflxA = a.agent.localCandidates.find((c) => c.type === "srflx");
    expect(srflxA?.address).toBe("203.0.113.1");
    expect(srflxA?.relatedAddress).toBe("192.168.1.10");
    const pa = a.agent.selectedPair;
    const pb = b.agent.selectedPair;
    // Each side reaches the other's public mapping; host candidates (private, other realm) cannot work.
    expect(pa?.remote.address).toBe("203.0.113.2");
    expect(pb?.remote.address).toBe("203.0.113.1");
    expect(["srflx", "prflx"]).toContain(pa?.remote.type);
    expect(["srflx", "prflx"]).toContain(pa?.local.type);
    expect(pa?.base).toEqual({ address: "192.168.1.10", port: 5000 });
    a.agent.send(dtls("through the NAT"));
    runFor(net, 100);
    expect(b.received.map(text)).toEqual(["through the NAT"]);
  });

  it("repairs a role conflict: both start controlling, exactly one stays controlling, they connect", () => {
    for (const seed of [31, 32, 33, 34]) {
      const net = new SimNetwork({ seed, delayMs: [2, 10] });
      const { a, b } = icePair(net, { a: { role: "controlling" }, b: { role: "controlling" } });
      start(net, a, b);
      runUntil(net, () => a.connected() && b.connected(), { maxSteps: 20_000, maxTimeMs: 10_000 });
      expect(new Set([a.agent.iceRole, b.agent.iceRole])).toEqual(new Set(["controlling", "controlled"]));
      const switched = [a, b].filter((p) => p.events.some((e) => e.kind === "role-change"));
      expect(switched).toHaveLength(1);
      expect(
        a.agent.counters["stun-role-conflict-sent"] + b.agent.counters["stun-role-conflict-sent"],
      ).toBeGreaterThan(0);
    }
    // both controlled: also repaired
    const net = new SimNetwork({ seed: 35, delayMs: [2, 10] });
    const { a, b } = icePair(net, { a: { role: "controlled" }, b: { role: "controlled" } });
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 20_000, maxTimeMs: 10_000 });
    expect(new Set([a.agent.iceRole, b.agent.iceRole])).toEqual(new Set(["controlling", "controlled"]));
  });

  it("consent freshness: checks keep a quiet pair alive; 30 s of silence from the peer → failed", () => {
    const net = new SimNetwork({ seed: 41, delayMs: [5, 5] });
    const { a, b } = icePair(net);
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    // Two minutes with no application data: consent checks (≈ every 4–6 s) keep it alive.
    runFor(net, 120_000);
    expect(a.connected()).toBe(true);
    expect(b.connected()).toBe(true);
    const sent = a.agent.counters["consent-sent"];
    expect(sent).toBeGreaterThanOrEqual(120 / 6);
    expect(sent).toBeLessThanOrEqual(120 / 4 + 1);

    // B goes silent towards A (B's responses are lost); A must declare consent lost at 30 s, not before.
    const silentAt = net.now();
    net.silence({ address: "10.0.0.2" }, { address: "10.0.0.1" }, silentAt);
    runUntil(net, () => a.state === "disconnected", { maxSteps: 10_000 });
    expect(net.now() - silentAt).toBeLessThan(20_000);
    runUntil(net, () => a.state === "failed", { maxSteps: 10_000 });
    const lostAfter = net.now() - silentAt;
    // Consent was last refreshed up to one interval (≤ 6 s) before the silence began.
    expect(lostAfter).toBeGreaterThan(30_000 - 6_000);
    expect(lostAfter).toBeLessThanOrEqual(30_000);
    const failed = a.events.find((e) => e.kind === "failed");
    expect(failed?.kind === "failed" && failed.error.code).toBe("consent-expired");
    expect(() => a.agent.send(dtls("x"))).toThrow(/no selected candidate pair/);
  });

  it("ICE restart: the old pair carries data until the new generation selects a pair", () => {
    const net = new SimNetwork({ seed: 51, delayMs: [5, 5] });
    const { a, b } = icePair(net, {
      aBases: [
        { address: "10.0.0.1", port: 5000 },
        { address: "10.0.1.1", port: 5001 },
      ],
    });
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    const before = a.agent.selectedPair;
    const oldCreds = a.agent.credentials;

    // A restarts; until B answers, data still flows on the old pair, both ways.
    const newCreds = a.agent.restart(net.now());
    expect(newCreds.ufrag).not.toBe(oldCreds.ufrag);
    let sentA = 0;
    let sentB = 0;
    const pump = (): void => {
      a.agent.send(dtls(`a${sentA++}`));
      b.agent.send(dtls(`b${sentB++}`));
    };
    for (let i = 0; i < 10; i++) {
      pump();
      runFor(net, 20);
    }
    // "Signaling" of the restart: B restarts too (the answer), both learn the new credentials and gather.
    const bNew = b.agent.restart(net.now());
    a.agent.setRemoteCredentials(net.now(), bNew);
    b.agent.setRemoteCredentials(net.now(), newCreds);
    a.agent.gather(net.now(), a.bases);
    a.drainEvents(net.now());
    b.agent.gather(net.now(), b.bases);
    b.drainEvents(net.now());
    const selections = (): number => a.events.filter((e) => e.kind === "selected-pair").length;
    while (selections() < 2) {
      pump();
      runFor(net, 10);
      if (net.now() > 60_000) throw new Error("restart never selected a new pair");
    }
    for (let i = 0; i < 5; i++) {
      pump();
      runFor(net, 20);
    }
    expect(a.connected() && b.connected()).toBe(true);
    // Not one datagram was lost across the restart (the link is lossless; the pair never went away).
    expect(b.received.length).toBe(sentA);
    expect(a.received.length).toBe(sentB);
    expect(a.agent.selectedPair).toBeDefined();
    expect(before).toBeDefined();
    expect(a.states).not.toContain("failed");
    expect(a.states).not.toContain("disconnected");
  });

  it("bad input: garbage, forged checks and unknown responses are dropped and counted, never thrown", () => {
    const net = new SimNetwork({ seed: 61, delayMs: [1, 1] });
    const { a, b } = icePair(net);
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    const from = { address: "10.0.0.2", port: 6000 };
    const local = { address: "10.0.0.1", port: 5000 };
    const before = { ...a.agent.counters };
    // malformed STUN (first byte 0, bad cookie), non-demuxable byte, and a stranger's DTLS
    a.agent.handleDatagram(net.now(), local, from, Uint8Array.of(0, 1, 0, 0, 1, 2, 3, 4));
    a.agent.handleDatagram(net.now(), local, from, Uint8Array.of(99, 1));
    a.agent.handleDatagram(net.now(), local, { address: "10.9.9.9", port: 1 }, Uint8Array.of(22, 1));
    expect(a.agent.counters["stun-malformed"]).toBe(before["stun-malformed"] + 1);
    expect(a.agent.counters["data-not-demuxable"]).toBe(before["data-not-demuxable"] + 1);
    expect(a.agent.counters["data-unknown-source"]).toBe(before["data-unknown-source"] + 1);
    for (let i = 0; i < 1000; i++) {
      const junk = net.prng.bytes(net.prng.int(0, 200));
      junk[0] = (junk[0] ?? 0) & 3;
      a.agent.handleDatagram(net.now(), local, from, junk);
    }
    expect(a.connected()).toBe(true);
  });

  it("acceptsData (the media path's check): the selected pair's DTLS/RTP goes up; the rest is counted, no event", () => {
    const net = new SimNetwork({ seed: 62, delayMs: [1, 1] });
    const { a, b } = icePair(net);
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    const pair = a.agent.selectedPair;
    if (!pair) throw new Error("no selected pair");
    const local = pair.base;
    const remote = { address: pair.remote.address, port: pair.remote.port };
    while (a.agent.pollEvent()) {}
    const before = { ...a.agent.counters };
    expect(a.agent.acceptsData(local, remote, Uint8Array.of(0x80, 96))).toBe(true); // RTP
    expect(a.agent.acceptsData(local, remote, Uint8Array.of(22, 0xfe))).toBe(true); // DTLS
    expect(a.agent.acceptsData(local, remote, Uint8Array.of(99, 1))).toBe(false);
    expect(a.agent.acceptsData(local, { address: "10.9.9.9", port: 1 }, Uint8Array.of(0x80, 96))).toBe(false);
    expect(a.agent.counters["data-not-demuxable"]).toBe(before["data-not-demuxable"] + 1);
    expect(a.agent.counters["data-unknown-source"]).toBe(before["data-unknown-source"] + 1);
    expect(a.agent.pollEvent()).toBeUndefined();
    a.agent.close(net.now());
    expect(a.agent.acceptsData(local, remote, Uint8Array.of(0x80, 96))).toBe(false);
  });
});
