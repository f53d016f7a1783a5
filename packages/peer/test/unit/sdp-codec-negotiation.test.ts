import { describe, expect, it } from "vitest";
import {
  answerExtmaps,
  answerFmtp,
  answerPayloads,
  type CodecCapability,
  codecMatches,
  DEFAULT_CODECS,
  DEFAULT_HEADER_EXTENSIONS,
  formatH264ProfileLevelId,
  intersectFeedback,
  type MediaSection,
  offerPayloads,
  parseFormatParameters,
  parseH264ProfileLevelId,
  parseSessionDescription,
  RTP_HEADER_EXTENSION,
  type RtpPayload,
  rtxAssociatedPayloadType,
} from "../../src/sdp/index.js";

const codec = (name: string): CodecCapability => {
  const c = DEFAULT_CODECS.find((x) => x.name === name);
  if (c === undefined) throw new Error(name);
  return c;
};
const OPUS = codec("opus");
const VP8 = codec("VP8");
const H264 = codec("H264");

/** One m= section parsed from lines (so the tests go through the real parser). */
function section(kind: "audio" | "video", pts: string, lines: readonly string[]): MediaSection {
  const text = [
    "v=0",
    "o=- 1 1 IN IP4 0.0.0.0",
    "s=-",
    "t=0 0",
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pts}`,
    "a=mid:0",
    "a=rtcp-mux",
    ...lines,
    "",
  ].join("\r\n");
  const r = parseSessionDescription(text);
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
  const s = r.value.media[0];
  if (s === undefined) throw new Error("no section");
  return s;
}

const h264 = (pt: number, fmtp: string): RtpPayload => ({
  payloadType: pt,
  rtpMap: { name: "H264", clockRate: 90000 },
  fmtp,
  rtcpFeedback: [],
});

describe("H.264 profile-level-id (RFC 6184 §8.1)", () => {
  it.each([
    ["42e01f", "constrained-baseline", 31],
    ["42001f", "baseline", 31],
    ["4d001f", "main", 31],
    ["4de01f", "constrained-baseline", 31],
    ["640c1f", "constrained-high", 31],
    ["64001f", "high", 31],
    ["f4001f", "predictive-high-444", 31],
    ["42e034", "constrained-baseline", 52],
  ])("%s is %s level %d", (hex, profile, level) => {
    expect(parseH264ProfileLevelId(hex)).toEqual({ profile, level });
  });

  it("defaults to 42000a and reads level 1b", () => {
    expect(parseH264ProfileLevelId(undefined)).toEqual({ profile: "baseline", level: 10 });
    expect(parseH264ProfileLevelId("42f00b")).toEqual({ profile: "constrained-baseline", level: 0 });
    expect(parseH264ProfileLevelId("640009")).toEqual({ profile: "high", level: 0 });
  });

  it("refuses malformed and unknown ids", () => {
    expect(parseH264ProfileLevelId("42e01")).toBeUndefined();
    expect(parseH264ProfileLevelId("zze01f")).toBeUndefined();
    expect(parseH264ProfileLevelId("58001f")).toBeUndefined();
    expect(parseH264ProfileLevelId("430000")).toBeUndefined();
  });

  it("writes canonical ids that read back", () => {
    for (const hex of ["42e01f", "42001f", "4d0032", "640c1f", "64001f"]) {
      const id = parseH264ProfileLevelId(hex);
      expect(id).toBeDefined();
      if (id !== undefined) expect(parseH264ProfileLevelId(formatH264ProfileLevelId(id))).toEqual(id);
    }
    expect(formatH264ProfileLevelId({ profile: "constrained-baseline", level: 0 })).toBe("42f00b");
  });
});

describe("codec matching (RFC 3264 §6.1, RFC 6184 §8.2.2)", () => {
  it("matches by name (any case), clock rate and channels", () => {
    const opus = {
      payloadType: 109,
      rtpMap: { name: "OPUS", clockRate: 48000, channels: 2 },
      rtcpFeedback: [],
    };
    expect(codecMatches(opus, OPUS)).toBe(true);
    expect(codecMatches({ ...opus, rtpMap: { name: "opus", clockRate: 48000 } }, OPUS)).toBe(false);
    expect(codecMatches({ ...opus, rtpMap: { name: "opus", clockRate: 16000, channels: 2 } }, OPUS)).toBe(
      false,
    );
    expect(codecMatches({ payloadType: 0, rtcpFeedback: [] }, OPUS)).toBe(false);
    expect(
      codecMatches({ payloadType: 96, rtpMap: { name: "vp8", clockRate: 90000 }, rtcpFeedback: [] }, VP8),
    ).toBe(true);
  });

  it("matches H.264 by packetization-mode and profile, not level", () => {
    expect(codecMatches(h264(108, "packetization-mode=1;profile-level-id=42e01f"), H264)).toBe(true);
    expect(codecMatches(h264(108, "packetization-mode=1;profile-level-id=42e034"), H264)).toBe(true);
    expect(codecMatches(h264(108, "packetization-mode=1;profile-level-id=4de01f"), H264)).toBe(true);
    expect(codecMatches(h264(104, "packetization-mode=0;profile-level-id=42e01f"), H264)).toBe(false);
    expect(codecMatches(h264(102, "packetization-mode=1;profile-level-id=42001f"), H264)).toBe(false);
    expect(codecMatches(h264(116, "packetization-mode=1;profile-level-id=4d001f"), H264)).toBe(false);
    expect(codecMatches(h264(1, "packetization-mode=1"), H264)).toBe(false);
  });

  it("answers H.264 with the offered profile and the negotiated level", () => {
    const both = (level: string): string =>
      `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e0${level}`;
    // Asymmetry allowed by both: we state what we receive (our 3.1).
    expect(parseFormatParameters(answerFmtp(h264(1, both("34")), H264)).get("profile-level-id")).toBe(
      "42e01f",
    );
    expect(parseFormatParameters(answerFmtp(h264(1, both("0b")), H264)).get("profile-level-id")).toBe(
      "42e01f",
    );
    // Not allowed by the offer: the lower level.
    const lower = answerFmtp(h264(1, "packetization-mode=1;profile-level-id=42e015"), H264);
    expect(parseFormatParameters(lower).get("profile-level-id")).toBe("42e015");
    expect(parseFormatParameters(lower).get("packetization-mode")).toBe("1");
    expect(answerFmtp({ payloadType: 111, rtcpFeedback: [] }, OPUS)).toBe("minptime=10;useinbandfec=1");
  });
});

describe("answer payloads: codecs, RTX and feedback", () => {
  it("keeps offered payload types in offer order, with our fmtp and the common feedback", () => {
    const s = section("video", "120 124 108 109 35", [
      "a=rtpmap:120 VP8/90000",
      "a=rtpmap:124 rtx/90000",
      "a=fmtp:124 apt=120",
      "a=rtpmap:108 H264/90000",
      "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
      "a=rtpmap:109 rtx/90000",
      "a=fmtp:109 apt=108",
      "a=rtpmap:35 AV1/90000",
      "a=rtcp-fb:120 nack",
      "a=rtcp-fb:120 nack pli",
      "a=rtcp-fb:120 rrtr",
      "a=rtcp-fb:* ccm fir",
    ]);
    const answered = answerPayloads(s, DEFAULT_CODECS);
    expect(answered.map((p) => p.payloadType)).toEqual([120, 124, 108, 109]);
    expect(answered[0]?.rtcpFeedback).toEqual([
      { type: "nack" },
      { type: "nack", parameter: "pli" },
      { type: "ccm", parameter: "fir" },
    ]);
    expect(answered[1]).toEqual({
      payloadType: 124,
      rtpMap: { name: "rtx", clockRate: 90000 },
      fmtp: "apt=120",
      rtcpFeedback: [],
    });
    expect(answered[2]?.rtcpFeedback).toEqual([{ type: "ccm", parameter: "fir" }]);
  });

  it("drops RTX whose apt codec was not accepted", () => {
    const s = section("video", "98 99 96", [
      "a=rtpmap:98 VP9/90000",
      "a=rtpmap:99 rtx/90000",
      "a=fmtp:99 apt=98",
      "a=rtpmap:96 VP8/90000",
    ]);
    expect(answerPayloads(s, DEFAULT_CODECS).map((p) => p.payloadType)).toEqual([96]);
  });

  it("drops RTX when we do not do RTX for that codec, or when the offer has none", () => {
    const s = section("video", "96 97", [
      "a=rtpmap:96 VP8/90000",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=96",
    ]);
    expect(answerPayloads(s, [{ ...VP8, rtx: false }]).map((p) => p.payloadType)).toEqual([96]);
    const noRtx = section("video", "96", ["a=rtpmap:96 VP8/90000"]);
    expect(answerPayloads(noRtx, DEFAULT_CODECS).map((p) => p.payloadType)).toEqual([96]);
    const badApt = section("video", "96 97", [
      "a=rtpmap:96 VP8/90000",
      "a=rtpmap:97 rtx/90000",
      "a=fmtp:97 apt=x",
    ]);
    expect(answerPayloads(badApt, DEFAULT_CODECS).map((p) => p.payloadType)).toEqual([96]);
  });

  it("accepts nothing from a kind we have no codec for", () => {
    const s = section("audio", "0 8", ["a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"]);
    expect(answerPayloads(s, DEFAULT_CODECS)).toEqual([]);
  });

  it("offers each codec followed by its RTX payload type", () => {
    const offered = offerPayloads(DEFAULT_CODECS.filter((c) => c.kind === "video"));
    expect(offered.map((p) => [p.payloadType, p.rtpMap?.name, p.fmtp])).toEqual([
      [96, "VP8", undefined],
      [97, "rtx", "apt=96"],
      [102, "H264", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"],
      [103, "rtx", "apt=102"],
    ]);
    expect(rtxAssociatedPayloadType("apt=102")).toBe(102);
    expect(rtxAssociatedPayloadType("apt=200")).toBeUndefined();
  });

  it("intersects feedback without duplicates", () => {
    expect(
      intersectFeedback(
        [{ type: "nack" }, { type: "nack" }, { type: "nack", parameter: "sli" }, { type: "goog-remb" }],
        [{ type: "nack" }, { type: "goog-remb" }],
      ),
    ).toEqual([{ type: "nack" }, { type: "goog-remb" }]);
  });
});

describe("answer extmaps (RFC 8285 §6)", () => {
  it("keeps the offered ids of the URIs we implement, reversing directions", () => {
    const offered = [
      { id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level" },
      { id: 9, uri: RTP_HEADER_EXTENSION.sdesMid },
      { id: 7, uri: RTP_HEADER_EXTENSION.transportWideCc, direction: "sendonly" as const },
      { id: 12, uri: RTP_HEADER_EXTENSION.absSendTime, encrypted: true },
    ];
    expect(answerExtmaps(offered, "audio", DEFAULT_HEADER_EXTENSIONS)).toEqual([
      { id: 9, uri: RTP_HEADER_EXTENSION.sdesMid },
      { id: 7, uri: RTP_HEADER_EXTENSION.transportWideCc, direction: "recvonly" },
    ]);
  });

  it("respects the kinds an extension is declared for", () => {
    const videoOnly = [{ uri: RTP_HEADER_EXTENSION.sdesMid, kinds: ["video" as const], id: 4 }];
    expect(answerExtmaps([{ id: 4, uri: RTP_HEADER_EXTENSION.sdesMid }], "audio", videoOnly)).toEqual([]);
  });
});

describe("fmtp parameters (RFC 8866 §6.15)", () => {
  it("reads name=value pairs, lowercasing names, first value wins", () => {
    const p = parseFormatParameters(
      "Packetization-Mode=1; profile-level-id=42e01f;flag;packetization-mode=0",
    );
    expect([...p]).toEqual([
      ["packetization-mode", "1"],
      ["profile-level-id", "42e01f"],
      ["flag", ""],
    ]);
    expect(parseFormatParameters(undefined).size).toBe(0);
  });
});
