import { describe, expect, it } from "vitest";
import { SctpUsageError } from "../../src/index.js";
import { pattern, SctpPair } from "./sctp-pair.js";

describe("stream reset (RFC 6525) as a data channel closes (RFC 8831 §6.7)", () => {
  for (const lossRate of [0, 0.1]) {
    it(`closes the stream on both sides, after the data queued before it, and the id is used again (${lossRate * 100} % loss)`, () => {
      const pair = new SctpPair({ seed: 41 + lossRate * 100, link: { delayMs: 20, lossRate, mtu: 1200 } });
      pair.connectBoth();
      // WebRTC: the side that sees an incoming reset resets its own outgoing stream too.
      let handled = 0;
      pair.b.onTurn = (now) => {
        for (; handled < pair.b.events.length; handled++) {
          const e = pair.b.events[handled];
          if (e?.kind === "stream-reset" && e.direction === "incoming")
            pair.b.endpoint.resetStreams(now, e.streamIds);
        }
      };
      for (let i = 0; i < 20; i++) pair.send(pair.a, 3, pattern(i, 3000), undefined, i);
      pair.a.endpoint.resetStreams(pair.now, [3]);
      expect(() => pair.a.endpoint.send(pair.now, 3, 53, pattern(0, 10))).toThrow(SctpUsageError);
      try {
        pair.a.endpoint.send(pair.now, 3, 53, pattern(0, 10));
      } catch (e) {
        expect((e as SctpUsageError).code).toBe("stream-resetting");
      }
      pair.driver.flush();
      const done = () =>
        pair.a.events.some((e) => e.kind === "stream-reset" && e.direction === "outgoing") &&
        pair.a.events.some((e) => e.kind === "stream-reset" && e.direction === "incoming") &&
        pair.b.events.some((e) => e.kind === "stream-reset" && e.direction === "outgoing") &&
        pair.b.events.some((e) => e.kind === "stream-reset" && e.direction === "incoming");
      const r = pair.runUntil(done, { maxSteps: 50_000 });
      // All 20 messages queued before the reset arrived, in order, before B saw the reset.
      expect(pair.b.messages.map((m) => m.ppid)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      for (const side of [pair.a, pair.b]) {
        for (const e of side.events) if (e.kind === "stream-reset") expect(e.streamIds).toEqual([3]);
      }
      // The id is reused: a new channel on stream 3 both ways, sequence numbers from 0 again.
      pair.send(pair.a, 3, pattern(100, 500), undefined, 100);
      pair.send(pair.b, 3, pattern(101, 500), undefined, 101);
      pair.runUntil(() => pair.b.messages.length === 21 && pair.a.messages.length === 1, {
        maxSteps: 50_000,
      });
      expect(pair.b.messages[20]).toMatchObject({ streamId: 3, ppid: 100, data: pattern(100, 500) });
      expect(pair.a.messages[0]).toMatchObject({ streamId: 3, ppid: 101, data: pattern(101, 500) });
      console.log(
        `[sim] stream reset, ${lossRate * 100}% loss: both directions reset ${r.elapsedMs.toFixed(0)} ms after the request, ${r.steps} steps; ` +
          `deferred by the receiver ${pair.b.endpoint.counters["stream-reset-deferred"] ?? 0} time(s)`,
      );
    });
  }

  it("a thousand channels opened and closed leave no per-stream state behind", () => {
    const pair = new SctpPair({ seed: 43, link: { delayMs: 5, mtu: 1200 } });
    pair.connectBoth();
    pair.b.onTurn = (now) => {
      for (const e of pair.b.events) {
        if (e.kind === "stream-reset" && e.direction === "incoming")
          pair.b.endpoint.resetStreams(now, e.streamIds);
      }
      pair.b.events.length = 0;
    };
    let outgoing = 0;
    for (let id = 0; id < 1000; id++) {
      pair.send(pair.a, id, pattern(id, 100), undefined, id);
      pair.a.endpoint.resetStreams(pair.now, [id]);
    }
    pair.driver.flush();
    pair.runUntil(
      () => {
        for (const e of pair.a.events)
          if (e.kind === "stream-reset" && e.direction === "outgoing") outgoing += e.streamIds.length;
        pair.a.events.length = 0;
        return outgoing >= 1000 && pair.b.messages.length === 1000;
      },
      { maxSteps: 100_000 },
    );
    pair.runFor(1000);
    expect(pair.a.endpoint.bufferedAmount(999)).toBe(0);
    for (const side of [pair.a, pair.b]) {
      expect(side.endpoint.usage()).toMatchObject({
        sendStreams: 0,
        receiveStreams: 0,
        queuedBytes: 0,
        inFlightBytes: 0,
      });
    }
  });
});
