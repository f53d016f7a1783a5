import { describe, expect, it } from "vitest";
import {
  decodeHeaderExtensionElements,
  decodeRtpPacket,
  encodeHeaderExtension,
  encodeRtpPacket,
  findHeaderExtensionElement,
  ONE_BYTE_PROFILE,
  type RtpPacket,
} from "../../src/index.js";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));

describe("RTP fixed header (RFC 3550 §5.1)", () => {
  it("decodes V=2, PT, sequence number, timestamp and SSRC from a hand-laid header", () => {
    // V=2 P=0 X=0 CC=0 | M=1 PT=96 | seq 0x1234 | ts 0x00000064 | SSRC 0xdeadbeef | payload 01 02 03
    const r = decodeRtpPacket(hex("80 e0 1234 00000064 deadbeef 010203"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      marker: true,
      payloadType: 96,
      sequenceNumber: 0x1234,
      timestamp: 100,
      ssrc: 0xdeadbeef,
      csrcs: [],
      extension: undefined,
      paddingLength: 0,
    });
    expect([...r.value.payload]).toEqual([1, 2, 3]);
  });

  it("reads CSRCs (CC=2) and padding (P=1, last octet the count)", () => {
    const bytes = hex("a2 08 0001 ffffffff 00000001 00000011 00000022 aabb 000003");
    const r = decodeRtpPacket(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.csrcs).toEqual([0x11, 0x22]);
    expect(r.value.payloadType).toBe(8);
    expect(r.value.timestamp).toBe(0xffffffff);
    expect(r.value.paddingLength).toBe(3);
    expect([...r.value.payload]).toEqual([0xaa, 0xbb]);
    expect(encodeRtpPacket(r.value)).toEqual(bytes);
  });

  it("keeps an extension with the RFC 8285 §4.2 one-byte example layout (ID 1 L=0, ID 2 L=1, 2 pad, ID 3 L=3)", () => {
    const bytes = hex("90 e0 698f d9c293da 1c642782 bede 0003 10aa 21bbbb 0000 33cccccccc 9836be889e");
    const r = decodeRtpPacket(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok || !r.value.extension) throw new Error("no extension");
    expect(r.value.extension.profile).toBe(ONE_BYTE_PROFILE);
    const els = decodeHeaderExtensionElements(r.value.extension);
    expect(els.ok).toBe(true);
    if (!els.ok) return;
    expect(els.value.map((e) => [e.id, [...e.data]])).toEqual([
      [1, [0xaa]],
      [2, [0xbb, 0xbb]],
      [3, [0xcc, 0xcc, 0xcc, 0xcc]],
    ]);
    expect([...r.value.payload]).toEqual([0x98, 0x36, 0xbe, 0x88, 0x9e]);
    expect(encodeRtpPacket(r.value)).toEqual(bytes);
  });

  it("decodes the RFC 8285 §4.3 two-byte example (0x100, ID 1 L=0, ID 2 L=1, pad, ID 3 L=4)", () => {
    const ext = { profile: 0x1000, data: hex("0100 0201 bb 00 0304 cccccccc") };
    const els = decodeHeaderExtensionElements(ext);
    expect(els.ok && els.value.map((e) => [e.id, e.data.length])).toEqual([
      [1, 0],
      [2, 1],
      [3, 4],
    ]);
    expect(findHeaderExtensionElement(ext, 2)).toEqual(hex("bb"));
  });

  it("one-byte form stops at the reserved ID 15 (RFC 8285 §4.2)", () => {
    const els = decodeHeaderExtensionElements({ profile: 0xbede, data: hex("10aa f0 21bbbb") });
    expect(els.ok && els.value.map((e) => e.id)).toEqual([1]);
  });

  it("chooses the one-byte form when it can and the two-byte form otherwise", () => {
    const one = encodeHeaderExtension([
      { id: 1, data: hex("aa") },
      { id: 2, data: hex("bbbb") },
    ]);
    expect(one).toEqual({ profile: 0xbede, data: hex("10aa 21bbbb 000000") });
    const two = encodeHeaderExtension([
      { id: 20, data: hex("aa") },
      { id: 3, data: new Uint8Array(0) },
    ]);
    expect(two).toEqual({ profile: 0x1000, data: hex("1401aa 0300 0000 00") });
    expect(() => encodeHeaderExtension([{ id: 15, data: hex("aa") }], "one-byte")).toThrow(/one-byte/);
  });

  it("encodes what it decodes, byte for byte", () => {
    const p: RtpPacket = {
      marker: false,
      payloadType: 111,
      sequenceNumber: 65535,
      timestamp: 0x80000000,
      ssrc: 1,
      csrcs: [7],
      extension: encodeHeaderExtension([{ id: 5, data: hex("0102") }]),
      payload: hex("fc ff fe"),
      paddingLength: 4,
    };
    const b = encodeRtpPacket(p);
    expect(b.length).toBe(12 + 4 + 4 + 4 + 3 + 4);
    const r = decodeRtpPacket(b);
    expect(r.ok && r.value).toEqual({ ...p, payload: p.payload });
  });
});

describe("RTP decode failures", () => {
  it.each([
    ["shorter than the fixed header", "80 60 0001 00000000 000000", "truncated", 11],
    ["version 1", "40 60 0001 00000000 00000000", "bad-version", 0],
    ["CSRC count beyond the end", "83 60 0001 00000000 00000000 00000001", "csrc-truncated", 16],
    ["extension header cut", "90 60 0001 00000000 00000000 bede", "extension-truncated", 12],
    [
      "extension length beyond the end",
      "90 60 0001 00000000 00000000 bede 0002 10aa0000",
      "extension-truncated",
      14,
    ],
    ["padding count 0", "a0 60 0001 00000000 00000000 aa00", "bad-padding", 13],
    ["padding count past the header", "a0 60 0001 00000000 00000000 aa09", "bad-padding", 13],
  ])("%s", (_name, h, code, at) => {
    expect(decodeRtpPacket(hex(h))).toEqual({ ok: false, error: { code, at } });
  });

  it("a truncated extension element is reported where it starts", () => {
    expect(decodeHeaderExtensionElements({ profile: 0xbede, data: hex("10aa 23bb") })).toEqual({
      ok: false,
      error: { code: "element-truncated", at: 2 },
    });
    expect(decodeHeaderExtensionElements({ profile: 0x1234, data: new Uint8Array(4) }).ok).toBe(false);
  });
});
