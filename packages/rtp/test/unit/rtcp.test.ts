import { describe, expect, it } from "vitest";
import {
  byeReasonText,
  decodeRtcpCompound,
  encodeRtcpCompound,
  encodeRtcpPacket,
  isRtcpPacket,
  nackFci,
  PsfbFormat,
  type RtcpPacket,
  RtcpPacketType,
  RtpfbFormat,
  roundTripTimeMs,
  SdesItemType,
  sdesCname,
  sdesItem,
} from "../../src/index.js";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));

function one(bytes: Uint8Array): RtcpPacket {
  const r = decodeRtcpCompound(bytes);
  if (!r.ok) throw new Error(`decode failed: ${r.error.code} at ${r.error.at}`);
  expect(r.value).toHaveLength(1);
  return r.value[0] as RtcpPacket;
}

/** Decodes, checks the value, and checks that encoding gives the same bytes back. */
function roundTrip(bytes: Uint8Array, expected: unknown): void {
  const p = one(bytes);
  expect(p).toEqual(expected);
  expect(encodeRtcpPacket(p)).toEqual(bytes);
}

const block = hex("01020304 19 fffffe 00011000 00000020 b7052000 00054000");
const blockValue = {
  ssrc: 0x01020304,
  fractionLost: 0x19,
  cumulativeLost: -2,
  extendedHighestSequence: 0x11000,
  jitter: 0x20,
  lastSenderReport: 0xb7052000,
  delaySinceLastSenderReport: 0x54000,
};

describe("RTCP packets, hand-laid from their RFC figures", () => {
  it("SR, RFC 3550 §6.4.1: sender info and one report block", () => {
    const sr = hex("81 c8 000c deadbeef e1234567 89abcdef 00001000 00000010 00000400");
    roundTrip(new Uint8Array([...sr, ...block]), {
      type: "sr",
      ssrc: 0xdeadbeef,
      senderInfo: {
        ntpTimestamp: 0xe123456789abcdefn,
        rtpTimestamp: 0x1000,
        packetCount: 16,
        octetCount: 1024,
      },
      reports: [blockValue],
      profileExtension: new Uint8Array(0),
    });
  });

  it("RR, RFC 3550 §6.4.2, with a profile-specific extension word", () => {
    const rr = new Uint8Array([...hex("81 c9 0008 cafebabe"), ...block, ...hex("0a0b0c0d")]);
    roundTrip(rr, { type: "rr", ssrc: 0xcafebabe, reports: [blockValue], profileExtension: hex("0a0b0c0d") });
  });

  it("SDES, RFC 3550 §6.5: one chunk with a CNAME, null-terminated and padded", () => {
    const bytes = hex("81 ca 0003 11223344 0104 75736572 0000");
    const p = one(bytes);
    expect(p.type === "sdes" && sdesCname(p, 0x11223344)).toBe("user");
    expect(
      encodeRtcpPacket({
        type: "sdes",
        chunks: [{ ssrc: 0x11223344, items: [sdesItem(SdesItemType.CNAME, "user")] }],
      }),
    ).toEqual(bytes);
  });

  it("BYE, RFC 3550 §6.6, with a reason", () => {
    const bytes = hex("81 cb 0003 11223344 04 676f6e65 000000");
    const p = one(bytes);
    expect(p.type === "bye" && [p.ssrcs, byeReasonText(p)]).toEqual([[0x11223344], "gone"]);
    expect(encodeRtcpPacket({ type: "bye", ssrcs: [0x11223344], reason: hex("676f6e65") })).toEqual(bytes);
  });

  it("APP, RFC 3550 §6.7: subtype, name and data", () => {
    roundTrip(hex("85 cc 0003 11223344 54455354 01020304"), {
      type: "app",
      subtype: 5,
      ssrc: 0x11223344,
      name: "TEST",
      data: hex("01020304"),
    });
  });

  it("Generic NACK, RFC 4585 §6.2.1: PID 100 with BLP 0b101 means 100, 101 and 103", () => {
    roundTrip(hex("81 cd 0003 00000001 00000002 0064 0005"), {
      type: "nack",
      senderSsrc: 1,
      mediaSsrc: 2,
      lost: [100, 101, 103],
    });
    expect(nackFci([65534, 65535, 0, 20, 5])).toEqual([
      { pid: 65534, blp: 0b11 },
      { pid: 20, blp: 0 },
      { pid: 5, blp: 0 },
    ]);
  });

  it("PLI, RFC 4585 §6.3.1: FMT 1, no FCI", () => {
    roundTrip(hex("81 ce 0002 00000001 00000002"), { type: "pli", senderSsrc: 1, mediaSsrc: 2 });
  });

  it("FIR, RFC 5104 §4.3.1: FMT 4, media SSRC 0, one FCI entry", () => {
    roundTrip(hex("84 ce 0004 00000001 00000000 00000002 07000000"), {
      type: "fir",
      senderSsrc: 1,
      mediaSsrc: 0,
      entries: [{ ssrc: 2, sequenceNumber: 7 }],
    });
  });

  it("REMB, draft-alvestrand-rmcat-remb §2.2: 1 Mbit/s as exp 2, mantissa 250000", () => {
    roundTrip(hex("8f ce 0005 00000001 00000000 52454d42 01 0b d090 00000002"), {
      type: "remb",
      senderSsrc: 1,
      mediaSsrc: 0,
      bitrateBps: 1_000_000,
      ssrcs: [2],
    });
  });

  it("keeps other feedback formats (TMMBR, RTPFB 3) raw", () => {
    roundTrip(hex("83 cd 0003 00000001 00000002 01020304"), {
      type: "unknown",
      packetType: 205,
      count: 3,
      body: hex("00000001 00000002 01020304"),
    });
  });
});

