/** ChannelData (RFC 8656 §12.4), the TURN stream framing (§12.5, RFC 6062 §4) and PASSWORD-ALGORITHMS (RFC 8489 §14.11). */
import { describe, expect, it } from "vitest";
import { TurnStreamFramer } from "../../src/machine/turn-stream-framer.js";
import { decodeChannelData, encodeChannelData, isChannelData } from "../../src/wire/channel-data.js";
import { encodeStunMessage } from "../../src/wire/stun-message.js";
import { StunMethod } from "../../src/wire/stun-message-types.js";
import {
  decodePasswordAlgorithms,
  encodePasswordAlgorithm,
  nonceSecurityFeatures,
} from "../../src/wire/turn-password-algorithms.js";
import { turnFrameLength } from "../../src/wire/turn-stream-framing.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const fromHex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

describe("ChannelData (RFC 8656 §12.4)", () => {
  it("lays out Channel Number, Length and the data, padded only when asked (TCP/TLS)", () => {
    const data = Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd, 0xee);
    expect(hex(encodeChannelData({ channelNumber: 0x4001, data }))).toBe("40010005aabbccddee");
    expect(hex(encodeChannelData({ channelNumber: 0x4001, data }, { padded: true }))).toBe(
      "40010005aabbccddee000000",
    );
    expect(hex(encodeChannelData({ channelNumber: 0x4fff, data: new Uint8Array(0) }))).toBe("4fff0000");
  });

  it("decodes, accepting up to 3 padding bytes over UDP and requiring exact padding on streams", () => {
    const d = decodeChannelData(fromHex("40010005 aabbccddee 000000"));
    expect(d.ok && [d.value.channelNumber, hex(d.value.data)]).toEqual([0x4001, "aabbccddee"]);
    expect(decodeChannelData(fromHex("40010005 aabbccddee")).ok).toBe(true);
    expect(decodeChannelData(fromHex("40010005 aabbccddee 000000"), { padded: true }).ok).toBe(true);
    expect(decodeChannelData(fromHex("40010005 aabbccddee"), { padded: true })).toEqual({
      ok: false,
      error: { code: "bad-length", at: 2 },
    });
    expect(decodeChannelData(fromHex("40010001 aa 00000000"))).toEqual({
      ok: false,
      error: { code: "bad-length", at: 2 },
    });
  });

  it("refuses short input, truncated data and channel numbers outside 0x4000–0x4FFF", () => {
    expect(decodeChannelData(fromHex("4001"))).toEqual({ ok: false, error: { code: "too-short", at: 2 } });
    expect(decodeChannelData(fromHex("40010008 aabb"))).toEqual({
      ok: false,
      error: { code: "truncated", at: 6 },
    });
    expect(decodeChannelData(fromHex("50000000"))).toEqual({
      ok: false,
      error: { code: "bad-channel-number", at: 0 },
    });
    expect(decodeChannelData(fromHex("3fff0000")).ok).toBe(false);
    expect(() => encodeChannelData({ channelNumber: 0x5000, data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodeChannelData({ channelNumber: 0x4000, data: new Uint8Array(0x10000) })).toThrow(
      RangeError,
    );
  });

  it("is told apart from STUN, DTLS and RTP by its first byte (RFC 7983: 64–79)", () => {
    expect(isChannelData(Uint8Array.of(0x40))).toBe(true);
    expect(isChannelData(Uint8Array.of(0x4f))).toBe(true);
    expect(isChannelData(Uint8Array.of(0x00))).toBe(false); // STUN
    expect(isChannelData(Uint8Array.of(0x16))).toBe(false); // DTLS
    expect(isChannelData(Uint8Array.of(0x80))).toBe(false); // RTP
    expect(isChannelData(new Uint8Array(0))).toBe(false);
  });
});

describe("TURN stream framing (RFC 8656 §12.5)", () => {
  const stun = encodeStunMessage(
    {
      method: StunMethod.Refresh,
      class: "success",
      transactionId: new Uint8Array(12).fill(1),
      attributes: [],
    },
    { fingerprint: true },
  );
  const cd1 = encodeChannelData({ channelNumber: 0x4000, data: Uint8Array.of(1, 2, 3) }, { padded: true });
  const cd2 = encodeChannelData({ channelNumber: 0x4001, data: new Uint8Array(0) }, { padded: true });
  const stream = Uint8Array.from([...stun, ...cd1, ...cd2, ...stun]);
  const expected = [hex(stun), hex(cd1), hex(cd2), hex(stun)];

  function frames(chunks: readonly Uint8Array[]): string[] {
    const f = new TurnStreamFramer();
    const out: string[] = [];
    for (const c of chunks) {
      f.handleData(c);
      for (let x = f.pollFrame(); x !== undefined; x = f.pollFrame()) out.push(hex(x));
    }
    expect(f.error).toBeUndefined();
    expect(f.buffered).toBe(0);
    return out;
  }

  it("knows each frame's size from its first 4 bytes", () => {
    expect(turnFrameLength(stun.subarray(0, 3))).toEqual({ ok: true, value: undefined });
    expect(turnFrameLength(stun)).toEqual({ ok: true, value: stun.length });
    expect(turnFrameLength(cd1)).toEqual({ ok: true, value: 8 });
    expect(turnFrameLength(Uint8Array.of(0x80, 0, 0, 0))).toEqual({
      ok: false,
      error: { code: "not-turn", at: 0 },
    });
    expect(turnFrameLength(Uint8Array.of(0x60, 0, 0, 0)).ok).toBe(false);
    expect(turnFrameLength(Uint8Array.of(0x00, 0x01, 0x00, 0x05)).ok).toBe(false);
  });

  it("cuts coalesced frames", () => {
    expect(frames([stream])).toEqual(expected);
  });

  it("reassembles frames split byte by byte", () => {
    expect(frames([...stream].map((b) => Uint8Array.of(b)))).toEqual(expected);
  });

  it("reassembles frames split across odd chunk boundaries", () => {
    const cuts = [3, 21, 22, 30, 31, stream.length - 1];
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const c of cuts) {
      chunks.push(stream.subarray(from, c));
      from = c;
    }
    chunks.push(stream.subarray(from));
    expect(frames(chunks)).toEqual(expected);
  });

  it("stops at a frame that is neither STUN nor ChannelData, with its stream offset", () => {
    const f = new TurnStreamFramer();
    f.handleData(Uint8Array.from([...cd1, 0xff, 0, 0, 0]));
    expect(f.pollFrame()).toEqual(cd1);
    expect(f.pollFrame()).toBeUndefined();
    expect(f.error).toEqual({ code: "not-turn", at: 8 });
    f.handleData(cd1);
    expect(f.pollFrame()).toBeUndefined();
  });
});

