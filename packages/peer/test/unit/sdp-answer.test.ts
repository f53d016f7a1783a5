import { describe, expect, it } from "vitest";
import {
  type AnswerOptions,
  createAnswer,
  type MediaSection,
  type NegotiationResult,
  parseSessionDescription,
  remoteTransport,
  type SessionDescription,
  writeSessionDescription,
} from "../../src/sdp/index.js";
import { TERN_B } from "../vectors/sdp-local-params.js";

const FP =
  "sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF";
const AUDIO = [
  "a=rtpmap:111 opus/48000/2",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=rtcp-fb:111 transport-cc",
];
const VIDEO = ["a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96"];

interface SectionSpec {
  readonly m: string;
  readonly mid: string;
  readonly lines?: readonly string[];
  readonly ufrag?: string;
  readonly noMux?: boolean;
}

/** A browser-shaped offer: per-section ICE credentials (same or different), fingerprint, actpass. */
function offer(
  sections: readonly SectionSpec[],
  session: readonly string[] = ["a=group:BUNDLE 0 1 2"],
): SessionDescription {
  const lines = ["v=0", "o=- 99 2 IN IP4 127.0.0.1", "s=-", "t=0 0", ...session];
  for (const s of sections) {
    lines.push(
      `m=${s.m}`,
      "c=IN IP4 127.0.0.1",
      `a=ice-ufrag:${s.ufrag ?? "offR"}`,
      "a=ice-pwd:offerpasswordoffer12345",
      `a=fingerprint:${FP}`,
      "a=setup:actpass",
      `a=mid:${s.mid}`,
      "a=sendrecv",
      ...(s.noMux === true ? [] : ["a=rtcp-mux"]),
      ...(s.lines ?? []),
      `a=candidate:1 1 udp 2122260223 127.0.0.1 ${40000 + Number(s.mid.length)} typ host`,
    );
  }
  const r = parseSessionDescription(`${lines.join("\r\n")}\r\n`);
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
  return r.value;
}

const audio = (mid = "0", extra: readonly string[] = []): SectionSpec => ({
  m: "audio 40000 UDP/TLS/RTP/SAVPF 111",
  mid,
  lines: [...AUDIO, ...extra],
});
const video = (mid = "1", extra: readonly string[] = []): SectionSpec => ({
  m: "video 40002 UDP/TLS/RTP/SAVPF 96 97",
  mid,
  lines: [...VIDEO, ...extra],
});
const data = (mid = "2", lines: readonly string[] = ["a=sctp-port:5000"]): SectionSpec => ({
  m: "application 40004 UDP/DTLS/SCTP webrtc-datachannel",
  mid,
  lines,
});
/** The pre-RFC 8841 form (draft-ietf-mmusic-sctp-sdp-05) some old endpoints still write. */
const legacyData = (mid = "2"): SectionSpec => ({
  m: "application 40004 DTLS/SCTP 5000",
  mid,
  lines: ["a=sctpmap:5000 webrtc-datachannel 1024"],
});

const LOCAL: AnswerOptions = { session: { sessionId: "77" }, transport: TERN_B };

