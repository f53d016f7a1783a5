import { describe, expect, it } from "vitest";
import { runFor, runUntil } from "./driver.js";
import { icePair, start } from "./ice-pair.js";
import { SimNetwork } from "./sim-network.js";

const enc = new TextEncoder();

describe("ICE over a simulated network", () => {
  it("connects on a clean link, both agents select the same pair, data flows both ways", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [5, 5] });
    const { a, b } = icePair(net);
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    expect(a.agent.iceRole).toBe("controlling");
    expect(b.agent.iceRole).toBe("controlled");
    const pa = a.agent.selectedPair;
    const pb = b.agent.selectedPair;
    expect(pa?.base).toEqual({ address: "10.0.0.1", port: 5000 });
    expect(pb?.base).toEqual({ address: "10.0.0.2", port: 6000 });
    expect({ address: pa?.remote.address, port: pa?.remote.port }).toEqual(pb?.base);
    expect({ address: pb?.remote.address, port: pb?.remote.port }).toEqual(pa?.base);
    // One RTT of checks plus the nomination on a 5 ms link.
    expect(net.now()).toBeLessThan(100);

    a.agent.send(Uint8Array.of(23, 1, 2, 3)); // a DTLS-looking datagram (RFC 7983: 20..63)
    b.agent.send(Uint8Array.of(128, 9, 9)); // RTP-looking
    runFor(net, 50);
    expect(b.received.map((d) => [...d])).toEqual([[23, 1, 2, 3]]);
    expect(a.received.map((d) => [...d])).toEqual([[128, 9, 9]]);
    expect(a.states).toEqual(["checking", "connected", "completed"]);
  });

  it("connects with 20 % loss and reordering, deterministically for a seed", () => {
    const times: number[] = [];
    for (const seed of [7, 8, 9, 10, 11]) {
      const net = new SimNetwork({ seed, lossRate: 0.2, delayMs: [5, 60] });
      const { a, b } = icePair(net, { a: { checkRtoMs: 100 }, b: { checkRtoMs: 100 } });
      start(net, a, b);
      runUntil(net, () => a.connected() && b.connected(), { maxSteps: 50_000, maxTimeMs: 20_000 });
      expect(net.counters.lost).toBeGreaterThan(0);
      times.push(net.now());
      // data both ways, over the lossy link: send a few, some arrive
      for (let i = 0; i < 20; i++) {
        a.agent.send(enc.encode(`\x17a${i}`));
        b.agent.send(enc.encode(`\x17b${i}`));
      }
      runFor(net, 200);
      expect(a.received.length).toBeGreaterThan(5);
      expect(b.received.length).toBeGreaterThan(5);
    }
    // Same seed, same run.
    const net = new SimNetwork({ seed: 7, lossRate: 0.2, delayMs: [5, 60] });
    const { a, b } = icePair(net, { a: { checkRtoMs: 100 }, b: { checkRtoMs: 100 } });
    start(net, a, b);
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 50_000, maxTimeMs: 20_000 });
    expect(net.now()).toBe(times[0]);
  });

  it("without trickle: candidates arrive late, checks start then", () => {
    const net = new SimNetwork({ seed: 3, delayMs: [2, 2] });
    const { a, b } = icePair(net);
    b.trickle = false;
    start(net, a, b);
    runFor(net, 500);
    // A knows nothing of B's candidates, but B's checks to A made A learn B as peer-reflexive.
    expect(b.held.length).toBe(1);
    for (const c of b.held) a.agent.addRemoteCandidate(net.now(), c);
    a.agent.endOfRemoteCandidates(net.now());
    runUntil(net, () => a.connected() && b.connected(), { maxSteps: 10_000 });
    expect(a.agent.selectedPair?.remote.port).toBe(6000);
  });

  it("fails when every pair fails and both sides finished gathering", () => {
    const net = new SimNetwork({ seed: 4, delayMs: [2, 2] });
    const { a, b } = icePair(net, { a: { checkRtoMs: 50, checkRc: 3 }, b: { checkRtoMs: 50, checkRc: 3 } });
    net.block({ address: "10.0.0.1" }, { address: "10.0.0.2" });
    net.block({ address: "10.0.0.2" }, { address: "10.0.0.1" });
    start(net, a, b);
    runUntil(net, () => a.state === "failed" && b.state === "failed", { maxSteps: 10_000 });
    const err = a.events.find((e) => e.kind === "failed");
    expect(err?.kind === "failed" && err.error.code).toBe("all-pairs-failed");
    expect(a.agent.pollTimeout()).toBeUndefined();
  });
});
