import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeHeaderExtensionElements,
  decodeIvf,
  decodeOggOpus,
  decodeOggPage,
  decodeOpusHead,
  decodeOpusTags,
  decodeRtcpCompound,
  decodeRtpPacket,
  decodeRtxPacket,
  decodeVp8PayloadDescriptor,
  encodeRtcpCompound,
  encodeRtpPacket,
  extensionElementOffset,
  findExtensionElementInPacket,
  H264PayloadFormat,
  JitterBuffer,
  NackGenerator,
  OpusPayloadFormat,
  opusPacketDurationSamples,
  ReceiverStats,
  RetransmissionHistory,
  Vp8PayloadFormat,
} from "../../src/index.js";

/** Short and long inputs both (fast-check's default size keeps arrays under ~10 elements). */
const bytes = fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 300, size: "max" }));
const payloadLists = fc.array(fc.uint8Array({ maxLength: 40, size: "large" }), { maxLength: 6 });
const runs = { numRuns: 400 };

describe("decoding arbitrary bytes never throws", () => {
  it("RTP, and what decodes re-encodes to the same value", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const r = decodeRtpPacket(b);
        if (!r.ok) return;
        const again = decodeRtpPacket(encodeRtpPacket(r.value));
        expect(again.ok && again.value).toEqual(r.value);
      }),
      runs,
    );
  });

  it("RTP starting with a valid first octet (to get past the version check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x80, max: 0xbf }), bytes, (b0, rest) => {
        const r = decodeRtpPacket(Uint8Array.of(b0, ...rest));
        if (r.ok) expect(decodeRtpPacket(encodeRtpPacket(r.value)).ok).toBe(true);
      }),
      runs,
    );
  });

  it("RFC 8285 extension elements, both forms", () => {
    fc.assert(
      fc.property(fc.constantFrom(0xbede, 0x1000, 0x100f, 0x1234), bytes, (profile, data) => {
        decodeHeaderExtensionElements({ profile, data });
      }),
      runs,
    );
  });

  it("compound RTCP, and what decodes re-encodes to the same value", () => {
    const rtcpish = fc
      .tuple(
        fc.integer({ min: 0, max: 0x3f }),
        fc.constantFrom(200, 201, 202, 203, 204, 205, 206, 207),
        bytes,
      )
      .map(([b0, pt, rest]) => {
        // a plausible header: V=2, the given P/count bits and PT, a length that fits the bytes
        const words = Math.floor(rest.length / 4);
        return Uint8Array.of(0x80 | b0, pt, words >> 8, words & 0xff, ...rest);
      });
    fc.assert(
      fc.property(fc.oneof(bytes, rtcpish), (b) => {
        const r = decodeRtcpCompound(b);
        if (!r.ok) return;
        const again = decodeRtcpCompound(encodeRtcpCompound(r.value));
        expect(again.ok && again.value).toEqual(r.value);
      }),
      { numRuns: 1500 },
    );
  });

  it("transport-wide CC feedback bodies, and the extension element finder agrees with the RTP decoder", () => {
    const twcc = fc.tuple(fc.boolean(), bytes).map(([padded, rest]) => {
      const words = Math.floor(rest.length / 4);
      return Uint8Array.of(padded ? 0xaf : 0x8f, 205, words >> 8, words & 0xff, ...rest);
    });
    fc.assert(
      fc.property(twcc, (b) => {
        const r = decodeRtcpCompound(b);
        if (!r.ok) return;
        const again = decodeRtcpCompound(encodeRtcpCompound(r.value));
        expect(again.ok && again.value).toEqual(r.value);
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0x90, max: 0x9f }),
        bytes,
        fc.integer({ min: 1, max: 14 }),
        (b0, rest, id) => {
          const b = Uint8Array.of(b0, ...rest);
          const at = findExtensionElementInPacket(b, id);
          expect(extensionElementOffset(b, id)).toBe(at?.offset ?? -1);
          const p = decodeRtpPacket(b);
          const els =
            p.ok && p.value.extension ? decodeHeaderExtensionElements(p.value.extension) : undefined;
          const want = els?.ok ? els.value.find((e) => e.id === id) : undefined;
          if (at === undefined) {
            if (p.ok && els?.ok) expect(want).toBeUndefined();
            return;
          }
          expect(at.offset + at.length).toBeLessThanOrEqual(b.length);
          if (want) expect(b.subarray(at.offset, at.offset + at.length)).toEqual(want.data);
        },
      ),
      runs,
    );
  });

  it("payload formats: VP8 descriptor, VP8 / H.264 / Opus depacketizers, Opus TOC", () => {
    const vp8 = new Vp8PayloadFormat();
    const h264 = new H264PayloadFormat();
    const opus = new OpusPayloadFormat();
    fc.assert(
      fc.property(payloadLists, (ps) => {
        for (const p of ps) {
          decodeVp8PayloadDescriptor(p);
          opusPacketDurationSamples(p);
          vp8.isFrameStart(p);
          h264.isFrameStart(p);
        }
        vp8.depacketize(ps);
        h264.depacketize(ps);
        opus.depacketize(ps);
      }),
      runs,
    );
  });

  it("containers: IVF, Ogg pages, Ogg Opus, OpusHead, OpusTags", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        decodeIvf(b);
        decodeOggPage(b, 0);
        decodeOggOpus(b);
        decodeOpusHead(b);
        decodeOpusTags(b);
      }),
      runs,
    );
  });

  it("containers with corrupted octets of the real fixtures", () => {
    const ivf = new Uint8Array(readFileSync(new URL("../vectors/clip.ivf", import.meta.url)));
    const ogg = new Uint8Array(readFileSync(new URL("../vectors/clip.ogg", import.meta.url)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (edits, cut) => {
          for (const file of [ivf, ogg]) {
            const b = file.slice(0, cut % (file.length + 1));
            for (const [i, v] of edits) if (b.length > 0) b[i % b.length] = v;
            decodeIvf(b);
            decodeOggOpus(b);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("machines fed arbitrary packets drop what they cannot use, and never throw", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(0xffff), fc.nat(), fc.boolean(), bytes), { maxLength: 40 }),
        (input) => {
          const jb = new JitterBuffer({ format: new Vp8PayloadFormat(), maxPackets: 16 });
          const jbH = new JitterBuffer({ format: new H264PayloadFormat(), maxPackets: 16 });
          const nack = new NackGenerator({ maxMissing: 50 });
          const stats = new ReceiverStats({ ssrc: 1, clockRate: 90000 });
          const history = new RetransmissionHistory({ capacity: 16 });
          let now = 0;
          for (const [seq, ts, marker, payload] of input) {
            now += 7;
            const p = {
              marker,
              payloadType: 96,
              sequenceNumber: seq,
              timestamp: ts >>> 0,
              ssrc: 1,
              csrcs: [],
              extension: undefined,
              payload,
              paddingLength: 0,
            };
            jb.handlePacket(now, p);
            jbH.handlePacket(now, p);
            jb.handleTimeout(now);
            nack.handlePacket(now, seq);
            stats.handlePacket(now, p);
            history.handleSent(now, p);
            history.handleNack(now, [seq, (seq + 3) & 0xffff]);
            decodeRtxPacket(p, { ssrc: 2, payloadType: 97 });
            while (
              jb.pollFrame() ||
              jb.pollEvent() ||
              jbH.pollFrame() ||
              nack.pollEvent() ||
              history.pollTransmit()
            ) {}
          }
          expect(jb.size).toBeLessThanOrEqual(16);
          stats.reportBlock(now);
        },
      ),
      { numRuns: 200 },
    );
  });
});
