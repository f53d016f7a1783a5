import { describe, expect, it } from "vitest";
import { decodeRtcpCompound, encodeRtcpPacket, ReceiverStats, SenderStats } from "../../src/index.js";

const pkt = (sequenceNumber: number, timestamp: number) => ({ sequenceNumber, timestamp });

describe("ReceiverStats (RFC 3550 Appendix A)", () => {
  it("computes the interarrival jitter of §A.8 (hand-computed at 8 kHz)", () => {
    const s = new ReceiverStats({ ssrc: 5, clockRate: 8000, minSequential: 1 });
    s.handlePacket(0, pkt(1, 0));
    s.handlePacket(20, pkt(2, 160)); // on time: D = 0
    s.handlePacket(50, pkt(3, 320)); // 10 ms late: D = 80 ticks, J = 80/16 = 5
    s.handlePacket(60, pkt(4, 480)); // D = |80 − 160| = 80, J = 5 + 75/16 = 9.6875
    expect(s.statistics.jitter).toBeCloseTo(9.6875, 10);
    expect(s.reportBlock(60)?.jitter).toBe(9);
  });

  it("counts expected, lost and the fraction lost per interval (§A.3)", () => {
    const s = new ReceiverStats({ ssrc: 5, clockRate: 8000, minSequential: 1 });
    for (const q of [1, 2, 3, 4, 7]) s.handlePacket(q, pkt(q, q * 160));
    expect(s.reportBlock(10)).toMatchObject({
      ssrc: 5,
      extendedHighestSequence: 7,
      cumulativeLost: 2,
      fractionLost: Math.floor((2 * 256) / 7), // 73
    });
    for (const q of [8, 9, 10]) s.handlePacket(q, pkt(q, q * 160));
    expect(s.reportBlock(20)).toMatchObject({
      cumulativeLost: 2,
      fractionLost: 0,
      extendedHighestSequence: 10,
    });
    s.handlePacket(21, pkt(10, 1600)); // a duplicate counts as received (§A.3): lost may go down
    expect(s.statistics.lost).toBe(1);
  });

  it("extends the sequence number across the wrap (§A.1 cycles)", () => {
    const s = new ReceiverStats({ ssrc: 5, clockRate: 90000, minSequential: 1 });
    for (const q of [65534, 65535, 0, 1]) s.handlePacket(0, pkt(q, 0));
    expect(s.statistics).toMatchObject({ extendedHighestSequence: 65536 + 1, expected: 4, lost: 0 });
  });

  it("keeps a new source on probation for MIN_SEQUENTIAL packets (§A.1)", () => {
    const s = new ReceiverStats({ ssrc: 5, clockRate: 90000 });
    s.handlePacket(0, pkt(100, 0));
    expect(s.reportBlock(0)).toBeUndefined();
    s.handlePacket(1, pkt(101, 0));
    expect(s.statistics).toMatchObject({ received: 1, expected: 1 });
    expect(s.counters.probation).toBe(1);
  });

  it("resynchronises after two sequential packets far from the old sequence (§A.1 bad_seq)", () => {
    const s = new ReceiverStats({ ssrc: 5, clockRate: 90000, minSequential: 1 });
    for (const q of [1, 2, 3]) s.handlePacket(0, pkt(q, 0));
    s.handlePacket(0, pkt(40000, 0));
    expect(s.counters.badSequence).toBe(1);
    s.handlePacket(0, pkt(40001, 0));
    expect(s.counters.resync).toBe(1);
    expect(s.statistics).toMatchObject({ received: 1, expected: 1, extendedHighestSequence: 40001 });
  });

  it("reports LSR (middle 32 bits of the SR's NTP time) and DLSR in 1/65536 s (§6.4.1)", () => {
    const s = new ReceiverStats({ ssrc: 5, clockRate: 90000, minSequential: 1 });
    s.handlePacket(0, pkt(1, 0));
    const sr = decodeRtcpCompound(
      encodeRtcpPacket({
        type: "sr",
        ssrc: 5,
        senderInfo: { ntpTimestamp: 0x0000b705_20000000n, rtpTimestamp: 0, packetCount: 1, octetCount: 1 },
        reports: [],
        profileExtension: new Uint8Array(0),
      }),
    );
    if (!sr.ok || sr.value[0]?.type !== "sr") throw new Error("no SR");
    s.handleSenderReport(1000, sr.value[0]);
    expect(s.reportBlock(6250)).toMatchObject({
      lastSenderReport: 0xb7052000,
      delaySinceLastSenderReport: 0x00054000,
    });
  });
});

describe("SenderStats", () => {
  it("counts payload octets and extrapolates the SR's RTP timestamp to now", () => {
    const s = new SenderStats({ ssrc: 9, clockRate: 90000 });
    const base = {
      marker: false,
      payloadType: 96,
      ssrc: 9,
      csrcs: [],
      extension: undefined,
      paddingLength: 3,
    };
    s.handleSent(0, { ...base, sequenceNumber: 1, timestamp: 0, payload: new Uint8Array(100) });
    s.handleSent(900, { ...base, sequenceNumber: 2, timestamp: 81000, payload: new Uint8Array(50) });
    const sr = s.senderReport(1000, 0x1_0000_0000n);
    expect(sr.senderInfo).toEqual({
      ntpTimestamp: 0x1_0000_0000n,
      rtpTimestamp: 90000,
      packetCount: 2,
      octetCount: 150,
    });
  });

  it("measures the round trip from a report block's LSR and DLSR (§6.4.1)", () => {
    const s = new SenderStats({ ssrc: 9, clockRate: 90000 });
    s.senderReport(1000, 0x0000b705_20000000n);
    const block = {
      ssrc: 9,
      fractionLost: 0,
      cumulativeLost: 0,
      extendedHighestSequence: 0,
      jitter: 0,
      lastSenderReport: 0xb7052000,
      delaySinceLastSenderReport: 0x4000, // 0.25 s
    };
    s.handleReportBlock(1300, block);
    expect(s.rttMs).toBe(50);
    s.handleReportBlock(1400, { ...block, lastSenderReport: 0x12345678 });
    s.handleReportBlock(1400, { ...block, ssrc: 8 });
    s.handleReportBlock(1400, { ...block, lastSenderReport: 0 });
    expect(s.counters).toEqual({ otherSsrc: 1, noLastSenderReport: 1, unknownLastSenderReport: 1 });
    expect(s.rttMs).toBe(50);
  });
});
