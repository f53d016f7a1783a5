import { describe, expect, it } from "vitest";
import { HandshakeReassembly } from "../../src/machine/handshake-reassembly.js";
import type { HandshakeFragment } from "../../src/wire/handshake.js";

const body = Uint8Array.from({ length: 100 }, (_, i) => i);
const frag = (seq: number, offset: number, end: number, b = body): HandshakeFragment => ({
  msgType: 11,
  length: b.length,
  messageSeq: seq,
  fragmentOffset: offset,
  fragment: b.subarray(offset, end),
});

describe("handshake reassembly (RFC 6347 §4.2.3)", () => {
  it("hands messages on in message_seq order, each once", () => {
    const r = new HandshakeReassembly();
    expect(r.add(frag(1, 0, 100), 0)).toBe("buffered");
    expect(r.poll()).toBeUndefined(); // seq 0 missing
    expect(r.add(frag(0, 50, 100), 0)).toBe("buffered");
    expect(r.add(frag(0, 0, 60), 0)).toBe("buffered");
    expect(r.poll()?.messageSeq).toBe(0);
    expect(r.poll()?.body).toEqual(body);
    expect(r.poll()).toBeUndefined();
    expect(r.add(frag(0, 0, 100), 0)).toBe("old");
    expect(r.bufferedBytes).toBe(0);
  });

  it("duplicates are reported; a disagreeing type or length is another candidate; zero-length messages complete", () => {
    const r = new HandshakeReassembly();
    r.add(frag(0, 10, 50), 0);
    expect(r.add(frag(0, 20, 30), 0)).toBe("duplicate");
    expect(r.add({ ...frag(0, 0, 10), length: 99 }, 0)).toBe("buffered");
    expect(r.add({ ...frag(0, 0, 10), msgType: 12 }, 0)).toBe("buffered");
    r.add(frag(0, 0, 10), 0);
    r.add(frag(0, 49, 100), 0);
    expect(r.poll()?.body).toEqual(body);
    expect(r.bufferedBytes).toBe(0); // the other candidates for message_seq 0 went with it
    const empty = new Uint8Array(0);
    expect(r.add({ msgType: 14, length: 0, messageSeq: 1, fragmentOffset: 0, fragment: empty }, 0)).toBe(
      "buffered",
    );
    expect(r.poll()).toMatchObject({ msgType: 14, messageSeq: 1 });
  });

  it("overlapping bytes that differ drop the candidate; the retransmission rebuilds it", () => {
    const r = new HandshakeReassembly();
    r.add(frag(0, 0, 60), 0);
    const forged = { ...frag(0, 40, 100), fragment: new Uint8Array(60).fill(0xee) };
    expect(r.add(forged, 0)).toBe("conflicting");
    expect(r.bufferedBytes).toBe(0);
    r.add(frag(0, 0, 50), 0);
    r.add(frag(0, 50, 100), 0);
    expect(r.poll()?.body).toEqual(body);
  });

  it("is bounded: message size, received bytes, how far ahead, candidates", () => {
    const r = new HandshakeReassembly({
      maxMessageBytes: 1000,
      maxBufferedBytes: 2500,
      maxSeqAhead: 3,
      maxCandidates: 4,
    });
    const chunk = (seq: number, length: number, n: number): HandshakeFragment => ({
      msgType: 11,
      length,
      messageSeq: seq,
      fragmentOffset: 0,
      fragment: new Uint8Array(n),
    });
    expect(r.add(chunk(0, 1001, 1), 0)).toBe("too-large");
    expect(r.add(chunk(4, 10, 1), 0)).toBe("too-far-ahead");
    expect(r.add(chunk(2, 1000, 1000), 0)).toBe("buffered");
    expect(r.add(chunk(3, 1000, 1000), 0)).toBe("buffered");
    expect(r.bufferedBytes).toBe(2000);
    // The next expected message evicts the ones farthest ahead to fit.
    expect(r.add(chunk(0, 1000, 1000), 0)).toBe("buffered");
    expect(r.bufferedBytes).toBe(2000);
    expect(r.evicted).toBe(1);
    // A message farther ahead than every other cannot push nearer ones out.
    expect(r.add(chunk(3, 900, 900), 0)).toBe("over-budget");
  });
});

describe("hostile fragments before the ClientHello is accepted (issue 18)", () => {
  const hello = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
  const ch = (seq: number, offset: number, end: number, length = hello.length): HandshakeFragment => ({
    msgType: 1,
    length,
    messageSeq: seq,
    fragmentOffset: offset,
    fragment: hello.subarray(offset, end),
  });

  it("a fragment ahead of the real ClientHello does not block it", () => {
    const r = new HandshakeReassembly();
    r.awaitFirst(1);
    expect(r.add(ch(5, 0, 10), 0)).toBe("buffered"); // forged, message_seq 5, never completed
    expect(r.add(ch(0, 0, 300), 0)).toBe("buffered"); // the real one
    const m = r.poll();
    expect(m).toMatchObject({ msgType: 1, messageSeq: 0 });
    expect(m?.body).toEqual(hello);
    r.accept(0);
    expect(r.nextSeq).toBe(1);
  });

  it("fragments claiming 64 KiB messages cost only their bytes: the real ClientHello still fits", () => {
    const r = new HandshakeReassembly();
    r.awaitFirst(1);
    for (let i = 0; i < 64; i++) {
      expect(
        r.add(
          { msgType: 1, length: 65536, messageSeq: i % 9, fragmentOffset: i, fragment: Uint8Array.of(1) },
          0,
        ),
      ).not.toBe("over-budget");
    }
    expect(r.bufferedBytes).toBeLessThanOrEqual(64);
    expect(r.add(ch(0, 0, 150), 0)).toBe("buffered");
    expect(r.add(ch(0, 150, 300), 0)).toBe("buffered");
    expect(r.poll()?.body).toEqual(hello);
  });

  it("a forged fragment with another length or overlapping bytes cannot poison the real one", () => {
    const r = new HandshakeReassembly();
    r.awaitFirst(1);
    expect(r.add({ ...ch(0, 0, 10), length: 65536 }, 0)).toBe("buffered");
    expect(r.add({ ...ch(0, 0, 150), fragment: new Uint8Array(150) }, 0)).toBe("buffered");
    expect(r.add(ch(0, 0, 150), 0)).toBe("conflicting"); // the forged bytes and the real ones differ: both go
    expect(r.add(ch(0, 0, 150), 0)).toBe("buffered");
    expect(r.add(ch(0, 150, 300), 0)).toBe("buffered");
    expect(r.poll()?.body).toEqual(hello);
  });

  it("a flood of distinct candidates evicts the oldest, never the one being completed", () => {
    const r = new HandshakeReassembly();
    r.awaitFirst(1);
    r.add(ch(0, 0, 150), 0);
    for (let i = 0; i < 100; i++) r.add({ ...ch(1, 0, 1), length: 1000 + i }, 0);
    expect(r.evicted).toBeGreaterThan(0);
    r.add(ch(0, 0, 150), 0);
    r.add(ch(0, 150, 300), 0);
    expect(r.poll()?.body).toEqual(hello);
  });

  it("other message types are refused until the first message is accepted", () => {
    const r = new HandshakeReassembly();
    r.awaitFirst(1);
    expect(r.add(frag(0, 0, 100), 0)).toBe("unexpected-type");
  });
});
