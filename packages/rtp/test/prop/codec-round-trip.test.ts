import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeHeaderExtensionElements,
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeHeaderExtension,
  encodeRtcpCompound,
  encodeRtcpPacket,
  encodeRtpPacket,
  encodeRtpPacketInto,
  type HeaderExtensionElement,
  type PacketStatusSymbol,
  type ReportBlock,
  type RtcpPacket,
  type RtpPacket,
} from "../../src/index.js";

const u32 = fc.nat().map((n) => n >>> 0);
const u16 = fc.nat(0xffff);
const u8 = fc.nat(0xff);
const words = fc.nat(8).chain((n) => fc.uint8Array({ minLength: n * 4, maxLength: n * 4 }));

const extensionElements = fc.oneof(
  fc.array(
    fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    { maxLength: 6 },
  ),
  fc.array(fc.record({ id: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ maxLength: 40 }) }), {
    maxLength: 6,
  }),
);

const rtpPacket: fc.Arbitrary<RtpPacket> = fc.record({
  marker: fc.boolean(),
  payloadType: fc.nat(127),
  sequenceNumber: u16,
  timestamp: u32,
  ssrc: u32,
  csrcs: fc.array(u32, { maxLength: 15 }),
  extension: fc.option(
    extensionElements.map((e) => encodeHeaderExtension(e)),
    { nil: undefined },
  ),
  payload: fc.uint8Array({ maxLength: 200 }),
  paddingLength: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })),
});

const reportBlock: fc.Arbitrary<ReportBlock> = fc.record({
  ssrc: u32,
  fractionLost: u8,
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  extendedHighestSequence: u32,
  jitter: u32,
  lastSenderReport: u32,
  delaySinceLastSenderReport: u32,
});

/** Statuses in runs (to exercise run-length chunks) and mixed stretches (one- and two-bit vectors). */
const twccStatuses = fc
  .array(
    fc.tuple(fc.constantFrom<PacketStatusSymbol>(0, 1, 2), fc.integer({ min: 1, max: 40 }), fc.boolean()),
    {
      maxLength: 12,
    },
  )
  .chain((runs) => {
    const parts = runs.map(([s, n, mixed]) =>
      mixed
        ? fc.array(fc.constantFrom<PacketStatusSymbol>(0, 1, 2), { minLength: n, maxLength: n })
        : fc.constant(Array<PacketStatusSymbol>(n).fill(s)),
    );
    return fc.tuple(...parts).map((ps) => ps.flat());
  });

const twccPacket = fc
  .record({
    senderSsrc: u32,
    mediaSsrc: u32,
    baseSequenceNumber: u16,
    referenceTime: fc.nat(0xffffff),
    feedbackPacketCount: u8,
    statuses: twccStatuses,
  })
  .chain((p) =>
    fc
      .tuple(
        ...p.statuses.map((s) =>
          s === 1 ? fc.nat(255) : s === 2 ? fc.integer({ min: -32768, max: 32767 }) : fc.constant(undefined),
        ),
      )
      .map((ds) => ({ type: "twcc" as const, ...p, deltas: ds.filter((d): d is number => d !== undefined) })),
  );

