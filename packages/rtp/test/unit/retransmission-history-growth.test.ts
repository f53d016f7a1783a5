import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RetransmissionHistory, type RtpPacket } from "../../src/index.js";

function packet(seq: number): RtpPacket {
  return {
    marker: false,
    payloadType: 96,
    sequenceNumber: seq & 0xffff,
    timestamp: seq * 90,
    ssrc: 0x1111,
    csrcs: [],
    extension: undefined,
    payload: Uint8Array.of(seq & 0xff, seq >>> 8),
    paddingLength: 0,
  };
}

function resent(h: RetransmissionHistory): number[] {
  const out: number[] = [];
  for (let p = h.pollTransmit(); p; p = h.pollTransmit()) out.push(p.sequenceNumber);
  return out;
}

describe("RetransmissionHistory ring growing lazily", () => {
  it("still answers a NACK for the oldest of `capacity` packets once it has grown", () => {
    const h = new RetransmissionHistory({ capacity: 1024, maxAgeMs: 10_000 });
    for (let s = 0; s < 1024; s++) h.handleSent(s, packet(65000 + s));
    h.handleNack(2000, [65000, 65000 + 511, (65000 + 1023) & 0xffff]);
    expect(resent(h)).toEqual([65000, 65511, 66023 & 0xffff]);
    h.handleSent(2001, packet(65000 + 1024)); // overwrites 65000 in the full ring
    h.handleNack(2002, [65000, 65001]);
    expect(resent(h)).toEqual([65001]);
    expect(h.counters.unknown).toBe(1);
  });

  it("holds exactly what a ring of the full capacity holds, for any sequence numbers sent", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 8, 64, 256),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }),
        (capacity, sent, nacked) => {
          const h = new RetransmissionHistory({ capacity, maxAgeMs: 1e9, minResendIntervalMs: 0 });
          // The reference: slot = sequence number mod capacity, the newest packet wins.
          const full = new Map<number, number>();
          for (const s of sent) {
            h.handleSent(0, packet(s));
            full.set(s % capacity, s);
          }
          const probes = [...nacked, ...sent.slice(-20)];
          h.handleNack(1, probes);
          expect(resent(h)).toEqual(probes.filter((s) => full.get(s % capacity) === s));
        },
      ),
    );
  });

  it("answers from a grown ring with the payload as sent", () => {
    const h = new RetransmissionHistory({ capacity: 128 });
    for (let s = 100; s < 200; s++) h.handleSent(s, packet(s));
    h.handleNack(200, [101]);
    const p = h.pollTransmit();
    expect(p && [...p.payload]).toEqual([101, 0]);
  });
});
