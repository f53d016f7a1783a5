import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DepacketizedFrame,
  H264PayloadFormat,
  JitterBuffer,
  joinAnnexB,
  OpusPayloadFormat,
  type PayloadFormat,
  type RtpPacket,
  RtpPacketizer,
  Vp8PayloadFormat,
} from "../../src/index.js";

/**
 * Sends `frames` through a packetizer, then delivers the packets with the first one first and the rest
 * in the order `shuffle` gives, some twice, to a jitter buffer; returns the frames it releases.
 */
function throughJitterBuffer<F extends DepacketizedFrame>(
  format: PayloadFormat<F>,
  receiveFormat: PayloadFormat<F>,
  frames: readonly Uint8Array[],
  maxPacketBytes: number,
  firstSeq: number,
  order: readonly number[],
  dups: readonly number[],
): F[] {
  const packetizer = new RtpPacketizer({
    format,
    ssrc: 42,
    payloadType: 96,
    sequenceNumber: firstSeq,
    maxPacketBytes,
  });
  const packets = frames.flatMap((f, i) => packetizer.packetize(f, i * 3000));
  const rest = packets.slice(1).map((p, i) => ({ p, key: order[i % order.length] ?? 0, i }));
  rest.sort((a, b) => a.key - b.key || a.i - b.i);
  const arrival: RtpPacket[] = [packets[0] as RtpPacket, ...rest.map((r) => r.p)];
  for (const d of dups)
    if (arrival.length > 0) arrival.splice(d % arrival.length, 0, arrival[d % arrival.length] as RtpPacket);
  const jb = new JitterBuffer({ format: receiveFormat, maxPackets: 32768 });
  const out: F[] = [];
  let now = 0;
  for (const p of arrival) {
    jb.handlePacket(now++, p);
    for (let f = jb.pollFrame(); f; f = jb.pollFrame()) out.push(f.frame);
  }
  return out;
}

const order = fc.array(fc.nat(1000), { minLength: 1, maxLength: 50 });
const dups = fc.array(fc.nat(), { maxLength: 5 });
const seq = fc.nat(0xffff);

describe("packetize → depacketize is the identity, under reordering and duplication", () => {
  it("VP8 (RFC 7741): any frame sizes, MTUs and descriptor options", () => {
    const frame = fc.uint8Array({ minLength: 1, maxLength: 4000, size: "max" });
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 24, max: 1500 }),
        fc.record({
          pictureId: fc.option(fc.nat(0x7fff), { nil: undefined }),
          bits: fc.constantFrom<7 | 15>(7, 15),
          tl0: fc.option(fc.nat(255), { nil: undefined }),
        }),
        seq,
        order,
        dups,
        (frames, mtu, opt, s, o, d) => {
          const key = frames.map((f, i) =>
            i === 0 ? Uint8Array.of((f[0] as number) & 0xfe, ...f.subarray(1)) : f,
          );
          const format = new Vp8PayloadFormat({
            ...(opt.pictureId !== undefined ? { pictureId: opt.pictureId & ((1 << opt.bits) - 1) } : {}),
            pictureIdBits: opt.bits,
            ...(opt.tl0 !== undefined ? { tl0PicIdx: opt.tl0 } : {}),
          });
          const out = throughJitterBuffer(format, new Vp8PayloadFormat(), key, mtu, s, o, d);
          expect(out.map((f) => f.data)).toEqual(key);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("H.264 (RFC 6184, mode 1): Single NAL, STAP-A and FU-A mixes", () => {
    // NAL units without zero octets (so no start-code emulation), types 1, 5–8, after an AUD.
    const nal = fc
      .tuple(
        fc.constantFrom(0x41, 0x65, 0x06, 0x67, 0x68, 0x01),
        fc.uint8Array({ minLength: 1, maxLength: 2500, size: "max" }),
      )
      .map(([h, body]) => Uint8Array.of(h, ...body.map((x) => x | 1)));
    const accessUnit = fc
      .array(nal, { minLength: 1, maxLength: 5 })
      .map((nals) => [Uint8Array.of(0x09, 0xf0), ...nals]);
    fc.assert(
      fc.property(
        fc.array(accessUnit, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 16, max: 1500 }),
        seq,
        order,
        dups,
        (aus, mtu, s, o, d) => {
          const first = [...(aus[0] as Uint8Array[]), Uint8Array.of(0x65, 0x88)]; // an IDR, so it is a keyframe
          const units = [first, ...aus.slice(1)];
          const out = throughJitterBuffer(
            new H264PayloadFormat(),
            new H264PayloadFormat(),
            units.map(joinAnnexB),
            mtu,
            s,
            o,
            d,
          );
          expect(out.map((f) => f.nalUnits)).toEqual(units);
          expect(out.map((f) => f.data)).toEqual(units.map(joinAnnexB));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("Opus (RFC 7587): one packet per frame", () => {
    const opusPacket = fc
      .uint8Array({ minLength: 0, maxLength: 400, size: "max" })
      .map((b) => Uint8Array.of(0xfc, ...b)); // code 0
    fc.assert(
      fc.property(
        fc.array(opusPacket, { minLength: 1, maxLength: 30 }),
        seq,
        order,
        dups,
        (frames, s, o, d) => {
          const out = throughJitterBuffer(
            new OpusPayloadFormat(),
            new OpusPayloadFormat(),
            frames,
            1200,
            s,
            o,
            d,
          );
          expect(out.map((f) => f.data)).toEqual(frames);
        },
      ),
      { numRuns: 150 },
    );
  });
});
