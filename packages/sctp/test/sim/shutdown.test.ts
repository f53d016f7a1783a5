import { describe, expect, it } from "vitest";
import { decodeSctpPacket, SctpUsageError } from "../../src/index.js";
import { pattern, SctpPair, sameBytes } from "./sctp-pair.js";

describe("termination (RFC 9260 §9)", () => {
  for (const lossRate of [0, 0.1]) {
    it(`shutdown while data is in flight: everything arrives first, both sides close (${lossRate * 100} % loss)`, () => {
      const pair = new SctpPair({
        seed: 81,
        link: { delayMs: 20, lossRate, mtu: 1200 },
        a: { maxSendMessageSize: 262144 },
        b: { maxReceiveMessageSize: 262144 },
      });
      pair.connectBoth();
      const total = 40;
      for (let i = 0; i < total; i++) pair.send(pair.a, i % 3, pattern(i, 50_000), undefined, i);
      pair.a.endpoint.shutdown(pair.now);
      expect(pair.a.endpoint.state).toBe("shutdown-pending");
      expect(() => pair.a.endpoint.send(pair.now, 0, 53, pattern(0, 1))).toThrow(SctpUsageError);
      pair.driver.flush();
      const r = pair.runUntil(() => pair.a.has("closed") && pair.b.has("closed"), { maxSteps: 100_000 });
      expect(pair.b.messages.length).toBe(total);
      for (const m of pair.b.messages) expect(sameBytes(m.data, pattern(m.ppid, 50_000))).toBe(true);
      expect(pair.a.event("closed")?.reason).toBe("shutdown");
      expect(pair.b.event("closed")?.reason).toBe("shutdown");
      expect(pair.a.endpoint.state).toBe("closed");
      expect(pair.b.endpoint.state).toBe("closed");
      // Closed for good: nothing is answered any more, nothing is pending.
      pair.runFor(60_000);
      expect(pair.a.endpoint.pollTimeout()).toBeUndefined();
      expect(pair.b.endpoint.pollTimeout()).toBeUndefined();
      console.log(
        `[sim] shutdown with ${total} × 50 KB in flight, ${lossRate * 100}% loss: all delivered, both closed ${r.elapsedMs.toFixed(0)} ms after shutdown(), ${r.steps} steps`,
      );
    });
  }

  it("both sides shut down at once", () => {
    const pair = new SctpPair({ seed: 82, link: { delayMs: 20 } });
    pair.connectBoth();
    pair.send(pair.a, 0, pattern(1, 5000), undefined, 1);
    pair.send(pair.b, 0, pattern(2, 5000), undefined, 2);
    pair.a.endpoint.shutdown(pair.now);
    pair.b.endpoint.shutdown(pair.now);
    pair.driver.flush();
    pair.runUntil(() => pair.a.has("closed") && pair.b.has("closed"));
    expect(pair.a.messages.map((m) => m.ppid)).toEqual([2]);
    expect(pair.b.messages.map((m) => m.ppid)).toEqual([1]);
  });

  it("ABORT: the peer is told at once, with the reason", () => {
    const pair = new SctpPair({ seed: 83, link: { delayMs: 20 } });
    pair.connectBoth();
    pair.send(pair.a, 0, pattern(1, 100_000 - 40_000), undefined, 1);
    pair.a.endpoint.abort(pair.now, "bye");
    pair.driver.flush();
    expect(pair.a.endpoint.state).toBe("closed");
    pair.runUntil(() => pair.b.has("closed"));
    expect(pair.a.event("closed")).toMatchObject({ reason: "abort-sent", cause: "bye" });
    expect(pair.b.event("closed")).toMatchObject({
      reason: "abort-received",
      cause: "user-initiated-abort: bye",
    });
    expect(pair.b.endpoint.state).toBe("closed");
  });

  it("an unreachable peer: the association fails after Association.Max.Retrans", () => {
    const pair = new SctpPair({ seed: 84, link: { delayMs: 20 }, a: { maxRetransmissions: 4 } });
    pair.connectBoth();
    pair.link.filter = () => false;
    pair.send(pair.a, 0, pattern(1, 1000), undefined, 1);
    pair.runUntil(() => pair.a.has("failed"), { maxTimeMs: 3_600_000 });
    expect(pair.a.event("failed")?.error.code).toBe("retransmission-limit");
    expect(pair.a.endpoint.state).toBe("closed");
  });

  it("an idle, silent peer is found out by HEARTBEAT (RFC 9260 §8.3)", () => {
    const pair = new SctpPair({
      seed: 85,
      link: { delayMs: 20 },
      a: { heartbeatIntervalMs: 1000, maxRetransmissions: 3 },
    });
    pair.connectBoth();
    pair.runFor(5000);
    expect(pair.a.endpoint.counters["heartbeats-sent"]).toBeGreaterThanOrEqual(4);
    expect(pair.a.endpoint.state).toBe("established");
    pair.link.filter = () => false;
    pair.runUntil(() => pair.a.has("failed"), { maxTimeMs: 600_000 });
    expect(pair.a.event("failed")?.error.code).toBe("retransmission-limit");
  });

  it("a lost SHUTDOWN COMPLETE: the closed side still answers the repeated SHUTDOWN ACK (§8.4), both close cleanly", () => {
    // Regression: a closed association dropped everything, so the peer retransmitted SHUTDOWN ACK until
    // it failed with retransmission-limit.
    const pair = new SctpPair({ seed: 86, link: { delayMs: 20 } });
    pair.connectBoth();
    let lost = 0;
    pair.link.filter = (_from, data) => {
      const d = decodeSctpPacket(data, { acceptZeroChecksum: true });
      if (lost === 0 && d.ok && d.value.chunks[0]?.type === "shutdown-complete") {
        lost++;
        return false;
      }
      return true;
    };
    pair.a.endpoint.shutdown(pair.now);
    pair.driver.flush();
    pair.runUntil(() => pair.a.has("closed") && pair.b.has("closed"));
    expect(lost).toBe(1);
    expect(pair.b.event("closed")?.reason).toBe("shutdown");
    expect(pair.b.has("failed")).toBe(false);
  });
});
