import { describe, expect, it } from "vitest";
import { RetransmissionHistory, type RtpPacket } from "../../src/index.js";
import { PacketStore } from "../../src/machine/packet-store.js";

function put(store: PacketStore, bytes: Uint8Array): { slab: number; offset: number } {
  const into = store.reserve(bytes.length);
  into.set(bytes, store.offset);
  return { slab: store.slab, offset: store.offset };
}

describe("PacketStore", () => {
  it("keeps each copy's bytes when the source and the other copies change, sharing slabs", () => {
    const store = new PacketStore();
    const src = new Uint8Array(1200);
    const where: { slab: number; offset: number; n: number }[] = [];
    for (let i = 0; i < 40; i++) {
      src.fill(i);
      where.push({ ...put(store, src.subarray(0, 100 + i)), n: 100 + i });
    }
    src.fill(0xff);
    where.forEach((w, i) => {
      const c = store.bytes(w.slab)?.subarray(w.offset, w.offset + w.n);
      expect(c?.every((b) => b === i)).toBe(true);
    });
    // 40 copies of ~120 octets share slabs rather than one ArrayBuffer each
    expect(new Set(where.map((w) => w.slab)).size).toBeLessThan(3);
  });

  it("drops a slab once every copy in it is released and it is no longer filled; reuses its number", () => {
    const store = new PacketStore();
    const first = [put(store, new Uint8Array(4000)), put(store, new Uint8Array(4000))];
    expect(store.slabs).toBe(1);
    for (let i = 0; i < 4; i++) put(store, new Uint8Array(4000)); // fills the first slab, opens a second
    expect(store.slabs).toBe(2);
    const firstSlab = first[0]?.slab as number;
    const firstArray = store.bytes(firstSlab);
    for (let i = 0; i < 4; i++) store.release(firstSlab); // the four copies in the first slab
    expect(store.bytes(firstSlab)).toBeUndefined();
    expect(store.slabs).toBe(2); // the one filling, and the dropped one kept as the spare
    put(store, new Uint8Array(4000)); // the second slab (two copies in it) fills up…
    put(store, new Uint8Array(4000));
    expect(store.slab).not.toBe(firstSlab);
    put(store, new Uint8Array(4000)); // …and the next one takes the freed number and the spare array
    expect(store.slab).toBe(firstSlab);
    expect(store.bytes(firstSlab)).toBe(firstArray);
    expect(store.slabs).toBe(2);
  });

  it("gives a large copy a slab of its own, dropped when released", () => {
    const store = new PacketStore();
    const big = put(store, new Uint8Array(8000).fill(7));
    expect(store.bytes(big.slab)?.length).toBe(8000);
    store.release(big.slab);
    expect(store.bytes(big.slab)).toBeUndefined();
  });
});

describe("RetransmissionHistory memory", () => {
  const packet = (seq: number): RtpPacket => ({
    marker: true,
    payloadType: 96,
    sequenceNumber: seq & 0xffff,
    timestamp: seq * 3000,
    ssrc: 1,
    csrcs: [],
    extension: undefined,
    payload: new Uint8Array(1200).fill(seq & 0xff),
    paddingLength: 0,
  });

  it("holds the slabs of what it keeps: a full ring of 1,200-B packets pins two slabs more at most", () => {
    const h = new RetransmissionHistory({ capacity: 64, maxAgeMs: 1e9 });
    for (let s = 0; s < 10_000; s++) h.handleSent(s, packet(s));
    // 64 packets of 1,212 B (8-aligned 1,216) at 13 per 16-KiB slab span 5 or 6 slabs, plus the one
    // filling and the spare
    expect(h.held.slots).toBe(64);
    expect(h.held.slabs).toBeLessThanOrEqual(8);
    for (let s = 10_000; s < 10_064; s++) h.forget(s - 64); // forgetting what it holds releases it
    expect(h.held.slabs).toBeLessThanOrEqual(2); // the one filling and the spare
    h.handleNack(20_000, [9_936, 9_999]);
    expect(h.counters.unknown).toBe(2);
  });

  it("answers a NACK with the bytes as sent, after 10,000 packets went through the ring", () => {
    const h = new RetransmissionHistory({ capacity: 64, maxAgeMs: 1e9 });
    for (let s = 0; s < 10_000; s++) h.handleSent(s, packet(s));
    h.handleNack(20_000, [9_936, 9_999, 9_935]);
    const a = h.pollTransmit();
    const b = h.pollTransmit();
    expect(h.pollTransmit()).toBeUndefined();
    expect(h.counters.unknown).toBe(1); // 9,935 was overwritten
    expect(a).toEqual(packet(9_936));
    expect(b).toEqual(packet(9_999));
  });
});
