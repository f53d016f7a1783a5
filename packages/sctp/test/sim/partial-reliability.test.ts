import { describe, expect, it } from "vitest";
import { decodeSctpPacket } from "../../src/index.js";
import { Prng } from "./prng.js";
import { pattern, SctpPair, sameBytes } from "./sctp-pair.js";

describe("partial reliability (RFC 3758): maxRetransmits and maxPacketLifeTime", () => {
  for (const unordered of [true, false]) {
    it(`maxRetransmits 0 at 20 % loss, ${unordered ? "unordered" : "ordered"}: lost messages are abandoned with FORWARD TSN, the rest arrive, nothing stalls`, () => {
      const seed = unordered ? 21 : 22;
      const pair = new SctpPair({ seed, link: { delayMs: 20, lossRate: 0.2, mtu: 1200 } });
      pair.connectBoth();
      const sizes = new Prng(seed);
      const total = 2000;
      const start = pair.now;
      let sent = 0;
      // 100 messages every 10 ms, 100 B–3 KB (one to three packets each).
      pair.a.onTurn = (now) => {
        while (sent < total && sent < ((now - start) / 10 + 1) * 100) {
          pair.a.endpoint.send(now, 1, sent, pattern(sent, sizes.int(100, 3000)), {
            unordered,
            maxRetransmits: 0,
          });
          sent++;
        }
      };
      pair.a.onTurn(pair.now);
      pair.driver.flush();
      pair.runUntil(() => sent === total, { maxSteps: 200_000 });
      // Then one reliable message on another stream: it must get through (no stall behind the losses).
      pair.send(pair.a, 2, pattern(99999, 50));
      const r = pair.runUntil(() => pair.b.messages.some((m) => m.streamId === 2), { maxSteps: 200_000 });
      pair.runFor(3000);
      const got = pair.b.messages.filter((m) => m.streamId === 1);
      const ids = got.map((m) => m.ppid);
      expect(new Set(ids).size).toBe(ids.length);
      for (const m of got) expect(m.data.length).toBeGreaterThanOrEqual(100);
      if (!unordered)
        for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number);
      const ca = pair.a.endpoint.counters;
      const cb = pair.b.endpoint.counters;
      const abandoned = ca["messages-abandoned"] ?? 0;
      expect(abandoned).toBeGreaterThan(100);
      expect(ca["forward-tsn-sent"]).toBeGreaterThan(0);
      expect(cb["forward-tsn-received"]).toBeGreaterThan(0);
      // Every message either arrived or was given up (a message can be both: data in, SACK lost).
      expect(got.length + abandoned).toBeGreaterThanOrEqual(total);
      expect(got.length).toBeGreaterThan(total * 0.5);
      // The sender holds nothing any more: everything was acknowledged or skipped.
      expect(pair.a.endpoint.bufferedAmount(1)).toBe(0);
      console.log(
        `[sim] maxRetransmits 0, ${unordered ? "unordered" : "ordered"}, 20% loss, seed ${seed}: ${total} messages, ` +
          `${got.length} delivered, ${abandoned} abandoned, ${ca["forward-tsn-sent"]} FORWARD TSN sent; ` +
          `reliable follow-up delivered ${r.elapsedMs.toFixed(0)} ms after it was sent, ${r.steps} steps`,
      );
    });
  }

  it("maxPacketLifeTime: messages that could not get through in time are never delivered late, the rest flow", () => {
    const pair = new SctpPair({ seed: 23, link: { delayMs: 20, mtu: 1200 } });
    pair.connectBoth();
    // 2 s outage: everything A sends is lost.
    let outage = true;
    pair.link.filter = (from) => !(outage && from === 0);
    const sentAt = new Map<number, number>();
    for (let i = 0; i < 50; i++) {
      sentAt.set(i, pair.now);
      pair.send(pair.a, 1, pattern(i, 2000), { maxPacketLifeTimeMs: 300 }, i);
      pair.runFor(20);
    }
    pair.runFor(1000);
    outage = false;
    pair.runFor(2000);
    // After the outage: messages with a lifetime that the link lets through.
    for (let i = 50; i < 100; i++) {
      sentAt.set(i, pair.now);
      pair.send(pair.a, 1, pattern(i, 2000), { maxPacketLifeTimeMs: 300 }, i);
      pair.runFor(5);
    }
    pair.runFor(2000);
    const got = pair.b.messages.map((m) => m.ppid);
    expect(got.filter((id) => id < 50)).toEqual([]);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    for (const m of pair.b.messages) {
      // Honoured: delivered within its lifetime plus one trip of the link.
      expect(m.at - (sentAt.get(m.ppid) as number)).toBeLessThanOrEqual(300 + 20);
    }
    expect(pair.a.endpoint.counters["messages-abandoned"]).toBeGreaterThan(0);
    expect(pair.a.endpoint.state).toBe("established");
  });

  it("maxPacketLifeTime: messages still queued behind a slow link when they expire are dropped unsent", () => {
    const pair = new SctpPair({
      seed: 24,
      link: { delayMs: 20, mtu: 1200, bytesPerMs: 100, queueBytes: 64 * 1024 },
      a: { maxSendMessageSize: 262144 },
    });
    pair.connectBoth();
    for (let i = 0; i < 100; i++) pair.send(pair.a, 1, pattern(i, 10_000), { maxPacketLifeTimeMs: 1000 }, i);
    pair.runFor(10_000);
    const got = pair.b.messages.map((m) => m.ppid);
    // 100 B/ms for 1000 ms lets about ten 10 KB messages through.
    expect(got.length).toBeGreaterThan(3);
    expect(got.length).toBeLessThan(20);
    expect(pair.a.endpoint.counters["messages-expired-unsent"]).toBeGreaterThan(50);
    expect(pair.a.endpoint.bufferedAmount(1)).toBe(0);
  });

  for (const iData of [false, true]) {
    it(`a message that expires half-sent, its sent part all acknowledged, does not stall its ordered stream (${iData ? "I-DATA" : "DATA"})`, () => {
      // Regression: nothing abandoned was in flight, so no FORWARD TSN named the stream and sequence
      // number; the receiver held the first part and waited for the rest forever. An end marker fixes it.
      const pair = new SctpPair({
        seed: 25,
        link: { delayMs: 10, mtu: 1200, bytesPerMs: 200, queueBytes: 1 << 20 },
        a: { maxSendMessageSize: 262144, announceIData: iData },
        b: { maxReceiveMessageSize: 262144, announceIData: iData },
      });
      pair.connectBoth();
      pair.send(pair.a, 1, pattern(1, 200_000), { maxPacketLifeTimeMs: 300 }, 1);
      // Queued behind it at once: when the first expires half-sent, the next fragment cut is this
      // one's, and the end marker must not take the same TSN (a second regression).
      pair.send(pair.a, 1, pattern(2, 100), undefined, 2);
      const r = pair.runUntil(() => pair.b.messages.some((m) => m.ppid === 2), {
        maxSteps: 50_000,
        maxTimeMs: 60_000,
      });
      expect(pair.b.messages.map((m) => m.ppid)).toEqual([2]);
      expect(pair.a.endpoint.counters["messages-abandoned"]).toBe(1);
      expect(pair.b.endpoint.usage().receiveBufferedBytes).toBe(0);
      expect(r.elapsedMs).toBeLessThan(1000);
      // And the sender's books balance: the end marker took its own TSN, not the next message's.
      pair.runFor(5000);
      const quiet = { ...pair.a.endpoint.counters };
      pair.runFor(60_000);
      expect(pair.a.endpoint.usage()).toMatchObject({ inFlightBytes: 0, queuedBytes: 0 });
      expect(pair.a.endpoint.counters["t3-expiries"]).toBe(quiet["t3-expiries"]);
      expect(pair.a.endpoint.counters["forward-tsn-sent"]).toBe(quiet["forward-tsn-sent"]);
    });
  }

  it("I-FORWARD-TSN skips only the messages it names: an unordered message interleaved with an abandoned one still arrives", () => {
    // Regression: every unordered message in reassembly with a fragment below the new cumulative TSN
    // was dropped, so a reliable unordered message interleaved with an abandoned one never completed.
    const pair = new SctpPair({ seed: 26, link: { delayMs: 10, mtu: 1200 } });
    pair.connectBoth();
    let dropped = 0;
    pair.link.filter = (from, data) => {
      if (from !== 0 || dropped > 0) return true;
      const d = decodeSctpPacket(data, { acceptZeroChecksum: true });
      const hit = d.ok && d.value.chunks.some((c) => c.type === "i-data" && c.streamId === 2);
      if (hit) dropped++;
      return !hit;
    };
    pair.send(pair.a, 1, pattern(1, 50_000), { unordered: true }, 1);
    pair.send(pair.a, 2, pattern(2, 100), { maxRetransmits: 0 }, 2);
    pair.send(pair.a, 1, pattern(3, 50_000), { unordered: true }, 3);
    pair.runUntil(() => pair.b.messages.length === 2, { maxSteps: 20_000, maxTimeMs: 30_000 });
    expect(dropped).toBe(1);
    expect(pair.b.messages.map((m) => m.ppid).sort()).toEqual([1, 3]);
    for (const m of pair.b.messages) expect(sameBytes(m.data, pattern(m.ppid, 50_000))).toBe(true);
    expect(pair.b.endpoint.counters["forward-tsn-received"]).toBeGreaterThan(0);
    expect(pair.b.endpoint.usage().receiveBufferedBytes).toBe(0);
  });
});
