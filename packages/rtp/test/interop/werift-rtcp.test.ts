import { describe, expect, it } from "vitest";
import {
  GenericNack,
  PictureLossIndication,
  ReceiverEstimatedMaxBitrate,
  RtcpPacketConverter,
  RtcpPayloadSpecificFeedback,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSrPacket,
  RtcpTransportLayerFeedback,
  RtpHeader,
  RtpPacket as WeriftRtpPacket,
} from "werift";
import {
  decodeHeaderExtensionElements,
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeHeaderExtension,
  encodeRtcpCompound,
  encodeRtcpPacket,
  encodeRtpPacket,
  type ReportBlock,
  type RtcpPacket,
} from "../../src/index.js";

function tern(bytes: Buffer): readonly RtcpPacket[] {
  const r = decodeRtcpCompound(new Uint8Array(bytes));
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
  return r.value;
}

const block: ReportBlock = {
  ssrc: 0x01020304,
  fractionLost: 25,
  cumulativeLost: 1234,
  extendedHighestSequence: 0x1_2345,
  jitter: 77,
  lastSenderReport: 0xb7052000,
  delaySinceLastSenderReport: 0x54000,
};
const weriftBlock = () =>
  new RtcpReceiverInfo({
    ssrc: block.ssrc,
    fractionLost: block.fractionLost,
    packetsLost: block.cumulativeLost,
    highestSequence: block.extendedHighestSequence,
    jitter: block.jitter,
    lsr: block.lastSenderReport,
    dlsr: block.delaySinceLastSenderReport,
  });

describe("werift RTCP → Tern", () => {
  it("SR with a report block, and RR, in one compound", () => {
    const sr = new RtcpSrPacket({
      ssrc: 0xdeadbeef,
      senderInfo: new RtcpSenderInfo({
        ntpTimestamp: 0xe123456789abcdefn,
        rtpTimestamp: 90000,
        packetCount: 10,
        octetCount: 12345,
      }),
      reports: [weriftBlock()],
    });
    const rr = new RtcpRrPacket({ ssrc: 0xcafebabe, reports: [weriftBlock()] });
    const out = tern(Buffer.concat([sr.serialize(), rr.serialize()]));
    expect(out).toEqual([
      {
        type: "sr",
        ssrc: 0xdeadbeef,
        senderInfo: {
          ntpTimestamp: 0xe123456789abcdefn,
          rtpTimestamp: 90000,
          packetCount: 10,
          octetCount: 12345,
        },
        reports: [block],
        profileExtension: new Uint8Array(0),
      },
      { type: "rr", ssrc: 0xcafebabe, reports: [block], profileExtension: new Uint8Array(0) },
    ]);
  });

  it("Generic NACK, PLI and REMB", () => {
    const nack = new RtcpTransportLayerFeedback({
      feedback: new GenericNack({ senderSsrc: 1, mediaSourceSsrc: 2, lost: [100, 101, 103, 200] }),
    });
    const pli = new RtcpPayloadSpecificFeedback({
      feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: 2 }),
    });
    const remb = new RtcpPayloadSpecificFeedback({
      feedback: new ReceiverEstimatedMaxBitrate({
        senderSsrc: 1,
        mediaSsrc: 0,
        brExp: 2,
        brMantissa: 250000,
        ssrcNum: 2,
        ssrcFeedbacks: [5, 6],
      }),
    });
    expect(tern(Buffer.concat([nack.serialize(), pli.serialize(), remb.serialize()]))).toEqual([
      { type: "nack", senderSsrc: 1, mediaSsrc: 2, lost: [100, 101, 103, 200] },
      { type: "pli", senderSsrc: 1, mediaSsrc: 2 },
      { type: "remb", senderSsrc: 1, mediaSsrc: 0, bitrateBps: 1_000_000, ssrcs: [5, 6] },
    ]);
  });

  it("RTP with one-byte header extensions", () => {
    const header = new RtpHeader({
      payloadType: 96,
      sequenceNumber: 4242,
      timestamp: 123456,
      ssrc: 99,
      marker: true,
      extension: true,
      extensionProfile: 0xbede,
      extensions: [
        { id: 1, payload: Buffer.from([0xaa]) },
        { id: 4, payload: Buffer.from([1, 2, 3]) },
      ],
    });
    const r = decodeRtpPacket(
      new Uint8Array(new WeriftRtpPacket(header, Buffer.from([9, 8, 7])).serialize()),
    );
    if (!r.ok || !r.value.extension) throw new Error("no extension");
    expect([r.value.sequenceNumber, r.value.timestamp, r.value.marker, [...r.value.payload]]).toEqual([
      4242,
      123456,
      true,
      [9, 8, 7],
    ]);
    const els = decodeHeaderExtensionElements(r.value.extension);
    expect(els.ok && els.value.map((e) => [e.id, [...e.data]])).toEqual([
      [1, [0xaa]],
      [4, [1, 2, 3]],
    ]);
  });
});

