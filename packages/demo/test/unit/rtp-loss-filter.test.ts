import { describe, expect, it } from "vitest";
import { classifyDatagram, RtpLossFilter } from "../../src/media/rtp-loss-filter.js";

// First bytes per RFC 7983 §7 / RFC 5761 §4.
const STUN = new Uint8Array([0x00, 0x01, 0x00, 0x00]);
const DTLS = new Uint8Array([0x16, 0xfe, 0xfd, 0x00]);
const RTP_VP8 = new Uint8Array([0x90, 96, 0x00, 0x01]); // V=2, X=1, PT 96
const RTP_MARKER = new Uint8Array([0x80, 0x80 | 96, 0, 1]); // marker bit set: 224
const RTCP_SR = new Uint8Array([0x80, 200, 0x00, 0x06]);
const RTCP_NACK = new Uint8Array([0x81, 205, 0x00, 0x03]);

describe("classifyDatagram", () => {
  it("tells RTP from RTCP from the rest", () => {
    expect(classifyDatagram(STUN)).toBe("other");
    expect(classifyDatagram(DTLS)).toBe("other");
    expect(classifyDatagram(new Uint8Array([0x80]))).toBe("other");
    expect(classifyDatagram(RTP_VP8)).toBe("rtp");
    expect(classifyDatagram(RTP_MARKER)).toBe("rtp");
    expect(classifyDatagram(RTCP_SR)).toBe("rtcp");
    expect(classifyDatagram(RTCP_NACK)).toBe("rtcp");
  });
});

describe("RtpLossFilter", () => {
  it("drops about the asked share of RTP and nothing else", () => {
    const f = new RtpLossFilter(5, 12345);
    let dropped = 0;
    for (let i = 0; i < 20_000; i++) if (f.shouldDrop(RTP_VP8)) dropped++;
    expect(dropped).toBe(f.counters.rtpDropped);
    expect(dropped / 20_000).toBeGreaterThan(0.04);
    expect(dropped / 20_000).toBeLessThan(0.06);
    for (let i = 0; i < 1000; i++) {
      expect(f.shouldDrop(RTCP_SR)).toBe(false);
      expect(f.shouldDrop(STUN)).toBe(false);
      expect(f.shouldDrop(DTLS)).toBe(false);
    }
    expect(f.counters.rtpSeen).toBe(20_000);
  });

  it("is deterministic for a seed; 0 % drops nothing, 100 % everything; out of range is refused", () => {
    const pattern = (seed: number) => {
      const f = new RtpLossFilter(30, seed);
      return Array.from({ length: 64 }, () => f.shouldDrop(RTP_VP8));
    };
    expect(pattern(7)).toEqual(pattern(7));
    expect(pattern(7)).not.toEqual(pattern(8));
    const none = new RtpLossFilter(0, 1);
    const all = new RtpLossFilter(100, 1);
    for (let i = 0; i < 1000; i++) {
      expect(none.shouldDrop(RTP_VP8)).toBe(false);
      expect(all.shouldDrop(RTP_VP8)).toBe(true);
    }
    expect(() => new RtpLossFilter(101, 1)).toThrow(RangeError);
    expect(() => new RtpLossFilter(Number.NaN, 1)).toThrow(RangeError);
  });
});