function answered(o: SessionDescription, local: AnswerOptions = LOCAL): SessionDescription {
  const r = createAnswer(o, local);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
const ports = (d: SessionDescription): number[] => d.media.map((m) => m.port);
const sectionOf = (d: SessionDescription, mid: string): MediaSection | undefined =>
  d.media.find((m) => m.mid === mid);
const codeOf = (r: NegotiationResult<unknown>): string => (r.ok ? "ok" : r.error.code);

describe("createAnswer (RFC 8829 §5.3.1)", () => {
  it("accepts audio, video and the data channel (RFC 8841: our sctp-port 5000, max-message-size 262144)", () => {
    const a = answered(
      offer([audio(), video(), data("2", ["a=sctp-port:5001", "a=max-message-size:65536"])]),
    );
    expect(ports(a)).toEqual([9, 9, 9]);
    const dc = sectionOf(a, "2");
    expect(dc).toMatchObject({
      kind: "application",
      protocol: "UDP/DTLS/SCTP",
      formats: ["webrtc-datachannel"],
      sctpPort: 5000,
      maxMessageSize: 262144,
      iceUfrag: TERN_B.iceUfrag,
      setup: "active",
    });
    expect(dc?.attributes).toEqual([]);
    expect(dc?.direction).toBeUndefined();
    expect(dc?.rtcpMux).toBe(false);
    expect(a.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1", "2"] }]);
  });

  it("never echoes data section attributes it does not know (Chromium's trial a=sctp-init)", () => {
    const a = answered(
      offer([data("0", ["a=sctp-port:5000", "a=sctp-init:AQID", "a=x-unknown:1"])], ["a=group:BUNDLE 0"]),
    );
    const text = writeSessionDescription(a);
    expect(text).not.toContain("sctp-init");
    expect(text).not.toContain("x-unknown");
    expect(text).toContain("a=sctp-port:5000\r\na=max-message-size:262144");
  });

  it("a data-only offer is accepted alone, bundled, with our transport", () => {
    const a = answered(offer([data("0")], ["a=group:BUNDLE 0"]));
    expect(ports(a)).toEqual([9]);
    expect(a.groups).toEqual([{ semantics: "BUNDLE", mids: ["0"] }]);
    expect(sectionOf(a, "0")).toMatchObject({ iceUfrag: TERN_B.iceUfrag, fingerprints: TERN_B.fingerprints });
  });

  it("rejects the legacy DTLS/SCTP + a=sctpmap form cleanly (port 0, its formats, only a=mid)", () => {
    const a = answered(offer([audio(), video(), legacyData()]));
    expect(ports(a)).toEqual([9, 9, 0]);
    const dc = sectionOf(a, "2");
    expect(dc).toMatchObject({ kind: "application", protocol: "DTLS/SCTP", formats: ["5000"], port: 0 });
    expect(dc?.attributes).toEqual([]);
    expect(dc?.iceUfrag).toBeUndefined();
    expect(a.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1"] }]);
  });

  it("answers a second data section with port 0: one SCTP association per transport", () => {
    const a = answered(offer([data("0"), data("1")], ["a=group:BUNDLE 0 1"]));
    expect(ports(a)).toEqual([9, 0]);
  });

  it("rejects the data section when told to (sctp: false)", () => {
    const a = answered(offer([audio(), data("1")], ["a=group:BUNDLE 0 1"]), { ...LOCAL, sctp: false });
    expect(ports(a)).toEqual([9, 0]);
  });

  it("puts one transport (our credentials, fingerprint, setup:active) on every accepted m= line", () => {
    const a = answered(offer([audio(), video(), data()]));
    for (const mid of ["0", "1"]) {
      expect(sectionOf(a, mid)).toMatchObject({
        iceUfrag: TERN_B.iceUfrag,
        icePwd: TERN_B.icePwd,
        fingerprints: TERN_B.fingerprints,
        setup: "active",
        rtcpMux: true,
        iceOptions: ["trickle"],
      });
    }
  });

  it("answers setup:passive when asked, and follows an active or passive offer", () => {
    expect(sectionOf(answered(offer([audio()]), { ...LOCAL, setup: "passive" }), "0")?.setup).toBe("passive");
    const active = offer([audio("0", ["a=setup:active"])]);
    expect(sectionOf(answered(active), "0")?.setup).toBe("passive");
    const passive = offer([audio("0", ["a=setup:passive"])]);
    expect(sectionOf(answered(passive, { ...LOCAL, setup: "passive" }), "0")?.setup).toBe("active");
    expect(codeOf(createAnswer(offer([audio("0", ["a=setup:holdconn"])]), LOCAL))).toBe("bad-setup");
  });

  it("rejects an m= line with no common codec and drops it from the BUNDLE group", () => {
    const vp9 = { m: "video 40002 UDP/TLS/RTP/SAVPF 98", mid: "1", lines: ["a=rtpmap:98 VP9/90000"] };
    const a = answered(offer([audio(), vp9]));
    expect(ports(a)).toEqual([9, 0]);
    expect(sectionOf(a, "1")?.formats).toEqual(["98"]);
    expect(a.groups).toEqual([{ semantics: "BUNDLE", mids: ["0"] }]);
  });

  it("rejects m= lines without rtcp-mux, with a plain RTP profile, of unknown kind, or rejected by the offer", () => {
    const a = answered(
      offer(
        [
          audio(),
          { ...video("1"), noMux: true },
          { m: "audio 5 RTP/AVP 111", mid: "2", lines: AUDIO },
          { m: "text 5 UDP/TLS/RTP/SAVPF 98", mid: "3", lines: ["a=rtpmap:98 t140/1000"] },
          { m: "video 0 UDP/TLS/RTP/SAVPF 96", mid: "4", lines: VIDEO },
        ],
        ["a=group:BUNDLE 0 1 2 3"],
      ),
    );
    expect(ports(a)).toEqual([9, 0, 0, 0, 0]);
    expect(a.groups).toEqual([{ semantics: "BUNDLE", mids: ["0"] }]);
  });

  it("rejects the m= line of a stopped transceiver", () => {
    const a = answered(offer([audio(), video()]), {
      ...LOCAL,
      transceivers: [{ mid: "1", direction: "sendrecv", stopped: true }],
    });
    expect(ports(a)).toEqual([9, 0]);
  });

  it("answers directions per the transceiver (default sendrecv)", () => {
    const o = offer(
      [audio("0", ["a=sendonly"]), video("1", ["a=recvonly"]), { ...audio("5"), mid: "5" }],
      ["a=group:BUNDLE 0 1 5"],
    );
    const a = answered(o, { ...LOCAL, transceivers: [{ mid: "5", direction: "recvonly" }] });
    expect(a.media.map((m) => m.direction)).toEqual(["recvonly", "sendonly", "recvonly"]);
    const inactive = answered(o, { ...LOCAL, defaultDirection: "inactive" });
    expect(inactive.media.map((m) => m.direction)).toEqual(["inactive", "inactive", "inactive"]);
  });

  it("writes our msid/ssrc lines only where the answer sends, with RTX when negotiated", () => {
    const sender = { ssrc: 5, rtxSsrc: 6, cname: "b", streamIds: ["s"], trackId: "t" };
    const a = answered(offer([audio("0", ["a=sendonly"]), video()]), {
      ...LOCAL,
      transceivers: [
        { mid: "0", direction: "sendrecv", sender: { ...sender, ssrc: 7, rtxSsrc: 8 } },
        { mid: "1", direction: "sendrecv", sender },
      ],
    });
    expect(sectionOf(a, "0")?.ssrcs).toEqual([]);
    expect(sectionOf(a, "1")?.ssrcGroups).toEqual([{ semantics: "FID", ssrcs: [5, 6] }]);
    expect(sectionOf(a, "1")?.msids).toEqual([{ streamId: "s", trackId: "t" }]);
  });

  it("keeps offered payload types and extmap ids", () => {
    const o = offer([
      audio("0", [
        "a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
      ]),
    ]);
    const a = answered(o);
    expect(sectionOf(a, "0")?.formats).toEqual(["111"]);
    expect(sectionOf(a, "0")?.extmaps).toEqual([{ id: 9, uri: "urn:ietf:params:rtp-hdrext:sdes:mid" }]);
  });

  it("bundle policy balanced: different credentials per m= line, one transport answered", () => {
    const o = offer([{ ...audio(), ufrag: "aaaa" }, { ...video(), ufrag: "vvvv" }, data()]);
    const a = answered(o);
    expect(new Set(a.media.filter((m) => m.port !== 0).map((m) => m.iceUfrag))).toEqual(
      new Set([TERN_B.iceUfrag]),
    );
    const first = remoteTransport(o, a.groups[0]?.mids[0]);
    expect(first.ok && first.value.iceUfrag).toBe("aaaa");
  });

  it("a rejected m= section first in the BUNDLE group: the first accepted mid carries the transport", () => {
    const o = offer(
      [legacyData("0"), { ...audio("1"), ufrag: "aud1" }, { ...video("2"), ufrag: "vid2" }],
      ["a=group:BUNDLE 0 1 2"],
    );
    const a = answered(o);
    expect(ports(a)).toEqual([0, 9, 9]);
    expect(a.groups).toEqual([{ semantics: "BUNDLE", mids: ["1", "2"] }]);
    const t = remoteTransport(o, a.groups[0]?.mids[0]);
    expect(t.ok && t.value.iceUfrag).toBe("aud1");
  });

  it("bundle policy max-compat / no BUNDLE group: only the first accepted m= line is kept", () => {
    const a = answered(offer([audio(), video()], []));
    expect(ports(a)).toEqual([9, 0]);
    expect(a.groups).toEqual([]);
    const outside = answered(offer([audio(), video()], ["a=group:BUNDLE 0"]));
    expect(ports(outside)).toEqual([9, 0]);
    expect(outside.groups).toEqual([{ semantics: "BUNDLE", mids: ["0"] }]);
  });

  it("uses session-level credentials and fingerprint when the m= line has none", () => {
    const text = [
      "v=0",
      "o=- 1 1 IN IP4 0.0.0.0",
      "s=-",
      "t=0 0",
      "a=ice-ufrag:sess",
      "a=ice-pwd:sessionpasswordsession1",
      `a=fingerprint:${FP}`,
      "a=group:BUNDLE a",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111",
      "a=mid:a",
      "a=rtcp-mux",
      ...AUDIO,
      "",
    ].join("\r\n");
    const r = parseSessionDescription(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(ports(answered(r.value))).toEqual([9]);
  });

  it("fails without mids, ICE credentials or a fingerprint", () => {
    const strip = (o: SessionDescription, f: (m: MediaSection) => MediaSection): SessionDescription => ({
      ...o,
      media: o.media.map(f),
    });
    const o = offer([audio()]);
    const { mid: _mid, ...noMid } = o.media[0] as MediaSection;
    expect(codeOf(createAnswer({ ...o, media: [noMid] }, LOCAL))).toBe("missing-mid");
    const { iceUfrag: _u, ...noUfrag } = o.media[0] as MediaSection;
    expect(codeOf(createAnswer({ ...o, media: [noUfrag] }, LOCAL))).toBe("missing-ice-credentials");
    expect(
      codeOf(
        createAnswer(
          strip(o, (m) => ({ ...m, fingerprints: [] })),
          LOCAL,
        ),
      ),
    ).toBe("missing-fingerprint");
  });

  it("with nothing acceptable, answers every m= line rejected and no BUNDLE group", () => {
    const a = answered(offer([legacyData("0")], ["a=group:BUNDLE 0"]));
    expect(ports(a)).toEqual([0]);
    expect(a.groups).toEqual([]);
  });
});
