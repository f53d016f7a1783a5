import { describe, expect, it } from "vitest";
import { crc32c, decodeSctpPacket } from "../../src/index.js";
import { pattern, SctpPair } from "./sctp-pair.js";

/** The Checksum field as the CRC value (stored least significant octet first, RFC 9260 Appendix A). */
function checksumField(p: Uint8Array): number {
  return (
    ((p[8] as number) | ((p[9] as number) << 8) | ((p[10] as number) << 16) | ((p[11] as number) << 24)) >>> 0
  );
}

function correctCrc(p: Uint8Array): boolean {
  const copy = p.slice();
  copy.fill(0, 8, 12);
  return crc32c(copy) === checksumField(p);
}

function run(aZero: boolean, bZero: boolean, seed: number) {
  const pair = new SctpPair({
    seed,
    link: { delayMs: 10 },
    a: { zeroChecksum: aZero },
    b: { zeroChecksum: bZero },
  });
  const seen: { from: 0 | 1; types: string[]; zero: boolean; crcOk: boolean }[] = [];
  pair.link.filter = (from, data) => {
    const d = decodeSctpPacket(data, { verifyChecksum: false });
    seen.push({
      from,
      types: d.ok ? d.value.chunks.map((c) => c.type) : [],
      zero: checksumField(data) === 0,
      crcOk: correctCrc(data),
    });
    return true;
  };
  pair.connectBoth();
  for (let i = 0; i < 20; i++) {
    pair.send(pair.a, 1, pattern(i, 3000), undefined, i);
    pair.send(pair.b, 1, pattern(i, 3000), undefined, i);
  }
  pair.runUntil(() => pair.a.messages.length === 20 && pair.b.messages.length === 20);
  return { pair, seen };
}

describe("zero checksum (RFC 9653), per direction", () => {
  it("both announce it: data packets go with a zero checksum both ways; INIT, INIT ACK, COOKIE ECHO keep the CRC32c", () => {
    const { pair, seen } = run(true, true, 91);
    expect(pair.a.event("connected")).toMatchObject({ zeroChecksumSend: true, zeroChecksumReceive: true });
    expect(pair.b.event("connected")).toMatchObject({ zeroChecksumSend: true, zeroChecksumReceive: true });
    for (const s of seen) {
      if (s.types.some((t) => t === "init" || t === "init-ack" || t === "cookie-echo"))
        expect(s.crcOk).toBe(true);
      if (s.types.includes("data") || s.types.includes("i-data")) expect(s.zero).toBe(true);
    }
    expect(seen.filter((s) => s.zero && s.from === 0).length).toBeGreaterThan(10);
    expect(seen.filter((s) => s.zero && s.from === 1).length).toBeGreaterThan(10);
  });

  for (const [aZero, bZero] of [
    [false, true],
    [true, false],
  ] as const) {
    it(`only ${aZero ? "a" : "b"} announces it: neither sends a zero checksum, every packet carries a correct CRC32c`, () => {
      const { pair, seen } = run(aZero, bZero, 92);
      expect(pair.a.event("connected")).toMatchObject({
        zeroChecksumSend: false,
        zeroChecksumReceive: aZero,
      });
      expect(pair.b.event("connected")).toMatchObject({
        zeroChecksumSend: false,
        zeroChecksumReceive: bZero,
      });
      expect(seen.length).toBeGreaterThan(20);
      for (const s of seen) {
        expect(s.zero).toBe(false);
        expect(s.crcOk).toBe(true);
      }
    });
  }

  it("a zero checksum is refused (counted as bad-checksum) by a side that did not announce it", () => {
    const { pair } = run(true, false, 93);
    // A packet from a with its checksum zeroed, as a misbehaving peer would send.
    let sample: Uint8Array | undefined;
    pair.link.filter = (from, data) => {
      if (from === 0) sample ??= data.slice();
      return true;
    };
    pair.send(pair.a, 1, pattern(99, 100), undefined, 99);
    pair.runFor(100);
    const bad = (sample as Uint8Array).slice();
    bad.fill(0, 8, 12);
    const before = pair.b.endpoint.counters["bad-checksum"] ?? 0;
    pair.b.endpoint.handlePacket(pair.now, bad);
    expect(pair.b.endpoint.counters["bad-checksum"]).toBe(before + 1);
  });
});
