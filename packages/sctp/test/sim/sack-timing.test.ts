import { describe, expect, it } from "vitest";
import { decodeSctpPacket, type SctpPacket } from "../../src/index.js";
import { pattern, SctpPair } from "./sctp-pair.js";

type Sack = Extract<SctpPacket["chunks"][number], { type: "sack" }>;

/** Every packet b sends, with its time and its SACK (if any). */
function watch(pair: SctpPair) {
  const fromB: { at: number; sack: Sack | undefined }[] = [];
  const fromA: { at: number; tsns: number[] }[] = [];
  pair.link.filter = (from, data) => {
    const d = decodeSctpPacket(data, { acceptZeroChecksum: true });
    if (!d.ok) return true;
    if (from === 1)
      fromB.push({ at: pair.now, sack: d.value.chunks.find((c): c is Sack => c.type === "sack") });
    else
      fromA.push({ at: pair.now, tsns: d.value.chunks.flatMap((c) => (c.type === "i-data" ? [c.tsn] : [])) });
    return true;
  };
  return { fromA, fromB };
}

describe("SACK timing and content (RFC 9260 §6.2, §6.7) and retransmission (§6.3, §7.2.4)", () => {
  it("one packet: SACK after the 200 ms delay; two packets: SACK at once", () => {
    const pair = new SctpPair({ seed: 121, link: { delayMs: 10 } });
    pair.connectBoth();
    const { fromB } = watch(pair);
    pair.send(pair.a, 1, pattern(1, 100), undefined, 1);
    pair.runFor(500);
    const one = fromB.filter((p) => p.sack !== undefined);
    expect(one.length).toBe(1);
    expect((one[0]?.at ?? 0) - (pair.b.messages[0]?.at ?? 0)).toBe(200);
    fromB.length = 0;
    const t0 = pair.now;
    pair.send(pair.a, 1, pattern(2, 1500), undefined, 2); // two packets
    pair.runFor(500);
    const two = fromB.filter((p) => p.sack !== undefined);
    expect(two.length).toBe(1);
    expect(two[0]?.at).toBe(t0 + 10);
  });

  it("a lost packet: the next SACKs carry a gap block, at once; a duplicate is reported and SACKed at once", () => {
    const pair = new SctpPair({ seed: 122, link: { delayMs: 10 } });
    pair.connectBoth();
    const { fromA, fromB } = watch(pair);
    let n = 0;
    const base = pair.link.filter;
    pair.link.filter = (from, data) => {
      base?.(from, data);
      return !(from === 0 && ++n === 2); // a's second data packet is lost
    };
    for (let i = 0; i < 6; i++) pair.send(pair.a, 1, pattern(i, 1000), undefined, i);
    pair.runFor(20);
    // Packets 1, 3, 4 arrive at 10 ms: a SACK for each of 3 and 4 (out of order: no delay), each
    // acking packet 1 cumulatively and 3.. in a gap block starting at offset 2.
    const arrival = (fromA[0]?.at ?? 0) + 10;
    const sacks = fromB.filter((p) => p.sack !== undefined && p.at === arrival);
    expect(sacks.length).toBeGreaterThanOrEqual(2);
    const first = fromA[0]?.tsns[0] as number;
    for (const p of sacks) {
      expect(p.sack?.cumulativeTsnAck).toBe(first);
      expect(p.sack?.gapAckBlocks[0]).toMatchObject({ start: 2 });
    }
    // Replay a packet b already has: reported as a duplicate TSN, without delay.
    fromB.length = 0;
    const dup = fromA[0] as { tsns: number[] };
    const replay = pair.b.endpoint;
    let again: Uint8Array | undefined;
    pair.link.filter = (from, data) => {
      if (from === 0 && again === undefined) again = data.slice();
      return base?.(from, data) ?? true;
    };
    pair.send(pair.a, 1, pattern(9, 10), undefined, 9);
    pair.runFor(20);
    replay.handlePacket(pair.now, again as Uint8Array);
    pair.driver.flush();
    pair.runFor(1);
    expect(fromB.some((p) => p.sack?.duplicateTsns.length === 1)).toBe(true);
    expect(dup.tsns.length).toBe(1);
  });

  it("fast retransmit on three miss indications, before any timeout", () => {
    const pair = new SctpPair({ seed: 123, link: { delayMs: 25 } });
    pair.connectBoth();
    let n = 0;
    pair.link.filter = (from) => !(from === 0 && ++n === 3);
    for (let i = 0; i < 20; i++) pair.send(pair.a, 1, pattern(i, 1000), undefined, i);
    const r = pair.runUntil(() => pair.b.messages.length === 20);
    expect(pair.a.endpoint.counters["fast-retransmits"]).toBe(1);
    expect(pair.a.endpoint.counters["t3-expiries"]).toBeUndefined();
    expect(r.elapsedMs).toBeLessThan(200);
  });

  it("T3-rtx fires after the RTO taken from measured RTT, not the initial 1 s", () => {
    const pair = new SctpPair({ seed: 124, link: { delayMs: 150 } });
    pair.connectBoth();
    for (let i = 0; i < 30; i++) {
      pair.send(pair.a, 1, pattern(i, 100), undefined, i);
      pair.runFor(400);
    }
    const sentTimes: number[] = [];
    let lost = false;
    pair.link.filter = (from) => {
      if (from !== 0) return true;
      sentTimes.push(pair.now);
      if (!lost) {
        lost = true;
        return false;
      }
      return true;
    };
    pair.send(pair.a, 1, pattern(99, 100), undefined, 99);
    pair.runUntil(() => pair.b.messages.length === 31);
    const rto = (sentTimes[1] as number) - (sentTimes[0] as number);
    // RTT 300 ms (no delayed SACK on a single packet? it is delayed 200 ms: RTT samples 300–500 ms).
    expect(rto).toBeGreaterThanOrEqual(300);
    expect(rto).toBeLessThan(1000);
    expect(pair.a.endpoint.counters["t3-expiries"]).toBe(1);
  });
});
