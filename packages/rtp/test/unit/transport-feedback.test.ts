import { describe, expect, it } from "vitest";
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  decodeTransportSequenceNumber,
  encodeHeaderExtension,
  encodeRtcpCompound,
  encodeRtcpPacket,
  encodeRtpPacket,
  encodeTransportSequenceNumber,
  encodeTransportWideFeedback,
  extensionElementOffset,
  findExtensionElementInPacket,
  PacketStatus,
  type PacketStatusSymbol,
  type RtcpPacket,
  type TransportWideFeedback,
  transportFeedbackArrivals,
  transportFeedbackChunks,
  transportSequenceNumberOf,
} from "../../src/index.js";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));

function one(bytes: Uint8Array): RtcpPacket {
  const r = decodeRtcpCompound(bytes);
  if (!r.ok) throw new Error(`decode failed: ${r.error.code} at ${r.error.at}`);
  expect(r.value).toHaveLength(1);
  return r.value[0] as RtcpPacket;
}

const S = PacketStatus.SmallDelta;
const L = PacketStatus.LargeDelta;
const N = PacketStatus.NotReceived;

describe("transport-wide CC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1)", () => {
  it("decodes a Chrome feedback packet (Wireshark's dissection in olivermichel/webrtc-analysis test/include/data.h) and re-encodes it byte for byte", () => {
    // Base Sequence Number 1, Packet Status Count 9, Reference Time 6197520, Feedback Packets Count 0,
    // one Run Length Chunk (small delta × 9), deltas 7, 3, 11, 14, 0, 1, 0, 2, 6 ms, one octet of padding.
    const bytes = hex("af cd 00 07 00000001 dd586eb6 0001 0009 5e9110 00 2009 1c 0c 2c 38 00 04 00 08 18 01");
    const fb = one(bytes);
    expect(fb).toEqual({
      type: "twcc",
      senderSsrc: 1,
      mediaSsrc: 0xdd586eb6,
      baseSequenceNumber: 1,
      referenceTime: 6197520,
      feedbackPacketCount: 0,
      statuses: Array(9).fill(S),
      deltas: [28, 12, 44, 56, 0, 4, 0, 8, 24],
    });
    expect(encodeRtcpPacket(fb)).toEqual(bytes);
    const arrivals = transportFeedbackArrivals(fb as TransportWideFeedback);
    const base = 6197520 * 64_000;
    expect(arrivals.map((a) => ((a.arrivalUs ?? 0) - base) / 1000)).toEqual([
      7, 10, 21, 35, 35, 36, 36, 38, 44,
    ]);
    expect(arrivals.map((a) => a.sequenceNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each([
    // webrtc-rs crates/rtcp/src/transport_layer_cc/transport_layer_cc_test.rs "example1" and "example4"
    // (libwebrtc's layout: P bit with the count in the last octet)
    [
      "one packet, 37 ms",
      "af cd 00 05 fa17fa17 43032fa0 0099 0001 3de802 17 2001 94 01",
      { base: 153, ref: 4057090, count: 23, statuses: [S], deltas: [148] },
    ],
    [
      "seven packets",
      "af cd 00 07 fa17fa17 193dd8bb 0004 0007 10636e 01 2007 4c 24 24 10 0c 0c 10 00 00 03",
      { base: 4, ref: 1074030, count: 1, statuses: Array(7).fill(S), deltas: [76, 36, 36, 16, 12, 12, 16] },
    ],
  ])("decodes and re-encodes %s", (_n, h, want) => {
    const bytes = hex(h);
    const fb = one(bytes) as TransportWideFeedback;
    expect(fb.baseSequenceNumber).toBe(want.base);
    expect(fb.referenceTime).toBe(want.ref);
    expect(fb.feedbackPacketCount).toBe(want.count);
    expect(fb.statuses).toEqual(want.statuses);
    expect(fb.deltas).toEqual(want.deltas);
    expect(encodeRtcpPacket(fb)).toEqual(bytes);
  });

  it("decodes every chunk kind: run length (not received), one-bit vector (§3.1.4 example 1), two-bit vector with a large and a negative delta", () => {
    // 3 statuses by run length (not received ×3), 14 by the one-bit vector 9F1C, 7 by the two-bit vector
    // D9 60 (= 11 | 01 10 01 01 10 00 00: S L S S L N N)
    const bytes = hex(
      "8f cd 00 0a 00000002 00000003 fffe 0018 000001 07 0003 9f1c d960" +
        " 01 02 03 04 05 06 07 08" + // 8 small deltas from the one-bit vector
        " 0a 8000 0b 0c 7fff" + // the two-bit vector: S, L -32768, S, S, L 32767
        " 00 00 00",
    );
    const fb = one(bytes) as TransportWideFeedback;
    const oneBit = [N, S, S, S, S, S, N, N, N, S, S, S, N, N];
    expect(fb.statuses).toEqual([N, N, N, ...oneBit, S, L, S, S, L, N, N]);
    expect(fb.deltas).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, -32768, 11, 12, 32767]);
    expect(fb.baseSequenceNumber).toBe(0xfffe);
    const seqs = transportFeedbackArrivals(fb).map((a) => a.sequenceNumber);
    expect(seqs.slice(0, 4)).toEqual([0xfffe, 0xffff, 0, 1]);
    // re-encoding may chunk differently; the value survives
    const again = one(encodeRtcpPacket(fb));
    expect(again).toEqual(fb);
  });

  it("stops a run or a vector at the packet status count", () => {
    const fb = one(
      hex("8f cd 00 05 00000001 00000002 0010 0002 000000 00 2005 01 02"),
    ) as TransportWideFeedback;
    expect(fb.statuses).toEqual([S, S]);
    expect(fb.deltas).toEqual([1, 2]);
    const vec = one(
      hex("8f cd 00 05 00000001 00000002 0010 0003 000000 00 c000 0000"),
    ) as TransportWideFeedback;
    expect(vec.statuses).toEqual([N, N, N]);
  });

  it.each([
    [
      "the reserved symbol 3 in a run (the draft's §3.1.3 example 2)",
      "8f cd 00 05 00000001 00000002 0000 0018 000000 00 6018 0000",
      "twcc-reserved-symbol",
      20,
    ],
    [
      "the reserved symbol 3 in a two-bit vector (§3.1.4 example 2)",
      "8f cd 00 05 00000001 00000002 0000 0007 000000 00 cd50 0000",
      "twcc-reserved-symbol",
      20,
    ],
    ["no fixed FCI", "8f cd 00 03 00000001 00000002 00000000", "twcc-truncated", 16],
    [
      "fewer chunks than the status count",
      "8f cd 00 05 00000001 00000002 0000 0020 000000 00 2010 0000",
      "twcc-truncated",
      24,
    ],
    ["deltas missing", "8f cd 00 05 00000001 00000002 0000 0005 000000 00 2005 0102", "twcc-truncated", 24],
  ])("fails on %s", (_n, h, code, at) => {
    expect(decodeRtcpCompound(hex(h))).toEqual({ ok: false, error: { code, at } });
  });

  it("chunks as libwebrtc does: runs, one-bit vectors of 14, two-bit vectors of 7", () => {
    expect(transportFeedbackChunks(Array(20).fill(S))).toEqual([0x2000 | 20]);
    expect(transportFeedbackChunks(Array(8192).fill(N))).toEqual([0x1fff, 0x0001]);
    // 14 symbols of 0/1, not all equal: one one-bit vector
    expect(transportFeedbackChunks([S, N, S, S, S, S, S, S, S, S, S, S, S, N])).toEqual([
      0b1010_1111_1111_1110,
    ]);
    // a large delta among them: two-bit vectors (7, then the remaining 2 as a two-bit vector)
    expect(transportFeedbackChunks([S, L, S, S, S, S, S, N, S])).toEqual([
      0xc000 | (1 << 12) | (2 << 10) | (1 << 8) | (1 << 6) | (1 << 4) | (1 << 2) | 1,
      0xc000 | (0 << 12) | (1 << 10),
    ]);
    // 8 different then a run: the first 7 two-bit, then what is left continues
    expect(transportFeedbackChunks([L, S, S, S, S, S, S, S, S, S])).toHaveLength(2);
    expect(transportFeedbackChunks([])).toEqual([]);
  });

  it("encodes statuses and deltas, padding with the P bit as libwebrtc does", () => {
    const fb = {
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 100,
      referenceTime: 0xabcdef,
      feedbackPacketCount: 9,
      statuses: [S, N, L] as PacketStatusSymbol[],
      deltas: [4, -4],
    };
    const bytes = encodeTransportWideFeedback(fb);
    expect(bytes).toEqual(hex("af cd 00 06 00000001 00000002 0064 0003 abcdef 09 d200 04 fffc 00 00 03"));
    expect(one(bytes)).toEqual({ type: "twcc", ...fb });
  });

  it("refuses what it cannot represent", () => {
    const base = {
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 0,
      referenceTime: 0,
      feedbackPacketCount: 0,
    };
    expect(() => encodeTransportWideFeedback({ ...base, statuses: [S], deltas: [256] })).toThrow(
      /small delta/,
    );
    expect(() => encodeTransportWideFeedback({ ...base, statuses: [L], deltas: [40000] })).toThrow(
      /large delta/,
    );
    expect(() => encodeTransportWideFeedback({ ...base, statuses: [S], deltas: [] })).toThrow(/fewer/);
    expect(() => encodeTransportWideFeedback({ ...base, statuses: [N], deltas: [1] })).toThrow(/more/);
    expect(() =>
      encodeTransportWideFeedback({ ...base, statuses: [3 as PacketStatusSymbol], deltas: [1] }),
    ).toThrow(/symbol/);
  });

  it("decodes among other packets of a compound (padding inside the compound)", () => {
    const fb = encodeTransportWideFeedback({
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 7,
      referenceTime: 1,
      feedbackPacketCount: 1,
      statuses: [S],
      deltas: [1],
    });
    const pli = encodeRtcpPacket({ type: "pli", senderSsrc: 1, mediaSsrc: 2 });
    const both = new Uint8Array([...fb, ...pli, ...fb]);
    const r = decodeRtcpCompound(both);
    expect(r.ok && r.value.map((p) => p.type)).toEqual(["twcc", "pli", "twcc"]);
    if (r.ok) expect(decodeRtcpCompound(encodeRtcpCompound(r.value))).toEqual(r);
  });
});

describe("the transport-wide sequence number header extension (§2)", () => {
  it("is 16 bits big-endian, found and rewritten in place in an encoded packet", () => {
    expect(encodeTransportSequenceNumber(0x1234)).toEqual(Uint8Array.of(0x12, 0x34));
    expect(decodeTransportSequenceNumber(Uint8Array.of(0xab, 0xcd))).toEqual({ ok: true, value: 0xabcd });
    expect(decodeTransportSequenceNumber(Uint8Array.of(1)).ok).toBe(false);
    for (const form of ["one-byte", "two-byte"] as const) {
      const extension = encodeHeaderExtension(
        [
          { id: 4, data: new TextEncoder().encode("0") },
          { id: 3, data: encodeTransportSequenceNumber(0) },
        ],
        form,
      );
      const packet = encodeRtpPacket({
        marker: false,
        payloadType: 96,
        sequenceNumber: 1,
        timestamp: 2,
        ssrc: 3,
        csrcs: [9],
        extension,
        payload: Uint8Array.of(1, 2, 3),
        paddingLength: 0,
      });
      const at = findExtensionElementInPacket(packet, 3);
      expect(at?.length).toBe(2);
      packet.set(encodeTransportSequenceNumber(0xbeef), at?.offset ?? 0);
      const d = decodeRtpPacket(packet);
      expect(d.ok).toBe(true);
      if (!d.ok || !d.value.extension) return;
      expect(findExtensionElementInPacket(packet, 7)).toBeUndefined();
      expect(d.value.payload).toEqual(Uint8Array.of(1, 2, 3));
      const at2 = findExtensionElementInPacket(packet, 3);
      expect(packet.subarray(at2?.offset, (at2?.offset ?? 0) + 2)).toEqual(Uint8Array.of(0xbe, 0xef));
      expect(extensionElementOffset(packet, 3)).toBe(at2?.offset);
      expect(extensionElementOffset(packet, 9)).toBe(-1);
      expect(transportSequenceNumberOf(d.value.extension, 3)).toBe(0xbeef);
      expect(transportSequenceNumberOf(d.value.extension, 4)).toBe(-1); // the MID: not 2 octets
      expect(transportSequenceNumberOf(d.value.extension, 9)).toBe(-1);
    }
  });

  it("finds nothing in a packet without an extension, or with a truncated one", () => {
    expect(findExtensionElementInPacket(hex("80 60 0001 00000002 00000003 aa"), 3)).toBeUndefined();
    expect(
      findExtensionElementInPacket(hex("90 60 0001 00000002 00000003 bede 0002 3100"), 3),
    ).toBeUndefined();
    expect(
      findExtensionElementInPacket(hex("90 60 0001 00000002 00000003 bede 0001 3f00 0000"), 3),
    ).toBeUndefined();
  });
});