describe("PASSWORD-ALGORITHMS (RFC 8489 §14.11) and the nonce cookie (§9.2)", () => {
  it("decodes the list with its padded parameters", () => {
    const value = fromHex("0001 0000 0002 0000");
    const d = decodePasswordAlgorithms(value);
    expect(d.ok && d.value.map((e) => e.algorithm)).toEqual([1, 2]);
    const withParams = fromHex("0009 0003 aabbcc00 0002 0000");
    const p = decodePasswordAlgorithms(withParams);
    expect(p.ok && p.value.map((e) => [e.algorithm, hex(e.parameters)])).toEqual([
      [9, "aabbcc"],
      [2, ""],
    ]);
    expect(decodePasswordAlgorithms(fromHex("0001 0008 aabb")).ok).toBe(false);
    expect(decodePasswordAlgorithms(fromHex("0001 00")).ok).toBe(false);
    expect(hex(encodePasswordAlgorithm({ algorithm: 2, parameters: new Uint8Array(0) }))).toBe("00020000");
  });

  it("reads the STUN Security Feature bits after obMatJos2 (erratum 6290: bit 0 is the least significant)", () => {
    // RFC 8489 Appendix B.1 uses the nonce "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA": bits 0x000002.
    expect(nonceSecurityFeatures("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA")).toEqual({
      passwordAlgorithms: false,
      usernameAnonymity: true,
    });
    expect(nonceSecurityFeatures("obMatJos2AAAB")).toEqual({
      passwordAlgorithms: true,
      usernameAnonymity: false,
    });
    expect(nonceSecurityFeatures("plain-nonce")).toBeUndefined();
    expect(nonceSecurityFeatures("obMatJos2A!")).toBeUndefined();
  });
});