describe("compound RTCP (RFC 3550 §6.1)", () => {
  it("decodes an SR followed by an SDES, and padding on the last packet", () => {
    const sr = hex("80 c8 0006 deadbeef e1234567 89abcdef 00001000 00000010 00000400");
    const sdesPadded = hex("a1 ca 0004 11223344 0104 75736572 0000 00000004");
    const r = decodeRtcpCompound(new Uint8Array([...sr, ...sdesPadded]));
    expect(r.ok && r.value.map((p) => p.type)).toEqual(["sr", "sdes"]);
  });

  it("re-encodes a compound to the same bytes", () => {
    const bytes = hex(
      "80 c8 0006 deadbeef e1234567 89abcdef 00001000 00000010 00000400 81 ce 0002 00000001 00000002",
    );
    const r = decodeRtcpCompound(bytes);
    expect(r.ok && encodeRtcpCompound(r.value)).toEqual(bytes);
  });

  it("accepts padding on a packet that is not last, as libwebrtc does (it pads each TWCC packet it combines)", () => {
    const r = decodeRtcpCompound(hex("a1 ce 0003 00000001 00000004 00000004 81 ce 0002 00000001 00000002"));
    expect(r.ok && r.value.map((p) => p.type)).toEqual(["pli", "pli"]);
  });

  it.each([
    ["too short", "80c8", "truncated", 2],
    ["version 1", "40 c9 0001 00000001", "bad-version", 0],
    ["length past the end", "80 c9 0002 00000001", "bad-length", 2],
    ["padding count larger than the packet", "a1 ce 0002 00000001 000000ff", "bad-padding", 11],
    ["RR with a report block cut short", "81 c9 0001 00000001", "rr-truncated", 8],
    ["SR without sender info", "80 c8 0001 00000001", "sr-truncated", 8],
    ["SDES item past the end", "81 ca 0002 00000001 0109 6161", "sdes-truncated", 9],
    ["NACK with no FCI", "81 cd 0002 00000001 00000002", "nack-truncated", 12],
    ["FIR with half an entry", "84 ce 0003 00000001 00000000 00000002", "fir-truncated", 16],
    [
      "REMB counting more SSRCs than it holds",
      "8f ce 0004 00000001 00000000 52454d42 02 0b d090",
      "remb-truncated",
      16,
    ],
    ["second packet truncated", "80 c9 0001 00000001 81", "truncated", 8],
  ])("fails on %s", (_name, h, code, at) => {
    expect(decodeRtcpCompound(hex(h))).toEqual({ ok: false, error: { code, at } });
  });
});

describe("RTCP registries and helpers", () => {
  it("packet types and FMT values match the IANA registries", () => {
    // IANA "RTCP Control Packet Types" and "FMT Values for RTPFB/PSFB Payload Types"
    expect(RtcpPacketType).toEqual({
      SR: 200,
      RR: 201,
      SDES: 202,
      BYE: 203,
      APP: 204,
      RTPFB: 205,
      PSFB: 206,
    });
    expect(RtpfbFormat.GenericNack).toBe(1);
    expect(RtpfbFormat.TransportWideCc).toBe(15);
    expect([PsfbFormat.PLI, PsfbFormat.SLI, PsfbFormat.RPSI, PsfbFormat.FIR, PsfbFormat.AFB]).toEqual([
      1, 2, 3, 4, 15,
    ]);
    expect(SdesItemType).toMatchObject({
      CNAME: 1,
      NAME: 2,
      EMAIL: 3,
      PHONE: 4,
      LOC: 5,
      TOOL: 6,
      NOTE: 7,
      PRIV: 8,
    });
  });

  it("demultiplexes RTCP from RTP by the second octet (RFC 5761 §4)", () => {
    expect(isRtcpPacket(hex("81 c9 00"))).toBe(false);
    expect(isRtcpPacket(hex("81 c9 0001 00000001"))).toBe(true);
    expect(isRtcpPacket(hex("80 e0 0001 00000001"))).toBe(false);
    expect(isRtcpPacket(hex("80 60 0001 00000001"))).toBe(false);
  });

  it("computes the RFC 3550 §6.4.1 example round trip: A b710:8000, LSR b705:2000, DLSR 0005:4000 → 6.125 s", () => {
    expect(roundTripTimeMs(0xb7108000, 0xb7052000, 0x00054000)).toBe(6125);
    expect(roundTripTimeMs(0xb7108000, 0, 0)).toBeUndefined();
  });
});
