import { describe, expect, it } from "vitest";
import {
  decodeOpusToc,
  OpusPayloadFormat,
  opusPacketDurationSamples,
  RtpPacketizer,
} from "../../src/index.js";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));

describe("Opus TOC (RFC 6716 §3.1)", () => {
  it.each([
    // config << 3 | s << 2 | c  →  mode, 48 kHz samples per frame (Table 2)
    [0x00, "silk", 480],
    [0x18, "silk", 2880],
    [0x60, "hybrid", 480],
    [0x78, "hybrid", 960],
    [0x80, "celt", 120],
    [0xf8, "celt", 960],
  ])("TOC %i", (toc, mode, samples) => {
    expect(decodeOpusToc(toc)).toMatchObject({ mode, frameSamples: samples });
  });

  it("counts frames per code 0–3 (RFC 6716 §3.2) and rejects malformed framing (§3.4)", () => {
    expect(opusPacketDurationSamples(hex("fc ff fe"))).toEqual({ ok: true, value: 960 }); // code 0, 20 ms CELT stereo
    expect(opusPacketDurationSamples(hex("f9 0102"))).toEqual({ ok: true, value: 1920 }); // code 1, two frames
    expect(opusPacketDurationSamples(hex("f9 01"))).toEqual({
      ok: false,
      error: { code: "bad-code-1-length", at: 0 },
    });
    expect(opusPacketDurationSamples(hex("fa 01 aa bb"))).toEqual({ ok: true, value: 1920 }); // code 2
    expect(opusPacketDurationSamples(hex("fa 05 aa"))).toEqual({
      ok: false,
      error: { code: "truncated", at: 1 },
    });
    expect(opusPacketDurationSamples(hex("fb 03 aa"))).toEqual({ ok: true, value: 2880 }); // code 3, M=3
    expect(opusPacketDurationSamples(hex("fb 07 aa"))).toEqual({
      ok: false,
      error: { code: "bad-frame-count", at: 1 },
    }); // 140 ms
    expect(opusPacketDurationSamples(hex("fb 00"))).toEqual({
      ok: false,
      error: { code: "bad-frame-count", at: 1 },
    });
    expect(opusPacketDurationSamples(new Uint8Array(0))).toEqual({
      ok: false,
      error: { code: "empty", at: 0 },
    });
  });
});

describe("Opus RTP payload (RFC 7587)", () => {
  it("puts one Opus packet in one RTP packet, timestamps at 48 kHz, marker only on a talkspurt start", () => {
    const p = new RtpPacketizer({
      format: new OpusPayloadFormat(),
      ssrc: 9,
      payloadType: 111,
      sequenceNumber: 7,
    });
    const a = p.packetize(hex("fc ff fe"), 960, { talkspurtStart: true });
    const b = p.packetize(hex("fc 01"), 1920);
    expect(a.map((x) => [x.sequenceNumber, x.timestamp, x.marker, [...x.payload]])).toEqual([
      [7, 960, true, [0xfc, 0xff, 0xfe]],
    ]);
    expect(b.map((x) => [x.sequenceNumber, x.marker])).toEqual([[8, false]]);
    expect(() => p.packetize(new Uint8Array(2000), 0)).toThrow(/not fragmented/);
  });

  it("depacketizes exactly one valid Opus packet per frame", () => {
    const opus = new OpusPayloadFormat();
    expect(opus.depacketize([hex("fc ff")]).ok).toBe(true);
    expect(opus.depacketize([hex("f9 01")]).ok).toBe(false);
    expect(opus.depacketize([hex("fc"), hex("fc")]).ok).toBe(false);
  });
});
