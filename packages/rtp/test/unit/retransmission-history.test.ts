import { describe, expect, it } from "vitest";
import {
  decodeRtpPacket,
  decodeRtxPacket,
  encodeRtpPacket,
  RetransmissionHistory,
  type RtpPacket,
} from "../../src/index.js";

function packet(seq: number, pt = 96): RtpPacket {
  return {
    marker: seq % 2 === 0,
    payloadType: pt,
    sequenceNumber: seq & 0xffff,
    timestamp: seq * 3000,
    ssrc: 0x1111,
    csrcs: [],
    extension: undefined,
    payload: Uint8Array.of(seq & 0xff, 1, 2, 3),
    paddingLength: 0,
  };
}

function drain(h: RetransmissionHistory): RtpPacket[] {
  const out: RtpPacket[] = [];
  for (let p = h.pollTransmit(); p; p = h.pollTransmit()) out.push(p);
  return out;
}

describe("RetransmissionHistory", () => {
  it("answers a NACK with the packets as sent", () => {
    const h = new RetransmissionHistory();
    for (let s = 10; s < 20; s++) h.handleSent(s, packet(s));
    h.handleNack(30, [12, 15]);
    expect(drain(h).map(encodeRtpPacket)).toEqual([encodeRtpPacket(packet(12)), encodeRtpPacket(packet(15))]);
    expect(h.counters.retransmitted).toBe(2);
  });

  it("keeps its own copy of the payload", () => {
    const h = new RetransmissionHistory();
    const p = packet(1);
    h.handleSent(0, p);
    (p.payload as Uint8Array)[0] = 0xee;
    h.handleNack(1, [1]);
    expect(drain(h)[0]?.payload[0]).toBe(1);
  });

  it("wraps in RTX per RFC 4588 §4: RTX SSRC, payload type, own sequence numbers, OSN first", () => {
    const h = new RetransmissionHistory({
      rtx: { ssrc: 0x2222, payloadType: { 96: 97 }, sequenceNumber: 65535 },
    });
    h.handleSent(0, packet(500));
    h.handleSent(0, packet(501));
    h.handleSent(0, packet(502, 100));
    h.handleNack(10, [501, 500, 502]);
    const out = drain(h);
    expect(out.map((p) => [p.ssrc, p.payloadType, p.sequenceNumber, p.timestamp, p.marker])).toEqual([
      [0x2222, 97, 65535, 501 * 3000, false],
      [0x2222, 97, 0, 500 * 3000, true],
    ]);
    expect([...(out[0]?.payload ?? [])]).toEqual([0x01, 0xf5, 501 & 0xff, 1, 2, 3]); // OSN 501 = 0x01f5
    expect(h.counters.noRtxPayloadType).toBe(1);
    const wire = decodeRtpPacket(encodeRtpPacket(out[0] as RtpPacket));
    if (!wire.ok) throw new Error(wire.error.code);
    const original = decodeRtxPacket(wire.value, { ssrc: 0x1111, payloadType: 96 });
    expect(original.ok && encodeRtpPacket(original.value)).toEqual(encodeRtpPacket(packet(501)));
    expect(
      decodeRtxPacket({ ...wire.value, payload: Uint8Array.of(1) }, { ssrc: 1, payloadType: 96 }).ok,
    ).toBe(false);
  });

  it("does not resend what it no longer holds, what is too old, or the same packet within an RTT", () => {
    const h = new RetransmissionHistory({ capacity: 4, maxAgeMs: 500, minResendIntervalMs: 10 });
    for (let s = 0; s < 6; s++) h.handleSent(s * 100, packet(s));
    h.handleRtt(50);
    h.handleNack(600, [0, 1, 7]); // 0 and 1 overwritten by 4 and 5; 7 never sent
    expect(h.counters.unknown).toBe(3);
    h.handleNack(750, [2]); // sent at 200: 550 ms ago
    expect(h.counters.tooOld).toBe(1);
    h.handleNack(750, [3, 3]);
    h.handleNack(790, [3]);
    expect(h.counters.rateLimited).toBe(2);
    h.handleNack(800, [3]);
    expect(drain(h).map((p) => p.sequenceNumber)).toEqual([3, 3]);
  });
});

describe("RetransmissionHistory padding (probes)", () => {
  it("makes padding-only packets on the RTX stream, sharing its sequence numbers with retransmissions", () => {
    const h = new RetransmissionHistory({ rtx: { ssrc: 0x2222, payloadType: 97, sequenceNumber: 500 } });
    expect(h.paddingPacket(100, undefined)).toBeUndefined(); // nothing sent yet
    h.handleSent(0, {
      marker: true,
      payloadType: 96,
      sequenceNumber: 7,
      timestamp: 9000,
      ssrc: 0x1111,
      csrcs: [],
      extension: undefined,
      payload: Uint8Array.of(1, 2, 3),
      paddingLength: 0,
    });
    const ext = { profile: 0xbede, data: Uint8Array.of(0x31, 0, 0, 0) };
    const pad = h.paddingPacket(300, ext);
    expect(pad).toEqual({
      marker: false,
      payloadType: 97,
      sequenceNumber: 500,
      timestamp: 9000,
      ssrc: 0x2222,
      csrcs: [],
      extension: ext,
      payload: new Uint8Array(0),
      paddingLength: 255,
    });
    h.handleNack(1, [7]);
    expect(h.pollTransmit()?.sequenceNumber).toBe(501);
    expect(h.paddingPacket(0, undefined)?.paddingLength).toBe(1);
    expect(new RetransmissionHistory().paddingPacket(10, undefined)).toBeUndefined(); // no RTX
  });
});
