import {
  encodeRtxPacket,
  H264PayloadFormat,
  type PayloadFormat,
  type RtpPacket,
  Vp8PayloadFormat,
} from "@tern/rtp";
import { describe, expect, it } from "vitest";
import { type ReceiveCodec, RtpReceiver } from "../../src/machine/rtp-receiver.js";

const random = (n: number): Uint8Array => new Uint8Array(n).fill(7);
const SSRC = 0x1234;
const VP8: ReceiveCodec = {
  codec: "VP8",
  payloadType: 96,
  clockRate: 90000,
  rtxPayloadType: 97,
  nack: true,
  pli: true,
};
const H264: ReceiveCodec = {
  codec: "H264",
  payloadType: 102,
  clockRate: 90000,
  rtxPayloadType: 103,
  nack: true,
  pli: true,
};

/** A VP8 key frame (bit 0 of the first octet clear), `size` octets. */
const vp8Key = (size: number, fill: number): Uint8Array => new Uint8Array(size).fill(fill & 0xfe);
/** An H.264 IDR access unit, Annex B: SPS, PPS and an IDR slice (first_mb_in_slice 0) of `size` octets. */
function h264Idr(size: number): Uint8Array {
  const idr = new Uint8Array(size).fill(0x5a);
  idr[0] = 0x65;
  idr[1] = 0x88;
  return Uint8Array.from([
    0,
    0,
    0,
    1,
    0x67,
    0x42,
    0xc0,
    0x1f,
    0,
    0,
    0,
    1,
    0x68,
    0xce,
    0x3c,
    0x80,
    0,
    0,
    0,
    1,
    ...idr,
  ]);
}

/** One SSRC's packets, sequence numbers running on across codecs as one sender's do. */
class Sender {
  seq = 1000;
  frame(format: PayloadFormat, payloadType: number, data: Uint8Array, timestamp: number): RtpPacket[] {
    const payloads = format.packetize(data, 1100);
    return payloads.map((payload, i) => ({
      marker: i === payloads.length - 1,
      payloadType,
      sequenceNumber: this.seq++ & 0xffff,
      timestamp,
      ssrc: SSRC,
      csrcs: [],
      extension: undefined,
      payload,
      paddingLength: 0,
    }));
  }
}

function frames(r: RtpReceiver): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = r.poll(); o; o = r.poll()) if (o.kind === "frame") out.push(o.frame.frame.data);
  return out;
}

describe("RtpReceiver: each packet reassembled by its payload type among the section's codecs", () => {
  it("H.264 on a section that negotiated VP8 first comes out as H.264, VP8 after it as VP8", () => {
    const r = new RtpReceiver({ mid: "0", kind: "video", ssrc: SSRC, codecs: [VP8, H264] }, random);
    const s = new Sender();
    const au = h264Idr(3000);
    for (const p of s.frame(new H264PayloadFormat(), 102, au, 0)) r.handlePacket(0, p);
    expect(frames(r)).toEqual([au]);
    expect(r.codec).toBe(H264);
    const key = vp8Key(2500, 0x42);
    for (const p of s.frame(new Vp8PayloadFormat(), 96, key, 3000)) r.handlePacket(1, p);
    expect(frames(r)).toEqual([key]);
    expect(r.codec).toBe(VP8);
  });

  it("drops and counts a payload type the section did not negotiate", () => {
    const r = new RtpReceiver({ mid: "0", kind: "video", ssrc: SSRC, codecs: [VP8, H264] }, random);
    for (const p of new Sender().frame(new Vp8PayloadFormat(), 100, vp8Key(500, 2), 0)) r.handlePacket(0, p);
    expect(frames(r)).toEqual([]);
    expect(r.counters.unknownPayloadType).toBe(1);
    expect(r.counters.packetsReceived).toBe(0);
    expect(r.codec).toBe(VP8); // the section's first, until a packet says otherwise
  });

  it("unwraps an RTX packet to the codec its payload type repairs (RFC 4588 apt)", () => {
    const r = new RtpReceiver({ mid: "0", kind: "video", ssrc: SSRC, codecs: [VP8, H264] }, random);
    const au = h264Idr(3000);
    const packets = new Sender().frame(new H264PayloadFormat(), 102, au, 0);
    expect(packets.length).toBeGreaterThan(2);
    const lost = packets[1] as RtpPacket;
    for (const p of packets) if (p !== lost) r.handlePacket(0, p);
    expect(frames(r)).toEqual([]);
    expect(r.handleRtx(5, encodeRtxPacket(lost, { ssrc: 0x5678, payloadType: 103 }, 1))).toBe(true);
    expect(frames(r)).toEqual([au]);
    expect(r.counters.retransmittedPacketsReceived).toBe(1);
    // An RTX payload type no codec of the section maps to is refused.
    expect(r.handleRtx(6, encodeRtxPacket(lost, { ssrc: 0x5678, payloadType: 99 }, 2))).toBe(false);
  });

  it("a stream that comes back to a codec starts it afresh: the other codec's sequence numbers are no gap", () => {
    const r = new RtpReceiver({ mid: "0", kind: "video", ssrc: SSRC, codecs: [VP8, H264] }, random);
    const s = new Sender();
    const vp8 = new Vp8PayloadFormat();
    const first = vp8Key(1500, 4);
    for (const p of s.frame(vp8, 96, first, 0)) r.handlePacket(0, p);
    const au = h264Idr(1500);
    for (const p of s.frame(new H264PayloadFormat(), 102, au, 3000)) r.handlePacket(1, p);
    const again = vp8Key(1500, 8);
    for (const p of s.frame(vp8, 96, again, 6000)) r.handlePacket(2, p);
    // At once, without a timeout giving up the H.264 sequence numbers as lost VP8 packets.
    expect(frames(r)).toEqual([first, au, again]);
    expect(r.counters.pliSent).toBe(0);
  });

  it("a renegotiation that renumbers the codec continues the stream (a browser's re-answer with Tern's payload types)", () => {
    const VP8_120: ReceiveCodec = { ...VP8, payloadType: 120, rtxPayloadType: 124 };
    const r = new RtpReceiver({ mid: "0", kind: "video", ssrc: SSRC, codecs: [VP8_120] }, random);
    const s = new Sender();
    const vp8 = new Vp8PayloadFormat();
    const key = vp8Key(1500, 6);
    for (const p of s.frame(vp8, 120, key, 0)) r.handlePacket(0, p);
    r.setCodecs([VP8, H264]);
    // A delta frame (bit 0 of the first octet set) right after: the same VP8 sequence, no keyframe needed.
    const delta = new Uint8Array(900).fill(0x31);
    for (const p of s.frame(vp8, 96, delta, 3000)) r.handlePacket(1, p);
    expect(frames(r)).toEqual([key, delta]);
    expect(r.codec).toBe(VP8);
    expect(r.counters.unknownPayloadType).toBe(0);
  });
});
