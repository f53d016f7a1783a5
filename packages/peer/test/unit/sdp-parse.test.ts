import { readFileSync } from "node:fs";
import { parse as transformParse } from "sdp-transform";
import { describe, expect, it } from "vitest";
import {
  parseSessionDescription,
  SDP_LIMITS,
  type SdpParseErrorCode,
  type SessionDescription,
  writeSessionDescription,
} from "../../src/sdp/index.js";

const vector = (name: string): string => readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8");
const CHROMIUM = vector("chromium-156-offer.sdp");
const FIREFOX = vector("firefox-153-offer.sdp");

function parsed(text: string): SessionDescription {
  const r = parseSessionDescription(text);
  if (!r.ok) throw new Error(`parse failed: ${r.error.code} at ${r.error.at}`);
  return r.value;
}

const MINIMAL = [
  "v=0",
  "o=- 1 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111",
  "c=IN IP4 0.0.0.0",
  "a=mid:0",
  "a=rtpmap:111 opus/48000/2",
];
const sdpOf = (lines: readonly string[]): string => `${lines.join("\r\n")}\r\n`;
const withLines = (extra: readonly string[]): string => sdpOf([...MINIMAL, ...extra]);

describe("parse: Chromium 156 offer (test/vectors)", () => {
  const d = parsed(CHROMIUM);

  it("reads the session level", () => {
    expect(d.origin).toEqual({
      username: "-",
      sessionId: "6738920590473330761",
      sessionVersion: 2,
      netType: "IN",
      addressType: "IP4",
      address: "127.0.0.1",
    });
    expect(d.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1", "2"] }]);
    expect(d.msidSemantic).toEqual({ semantic: "WMS", tokens: ["3fa116ce-5b08-4976-b879-99f9b8a44054"] });
    expect(d.iceLite).toBe(false);
    expect(d.attributes).toEqual([{ name: "extmap-allow-mixed" }]);
    expect(d.media.map((m) => [m.kind, m.port, m.protocol, m.mid])).toEqual([
      ["audio", 40689, "UDP/TLS/RTP/SAVPF", "0"],
      ["video", 51255, "UDP/TLS/RTP/SAVPF", "1"],
      ["application", 45490, "UDP/DTLS/SCTP", "2"],
    ]);
  });

  it("reads ICE, DTLS and mux attributes at media level", () => {
    const audio = d.media[0];
    expect(audio?.iceUfrag).toBe("kSBR");
    expect(audio?.icePwd).toBe("MeFvMvQ+tfnkNYXWx/Vzikv6");
    expect(audio?.iceOptions).toEqual(["trickle"]);
    expect(audio?.fingerprints).toEqual([
      {
        algorithm: "sha-256",
        value:
          "8E:69:D2:D1:E1:3F:B1:EE:97:4C:AA:95:48:8A:FD:00:72:3B:B6:42:73:C2:91:95:D7:8B:43:B2:05:BB:6A:97",
      },
    ]);
    expect(audio?.setup).toBe("actpass");
    expect(audio?.direction).toBe("sendrecv");
    expect(audio?.rtcpMux).toBe(true);
    expect(audio?.rtcpRsize).toBe(true);
  });

  it("groups rtpmap, fmtp and rtcp-fb per payload type in m= line order", () => {
    const audio = d.media[0];
    expect(audio?.payloads.map((p) => p.payloadType)).toEqual([111, 63, 9, 0, 8, 13, 110, 126]);
    expect(audio?.payloads[0]).toEqual({
      payloadType: 111,
      rtpMap: { name: "opus", clockRate: 48000, channels: 2 },
      fmtp: "minptime=10;useinbandfec=1",
      rtcpFeedback: [{ type: "transport-cc" }],
    });
    const video = d.media[1];
    expect(video?.payloads).toHaveLength(23);
    const h264 = video?.payloads.find((p) => p.payloadType === 108);
    expect(h264?.fmtp).toBe("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    expect(h264?.rtcpFeedback).toEqual([
      { type: "goog-remb" },
      { type: "transport-cc" },
      { type: "ccm", parameter: "fir" },
      { type: "nack" },
      { type: "nack", parameter: "pli" },
    ]);
    expect(video?.payloads.find((p) => p.payloadType === 109)).toEqual({
      payloadType: 109,
      rtpMap: { name: "rtx", clockRate: 90000 },
      fmtp: "apt=108",
      rtcpFeedback: [],
    });
  });

  it("reads extmaps, msid, ssrc lines and the FID group", () => {
    const video = d.media[1];
    expect(video?.extmaps.slice(0, 3)).toEqual([
      { id: 14, uri: "urn:ietf:params:rtp-hdrext:toffset" },
      { id: 2, uri: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time" },
      { id: 13, uri: "urn:3gpp:video-orientation" },
    ]);
    expect(video?.msids).toEqual([
      { streamId: "3fa116ce-5b08-4976-b879-99f9b8a44054", trackId: "d51cf716-2f11-411b-8693-c90a2d46e742" },
    ]);
    expect(video?.ssrcGroups).toEqual([{ semantics: "FID", ssrcs: [2074034628, 1565345562] }]);
    expect(video?.ssrcs[0]).toEqual({ ssrc: 2074034628, attribute: "cname", value: "z8qOz2/iAV09KzxB" });
    expect(video?.ssrcs).toHaveLength(4);
  });

  it("keeps candidate lines verbatim, extensions included", () => {
    expect(d.media[0]?.candidates).toEqual([
      "candidate:1338022094 1 udp 2122260223 127.0.0.1 40689 typ host generation 0 network-id 1 network-cost 50",
      "candidate:823097942 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0 network-id 1 network-cost 50",
    ]);
    expect(d.media[0]?.endOfCandidates).toBe(false);
  });

  it("keeps attributes it does not model, in order, per m= section", () => {
    expect(d.media[0]?.attributes).toEqual([
      { name: "rtcp", value: "9 IN IP4 0.0.0.0" },
      { name: "rtcp-xr", value: "rcvr-rtt=all" },
    ]);
    expect(d.media[2]?.attributes).toEqual([]);
    expect(d.media[2]?.sctpPort).toBe(5000);
    expect(d.media[2]?.maxMessageSize).toBe(262144);
    expect(d.media[2]?.formats).toEqual(["webrtc-datachannel"]);
    expect(d.media[2]?.payloads).toEqual([]);
  });
});

describe("parse: Firefox 153 offer (test/vectors)", () => {
  const d = parsed(FIREFOX);

  it("reads session-level fingerprint, ice-options and direction", () => {
    expect(d.origin.username).toBe("mozilla...THIS_IS_SDPARTA-99.0");
    expect(d.origin.sessionId).toBe("1774857819287009668");
    expect(d.origin.sessionVersion).toBe(0);
    expect(d.fingerprints[0]?.value.startsWith("81:67:93:F8")).toBe(true);
    expect(d.iceOptions).toEqual(["trickle"]);
    expect(d.direction).toBe("sendrecv");
    expect(d.msidSemantic).toEqual({ semantic: "WMS", tokens: ["*"] });
    expect(d.media[0]?.fingerprints).toEqual([]);
  });

  it("reads {…} msids, extmap directions, end-of-candidates and RTCP candidates", () => {
    const audio = d.media[0];
    expect(audio?.msids).toEqual([
      {
        streamId: "{f3e10669-0e5a-40c0-baca-9c5660c76779}",
        trackId: "{5578561b-d1a5-49c3-9325-30462f0baa50}",
      },
    ]);
    expect(audio?.extmaps[1]).toEqual({
      id: 2,
      uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level",
      direction: "recvonly",
    });
    expect(audio?.endOfCandidates).toBe(true);
    expect(audio?.candidates).toHaveLength(8);
    expect(audio?.payloads.find((p) => p.payloadType === 9)?.rtpMap).toEqual({
      name: "G722",
      clockRate: 8000,
      channels: 1,
    });
    expect(audio?.payloads.find((p) => p.payloadType === 101)?.fmtp).toBe("0-15");
    expect(d.media[1]?.ssrcGroups).toEqual([{ semantics: "FID", ssrcs: [3968104232, 1235475588] }]);
  });
});

describe("write: round trips", () => {
  it.each([
    ["Chromium", CHROMIUM],
    ["Firefox", FIREFOX],
  ])("%s offer: parse(write(parse(x))) equals parse(x)", (_name, text) => {
    const model = parsed(text);
    const written = writeSessionDescription(model);
    expect(written.endsWith("\r\n")).toBe(true);
    expect(parsed(written)).toEqual(model);
  });

  it("sdp-transform reads the same structured lines from our output as from the original", () => {
    const original = transformParse(CHROMIUM);
    const ours = transformParse(writeSessionDescription(parsed(CHROMIUM)));
    expect(ours.origin).toEqual(original.origin);
    for (const [i, m] of original.media.entries()) {
      const o = ours.media[i];
      expect(o?.rtp).toEqual(m.rtp);
      expect(o?.fmtp).toEqual(m.fmtp);
      expect(o?.ext).toEqual(m.ext);
      expect(o?.ssrcs).toEqual(m.ssrcs);
      expect(o?.ssrcGroups).toEqual(m.ssrcGroups);
      expect(o?.fingerprint).toEqual(m.fingerprint);
      expect(o?.mid).toEqual(m.mid);
    }
  });

  it("keeps several fingerprints, rtcp-fb:* and trr-int, static payload types, unknown attributes", () => {
    const text = withLines([
      "a=fingerprint:sha-256 AA:BB",
      "a=fingerprint:SHA-1 cc:dd",
      "a=rtcp-fb:* nack",
      "a=rtcp-fb:111 trr-int 100",
      "a=x-custom:whatever you like",
      "a=flag-only",
      "b=AS:300",
    ]).replace("SAVPF 111", "SAVPF 111 0");
    const d = parsed(text);
    const m = d.media[0];
    expect(m?.fingerprints).toEqual([
      { algorithm: "sha-256", value: "AA:BB" },
      { algorithm: "sha-1", value: "CC:DD" },
    ]);
    expect(m?.rtcpFeedbackAll).toEqual([{ type: "nack" }]);
    expect(m?.payloads[0]?.rtcpFeedback).toEqual([{ type: "trr-int", parameter: "100" }]);
    expect(m?.payloads[1]).toEqual({ payloadType: 0, rtcpFeedback: [] });
    expect(m?.attributes).toEqual([{ name: "x-custom", value: "whatever you like" }, { name: "flag-only" }]);
    expect(m?.bandwidth).toEqual([{ type: "AS", limit: 300 }]);
    expect(parsed(writeSessionDescription(d))).toEqual(d);
  });

  it("reads LF-only text as it reads CRLF text", () => {
    expect(parsed(FIREFOX.replaceAll("\r\n", "\n"))).toEqual(parsed(FIREFOX));
  });

  it("drops rtpmap/fmtp lines for payload types not on the m= line", () => {
    const d = parsed(withLines(["a=rtpmap:96 VP8/90000", "a=fmtp:96 x=1"]));
    expect(d.media[0]?.payloads.map((p) => p.payloadType)).toEqual([111]);
  });

  it("refuses to write a field holding a line break", () => {
    const d = parsed(sdpOf(MINIMAL));
    const bad = { ...d, attributes: [{ name: "x", value: "1\r\na=injected" }] };
    expect(() => writeSessionDescription(bad)).toThrow(/line break/);
  });
});

describe("parse: typed failures, never throws", () => {
  const long = "x".repeat(SDP_LIMITS.maxLineLength + 1);
  const cases: readonly [string, unknown, SdpParseErrorCode][] = [
    ["not a string", 42, "not-a-string"],
    ["empty", "", "bad-version"],
    ["too long", `v=0\r\n${"a=x\r\n".repeat(SDP_LIMITS.maxLength / 5 + 1)}`, "too-long"],
    ["line too long", withLines([`a=x:${long}`]), "line-too-long"],
    ["too many lines", withLines(Array.from({ length: SDP_LIMITS.maxLines }, () => "a=x")), "too-many-lines"],
    ["not v=0 first", sdpOf(["o=- 1 2 IN IP4 1.1.1.1", "v=0"]), "bad-version"],
    ["v=1", sdpOf(["v=1", ...MINIMAL.slice(1)]), "bad-version"],
    ["not a type=value line", withLines(["hello"]), "bad-line"],
    ["uppercase type", withLines(["A=foo"]), "bad-line"],
    ["bad attribute name", withLines(["a=fo o"]), "bad-attribute"],
    ["no origin", sdpOf(MINIMAL.filter((l) => !l.startsWith("o="))), "missing-origin"],
    [
      "origin version beyond 2^53",
      sdpOf(MINIMAL.map((l) => (l.startsWith("o=") ? "o=- 1 99999999999999999 IN IP4 1.1.1.1" : l))),
      "bad-origin",
    ],
    [
      "origin in IPX",
      sdpOf(MINIMAL.map((l) => (l.startsWith("o=") ? "o=- 1 2 IN IPX 1.1.1.1" : l))),
      "bad-origin",
    ],
    ["bad timing", sdpOf(MINIMAL.map((l) => (l.startsWith("t=") ? "t=now" : l))), "bad-timing"],
    ["bad c=", withLines(["c=IN IPX 1"]), "bad-connection"],
    ["m= with port/count", sdpOf(MINIMAL.map((l) => l.replace("audio 9 ", "audio 9/2 "))), "bad-media-line"],
    ["m= without formats", sdpOf(MINIMAL.map((l) => l.replace(" 111", ""))), "bad-media-line"],
    ["port > 65535", sdpOf(MINIMAL.map((l) => l.replace("audio 9 ", "audio 70000 "))), "bad-port"],
    ["payload type 128", sdpOf(MINIMAL.map((l) => l.replace("SAVPF 111", "SAVPF 128"))), "bad-payload-type"],
    [
      "duplicate payload type",
      sdpOf(MINIMAL.map((l) => l.replace("SAVPF 111", "SAVPF 111 111"))),
      "duplicate-payload-type",
    ],
    [
      "too many payload types",
      sdpOf(
        MINIMAL.map((l) =>
          l.replace("SAVPF 111", `SAVPF ${Array.from({ length: 129 }, (_, i) => i).join(" ")}`),
        ),
      ),
      "too-many-payload-types",
    ],
    [
      "rtpmap without clock rate",
      withLines(["a=rtpmap:0 PCMU"]).replace("SAVPF 111", "SAVPF 111 0"),
      "bad-rtpmap",
    ],
    ["rtpmap garbage", withLines(["a=rtpmap:x"]), "bad-rtpmap"],
    ["duplicate rtpmap", withLines(["a=rtpmap:111 opus/48000/2"]), "duplicate-rtpmap"],
    ["fmtp garbage", withLines(["a=fmtp:zz a=b"]), "bad-fmtp"],
    ["duplicate fmtp", withLines(["a=fmtp:111 a=1", "a=fmtp:111 a=2"]), "duplicate-fmtp"],
    ["rtcp-fb garbage", withLines(["a=rtcp-fb:x nack"]), "bad-rtcp-fb"],
    ["extmap id 0", withLines(["a=extmap:0 urn:x"]), "bad-extmap"],
    ["extmap id 256", withLines(["a=extmap:256 urn:x"]), "bad-extmap"],
    ["extmap bad direction", withLines(["a=extmap:1/sideways urn:x"]), "bad-extmap"],
    ["duplicate extmap id", withLines(["a=extmap:1 urn:x", "a=extmap:1 urn:y"]), "duplicate-extmap-id"],
    ["ssrc without attribute", withLines(["a=ssrc:1"]), "bad-ssrc"],
    ["ssrc beyond 32 bits", withLines(["a=ssrc:4294967296 cname:x"]), "bad-ssrc"],
    ["ssrc-group with a non-number", withLines(["a=ssrc-group:FID 1 x"]), "bad-ssrc-group"],
    ["msid with three ids", withLines(["a=msid:a b c"]), "bad-msid"],
    [
      "group without semantics",
      sdpOf([...MINIMAL.slice(0, 4), "a=group:", ...MINIMAL.slice(4)]),
      "bad-group",
    ],
    ["mid with a space", withLines(["a=mid:a b"]), "bad-mid"],
    ["duplicate mid", sdpOf([...MINIMAL, ...MINIMAL.slice(4)]), "duplicate-mid"],
    ["setup unknown", withLines(["a=setup:both"]), "bad-setup"],
    ["fingerprint not hex", withLines(["a=fingerprint:sha-256 XY:ZZ"]), "bad-fingerprint"],
    ["ufrag too short", withLines(["a=ice-ufrag:abc"]), "bad-ice-ufrag"],
    ["pwd too short", withLines(["a=ice-pwd:short"]), "bad-ice-pwd"],
    ["pwd with a colon", withLines(["a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaa:a"]), "bad-ice-pwd"],
    [
      "too many candidates",
      withLines(
        Array.from(
          { length: SDP_LIMITS.maxCandidates + 1 },
          (_, i) => `a=candidate:${i} 1 udp 1 127.0.0.1 ${i + 1} typ host`,
        ),
      ),
      "too-many-candidates",
    ],
    [
      "too many m= lines",
      sdpOf([
        ...MINIMAL.slice(0, 4),
        ...Array.from({ length: SDP_LIMITS.maxMediaSections + 1 }, () => "m=audio 9 RTP/AVP 0"),
      ]),
      "too-many-media",
    ],
  ];

  it.each(cases)("%s", (_name, text, code) => {
    const r = parseSessionDescription(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it("points at the offending line", () => {
    const text = withLines(["a=setup:both"]);
    const r = parseSessionDescription(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(text.slice(r.error.at).startsWith("a=setup:both")).toBe(true);
    const rtp = withLines(["a=rtpmap:x"]);
    const r2 = parseSessionDescription(rtp);
    if (!r2.ok) expect(rtp.slice(r2.error.at).startsWith("a=rtpmap:x")).toBe(true);
    expect(r2.ok).toBe(false);
  });

  it("points at the second of two lines with the same extmap id", () => {
    const text = withLines(["a=extmap:1 urn:x", "a=extmap:1 urn:y"]);
    const r = parseSessionDescription(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(text.slice(r.error.at).startsWith("a=extmap:1 urn:y")).toBe(true);
  });

  it("accepts the minimal description", () => {
    expect(parseSessionDescription(sdpOf(MINIMAL)).ok).toBe(true);
  });
});

describe("parse: node-datachannel 0.33 offer (test/vectors)", () => {
  it("accepts libdatachannel's comma-separated a=ice-options and reads its tracks", () => {
    const text = readFileSync(new URL("../vectors/node-datachannel-0.33-offer.sdp", import.meta.url), "utf8");
    const r = parseSessionDescription(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.iceOptions).toEqual(["ice2", "trickle"]);
    expect(r.value.media.map((m) => m.kind)).toEqual(["video", "audio"]);
    expect(r.value.media[0]?.ssrcs.some((s) => s.ssrc === 168430090)).toBe(true);
  });
});
