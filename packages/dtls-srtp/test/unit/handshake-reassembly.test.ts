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

  it("duplicates and covered overlaps are reported; zero-length messages complete", () => {
    const r = new HandshakeReassembly();
    r.add(frag(0, 10, 50), 0);
    expect(r.add(frag(0, 20, 30), 0)).toBe("duplicate");
    expect(r.add({ ...frag(0, 0, 10), length: 99 }, 0)).toBe("inconsistent");
    expect(r.add({ ...frag(0, 0, 10), msgType: 12 }, 0)).toBe("inconsistent");
    r.add(frag(0, 0, 10), 0);
    r.add(frag(0, 49, 100), 0);
    expect(r.poll()?.body).toEqual(body);
    const empty = new Uint8Array(0);
    expect(r.add({ msgType: 14, length: 0, messageSeq: 1, fragmentOffset: 0, fragment: empty }, 0)).toBe(
      "buffered",
    );
    expect(r.poll()).toMatchObject({ msgType: 14, messageSeq: 1 });
  });

  it("is bounded: message size, total buffered bytes, how far ahead", () => {
    const r = new HandshakeReassembly({ maxMessageBytes: 1000, maxBufferedBytes: 2500, maxSeqAhead: 3 });
    const big = (seq: number, length: number): HandshakeFragment => ({
      msgType: 11,
      length,
      messageSeq: seq,
      fragmentOffset: 0,
      fragment: new Uint8Array(1),
    });
    expect(r.add(big(0, 1001), 0)).toBe("too-large");
    expect(r.add(big(4, 10), 0)).toBe("too-far-ahead");
    expect(r.add(big(0, 1000), 0)).toBe("buffered");
    expect(r.add(big(1, 1000), 0)).toBe("buffered");
    expect(r.add(big(2, 1000), 0)).toBe("over-budget");
    expect(r.bufferedBytes).toBe(2000);
  });
});