describe("Tern RTCP → werift", () => {
  it("SR, RR, NACK, PLI and REMB decode in werift with the same values", () => {
    const ours: RtcpPacket[] = [
      {
        type: "sr",
        ssrc: 7,
        senderInfo: { ntpTimestamp: 0x0102030405060708n, rtpTimestamp: 5, packetCount: 6, octetCount: 7 },
        reports: [block],
        profileExtension: new Uint8Array(0),
      },
      { type: "rr", ssrc: 8, reports: [block], profileExtension: new Uint8Array(0) },
      { type: "nack", senderSsrc: 1, mediaSsrc: 2, lost: [10, 11, 26, 40] },
      { type: "pli", senderSsrc: 1, mediaSsrc: 2 },
      { type: "remb", senderSsrc: 1, mediaSsrc: 0, bitrateBps: 2_500_000, ssrcs: [2] },
    ];
    // werift 0.25.2 hands each feedback decoder the rest of the compound (its NACK decoder then reads
    // the following packets as FCIs), so feedback goes to it one packet per datagram, as it sends them.
    const [sr, rr] = RtcpPacketConverter.deSerialize(Buffer.from(encodeRtcpCompound(ours.slice(0, 2))));
    const [nack, pli, remb] = ours
      .slice(2)
      .map((p) => RtcpPacketConverter.deSerialize(Buffer.from(encodeRtcpPacket(p)))[0]);
    expect(
      sr instanceof RtcpSrPacket && [
        sr.ssrc,
        sr.senderInfo.ntpTimestamp,
        sr.senderInfo.rtpTimestamp,
        sr.senderInfo.packetCount,
        sr.senderInfo.octetCount,
      ],
    ).toEqual([7, 0x0102030405060708n, 5, 6, 7]);
    const wb = sr instanceof RtcpSrPacket ? sr.reports[0] : undefined;
    expect(
      wb && [wb.ssrc, wb.fractionLost, wb.packetsLost, wb.highestSequence, wb.jitter, wb.lsr, wb.dlsr],
    ).toEqual([
      block.ssrc,
      block.fractionLost,
      block.cumulativeLost,
      block.extendedHighestSequence,
      block.jitter,
      block.lastSenderReport,
      block.delaySinceLastSenderReport,
    ]);
    expect(rr instanceof RtcpRrPacket && [rr.ssrc, rr.reports.length]).toEqual([8, 1]);
    const fb = nack instanceof RtcpTransportLayerFeedback ? nack.feedback : undefined;
    expect(fb instanceof GenericNack && [fb.senderSsrc, fb.mediaSourceSsrc, fb.lost]).toEqual([
      1,
      2,
      [10, 11, 26, 40],
    ]);
    const p = pli instanceof RtcpPayloadSpecificFeedback ? pli.feedback : undefined;
    expect(p instanceof PictureLossIndication && [p.senderSsrc, p.mediaSsrc]).toEqual([1, 2]);
    const r = remb instanceof RtcpPayloadSpecificFeedback ? remb.feedback : undefined;
    expect(r instanceof ReceiverEstimatedMaxBitrate && [r.bitrate, r.ssrcFeedbacks]).toEqual([
      2_500_000n,
      [2],
    ]);
  });

  it("RTP with two-byte header extensions parses in werift", () => {
    const bytes = encodeRtpPacket({
      marker: false,
      payloadType: 100,
      sequenceNumber: 1,
      timestamp: 2,
      ssrc: 3,
      csrcs: [4],
      extension: encodeHeaderExtension([{ id: 20, data: Uint8Array.of(1, 2) }]),
      payload: Uint8Array.of(5),
      paddingLength: 0,
    });
    const w = WeriftRtpPacket.deSerialize(Buffer.from(bytes));
    expect([
      w.header.extensionProfile,
      w.header.extensions.map((e) => [e.id, [...e.payload]]),
      w.header.csrc,
      [...w.payload],
    ]).toEqual([0x1000, [[20, [1, 2]]], [4], [5]]);
    expect(encodeRtcpPacket({ type: "pli", senderSsrc: 1, mediaSsrc: 2 }).length).toBe(12);
  });
});