const rtcpPacket: fc.Arbitrary<RtcpPacket> = fc.oneof(
  twccPacket,
  fc.record({
    type: fc.constant("sr" as const),
    ssrc: u32,
    senderInfo: fc.record({
      ntpTimestamp: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      rtpTimestamp: u32,
      packetCount: u32,
      octetCount: u32,
    }),
    reports: fc.array(reportBlock, { maxLength: 31 }),
    profileExtension: words,
  }),
  fc.record({
    type: fc.constant("rr" as const),
    ssrc: u32,
    reports: fc.array(reportBlock, { maxLength: 31 }),
    profileExtension: words,
  }),
  fc.record({
    type: fc.constant("sdes" as const),
    chunks: fc.array(
      fc.record({
        ssrc: u32,
        items: fc.array(
          fc.record({ type: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ maxLength: 255 }) }),
          { maxLength: 4 },
        ),
      }),
      { maxLength: 31 },
    ),
  }),
  fc.record({
    type: fc.constant("bye" as const),
    ssrcs: fc.array(u32, { maxLength: 31 }),
    reason: fc.option(fc.uint8Array({ maxLength: 255 }), { nil: undefined }),
  }),
  fc.record({
    type: fc.constant("app" as const),
    subtype: fc.nat(31),
    ssrc: u32,
    name: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 4,
      maxLength: 4,
    }),
    data: words,
  }),
  fc.record({
    type: fc.constant("nack" as const),
    senderSsrc: u32,
    mediaSsrc: u32,
    lost: fc.uniqueArray(u16, { minLength: 1, maxLength: 40 }).map((l) => [...l].sort((a, b) => a - b)),
  }),
  fc.record({ type: fc.constant("pli" as const), senderSsrc: u32, mediaSsrc: u32 }),
  fc.record({
    type: fc.constant("fir" as const),
    senderSsrc: u32,
    mediaSsrc: u32,
    entries: fc.array(fc.record({ ssrc: u32, sequenceNumber: u8 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    type: fc.constant("remb" as const),
    senderSsrc: u32,
    mediaSsrc: u32,
    bitrateBps: fc.tuple(fc.nat(0x3ffff), fc.nat(30)).map(([m, e]) => m * 2 ** e),
    ssrcs: fc.array(u32, { maxLength: 20 }),
  }),
  fc.record({
    type: fc.constant("unknown" as const),
    packetType: fc.constantFrom(207, 208, 210),
    count: fc.nat(31),
    body: words,
  }),
);

describe("what encodes decodes to the same value", () => {
  it("RTP packets with CSRCs, extensions and padding", () => {
    fc.assert(
      fc.property(rtpPacket, (p) => {
        const r = decodeRtpPacket(encodeRtpPacket(p));
        expect(r.ok && r.value).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it("encodeRtpPacketInto a dirty scratch: the same bytes as encodeRtpPacket (padding zeroed); too small → fresh", () => {
    const scratch = new Uint8Array(600);
    fc.assert(
      fc.property(rtpPacket, fc.uint8Array({ minLength: 600, maxLength: 600 }), (p, dirt) => {
        scratch.set(dirt);
        const fresh = encodeRtpPacket(p);
        const into = encodeRtpPacketInto(p, scratch);
        expect(Array.from(into)).toEqual(Array.from(fresh));
        expect(into.buffer === scratch.buffer).toBe(fresh.length <= scratch.length);
      }),
      { numRuns: 300 },
    );
  });

  it("RFC 8285 extension elements, in the form chosen for them", () => {
    fc.assert(
      fc.property(extensionElements, (els: HeaderExtensionElement[]) => {
        const r = decodeHeaderExtensionElements(encodeHeaderExtension(els));
        expect(r.ok && r.value).toEqual(els);
      }),
      { numRuns: 300 },
    );
  });

  it("transport-wide CC feedback, every chunk kind, alone and in compounds", () => {
    fc.assert(
      fc.property(twccPacket, (p) => {
        const r = decodeRtcpCompound(encodeRtcpPacket(p));
        expect(r.ok && r.value).toEqual([p]);
      }),
      { numRuns: 300 },
    );
  });

  it("compound RTCP of every modelled packet type", () => {
    fc.assert(
      fc.property(fc.array(rtcpPacket, { minLength: 1, maxLength: 4 }), (ps) => {
        const r = decodeRtcpCompound(encodeRtcpCompound(ps));
        expect(r.ok && r.value).toEqual(ps);
      }),
      { numRuns: 300 },
    );
  });

  it("mutated valid RTCP never throws, and what still decodes re-encodes to the same value", () => {
    fc.assert(
      fc.property(
        fc.array(rtcpPacket, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), u8), { minLength: 1, maxLength: 3 }),
        (ps, edits) => {
          const b = encodeRtcpCompound(ps);
          for (const [i, v] of edits) b[i % b.length] = v;
          const r = decodeRtcpCompound(b);
          if (!r.ok) return;
          const again = decodeRtcpCompound(encodeRtcpCompound(r.value));
          expect(again.ok && again.value).toEqual(r.value);
        },
      ),
      { numRuns: 500 },
    );
  });
});
