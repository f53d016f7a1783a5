import { describe, expect, it } from "vitest";
import { buildStapA, H264PayloadFormat, joinAnnexB, splitAnnexB } from "../../src/index.js";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));

const sps = hex("67 42c00a d9");
const pps = hex("68 cb83cb20");
const idr = hex("65 88 84 00 33 ff");

describe("H.264 packetization mode 1 (RFC 6184)", () => {
  const h264 = new H264PayloadFormat();

  it("aggregates small NAL units in a STAP-A, RFC 6184 §5.7.1 Figure 7 layout", () => {
    // STAP-A NAL HDR: F=0, NRI=max(3,3)=3, Type 24 → 0x78; then size(16) + NAL, twice
    expect(buildStapA([sps, pps])).toEqual(hex("78 0005 6742c00ad9 0005 68cb83cb20"));
    const payloads = h264.packetize(joinAnnexB([sps, pps, idr]), 1200);
    expect(payloads).toEqual([hex("78 0005 6742c00ad9 0005 68cb83cb20 0006 658884 0033ff")]);
  });

  it("sends a NAL unit that fits alone as a Single NAL Unit packet (§5.6)", () => {
    expect(h264.packetize(joinAnnexB([idr]), 1200)).toEqual([idr]);
  });

  it("fragments a large NAL unit in FU-A packets (§5.8): indicator F|NRI|28, header S|E|R|type", () => {
    const big = new Uint8Array(26);
    big[0] = 0x65;
    for (let i = 1; i < big.length; i++) big[i] = i;
    const out = h264.packetize(joinAnnexB([big]), 12);
    // 25 octets after the NAL header, at most 10 per FU-A: balanced as 9, 8, 8
    expect(out.map((p) => [p[0], p[1], p.length])).toEqual([
      [0x7c, 0x85, 11],
      [0x7c, 0x05, 10],
      [0x7c, 0x45, 10],
    ]);
    const back = h264.depacketize(out);
    expect(back.ok && back.value.nalUnits).toEqual([big]);
  });

  it("detects keyframes: IDR, or SPS with PPS", () => {
    const key = h264.depacketize([idr]);
    const params = h264.depacketize([buildStapA([sps, pps])]);
    const delta = h264.depacketize([hex("41 9a 02")]);
    expect([
      key.ok && key.value.isKeyframe,
      params.ok && params.value.isKeyframe,
      delta.ok && delta.value.isKeyframe,
    ]).toEqual([true, true, false]);
  });

  it("outputs Annex-B with 4-octet start codes", () => {
    const r = h264.depacketize([buildStapA([sps, pps]), idr]);
    expect(r.ok && r.value.data).toEqual(
      hex("00000001 6742c00ad9 00000001 68cb83cb20 00000001 658884 0033ff"),
    );
  });

  it.each([
    ["FU-A with S and E both set", ["7c c5 01"], "fu-a-start-and-end"],
    ["FU-A continuation without a start", ["7c 05 01"], "fu-a-without-start"],
    ["FU-A start twice", ["7c 85 01", "7c 85 02"], "fu-a-unexpected-start"],
    ["FU-A whose type changes", ["7c 85 01", "7c 41 02"], "fu-a-type-changed"],
    ["FU-A never ended", ["7c 85 01", "7c 05 02"], "fu-a-incomplete"],
    ["a NAL unit inside an open FU-A", ["7c 85 01", "41 9a"], "fu-a-incomplete"],
    ["STAP-A size past the end", ["78 0009 6742"], "stap-a-truncated"],
    ["STAP-A zero-size NAL unit", ["78 0000"], "stap-a-truncated"],
    ["STAP-B (interleaved mode)", ["79 0001 41"], "unsupported-packet-type"],
    ["FU-B (interleaved mode)", ["7d 85 0001 01"], "unsupported-packet-type"],
    ["reserved type 0", ["00 01"], "unsupported-packet-type"],
    ["an empty payload", [""], "empty-payload"],
  ])("refuses %s", (_n, payloads, code) => {
    const r = h264.depacketize(payloads.map(hex));
    expect(!r.ok && r.error.code).toBe(code);
  });

  it("tells frame starts: parameter sets, first slices (first_mb_in_slice = 0), FU-A starts only", () => {
    expect(h264.isFrameStart(sps)).toBe(true);
    expect(h264.isFrameStart(idr)).toBe(true); // 0x88: top bit set, first_mb_in_slice = 0
    expect(h264.isFrameStart(hex("65 48 00"))).toBe(false); // a later slice of the same picture
    expect(h264.isFrameStart(hex("7c 85 88"))).toBe(true);
    expect(h264.isFrameStart(hex("7c 05 88"))).toBe(false);
    expect(h264.isFrameStart(buildStapA([sps, pps]))).toBe(true);
  });
});

describe("Annex-B framing (H.264 Annex B)", () => {
  it("splits on 3- and 4-octet start codes and drops trailing zeros", () => {
    const nals = splitAnnexB(hex("00000001 0910 000001 6742 0000 00000001 68ce"));
    expect(nals).toEqual([hex("0910"), hex("6742"), hex("68ce")]);
  });
});
