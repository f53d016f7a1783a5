import { describe, expect, it } from "vitest";
import {
  createAnswer,
  createOffer,
  negotiatedMedia,
  parseSessionDescription,
  remoteStreams,
  remoteTransport,
  type SessionDescription,
  transportSectionIndex,
} from "../../src/sdp/index.js";
import { TERN_A, TERN_B } from "../vectors/sdp-local-params.js";

function parsed(lines: readonly string[]): SessionDescription {
  const r = parseSessionDescription(`${lines.join("\r\n")}\r\n`);
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
  return r.value;
}

const HEAD = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0"];
const FP = "sha-256 AA:BB:CC";

describe("remote transport (RFC 8843 tagged m= section, RFC 8839, RFC 8842)", () => {
  it("media-level values override session-level ones", () => {
    const d = parsed([
      ...HEAD,
      "a=ice-lite",
      "a=ice-ufrag:sessU",
      "a=ice-pwd:sessionpwdsessionpwd12",
      `a=fingerprint:${FP}`,
      "a=setup:passive",
      "a=ice-options:trickle",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111",
      "a=mid:a",
      "a=ice-ufrag:medU",
      "a=ice-pwd:mediapwdmediapwdmedia1",
      "a=fingerprint:sha-512 DD:EE",
      "a=fingerprint:sha-256 FF:00",
    ]);
    const t = remoteTransport(d);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.value).toMatchObject({
      mid: "a",
      iceUfrag: "medU",
      icePwd: "mediapwdmediapwdmedia1",
      iceLite: true,
      iceOptions: ["trickle"],
      setup: "passive",
      fingerprints: [
        { algorithm: "sha-512", value: "DD:EE" },
        { algorithm: "sha-256", value: "FF:00" },
      ],
    });
  });

  it("keeps valid RTP candidates and counts the ones it drops", () => {
    const d = parsed([
      ...HEAD,
      "a=ice-ufrag:sessU",
      "a=ice-pwd:sessionpwdsessionpwd12",
      `a=fingerprint:${FP}`,
      "m=audio 9 UDP/TLS/RTP/SAVPF 111",
      "a=mid:a",
      "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host",
      "a=candidate:1 2 udp 2122260222 192.0.2.1 5001 typ host",
      "a=candidate:2 1 udp 1 192.0.2.1 5002 typ martian",
      "a=candidate:broken",
      "a=candidate:3 1 udp 1686052607 198.51.100.7 6000 typ srflx raddr 192.0.2.1 rport 5000",
      "a=end-of-candidates",
    ]);
    const t = remoteTransport(d);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.value.candidates.map((c) => [c.type, c.port])).toEqual([
      ["host", 5000],
      ["srflx", 6000],
    ]);
    expect(t.value.candidateLines).toEqual([
      "candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host",
      "candidate:3 1 udp 1686052607 198.51.100.7 6000 typ srflx raddr 192.0.2.1 rport 5000",
    ]);
    expect(t.value.droppedCandidates).toBe(3);
    expect(t.value.endOfCandidates).toBe(true);
  });

  it("picks the tagged m= section: first BUNDLE mid with a port, skipping bundle-only ones", () => {
    const d = parsed([
      ...HEAD,
      "a=group:BUNDLE x y",
      "m=audio 0 UDP/TLS/RTP/SAVPF 111",
      "a=mid:x",
      "a=bundle-only",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111",
      "a=mid:y",
      "m=audio 9 UDP/TLS/RTP/SAVPF 111",
      "a=mid:z",
    ]);
    expect(transportSectionIndex(d)).toBe(1);
    const noGroup = parsed([...HEAD, "m=audio 0 RTP/AVP 0", "a=mid:p", "m=audio 9 RTP/AVP 0", "a=mid:q"]);
    expect(transportSectionIndex(noGroup)).toBe(1);
    expect(transportSectionIndex(parsed([...HEAD, "m=audio 0 RTP/AVP 0"]))).toBeUndefined();
  });

  it("fails with typed errors", () => {
    const codes = [
      remoteTransport(parsed([...HEAD, "m=audio 0 RTP/AVP 0"])),
      remoteTransport(parsed([...HEAD, "m=audio 9 RTP/AVP 0", "a=mid:a", `a=fingerprint:${FP}`])),
      remoteTransport(
        parsed([...HEAD, "a=ice-ufrag:sessU", "a=ice-pwd:sessionpwdsessionpwd12", "m=audio 9 RTP/AVP 0"]),
      ),
      remoteTransport(parsed([...HEAD, "m=audio 9 RTP/AVP 0", "a=mid:a"]), "nope"),
    ].map((r) => (r.ok ? "ok" : r.error.code));
    expect(codes).toEqual(["no-transport", "missing-ice-credentials", "missing-fingerprint", "no-transport"]);
  });
});

describe("remote streams (RFC 5576, RFC 8830, RFC 4588 FID)", () => {
  it("pairs FID SSRCs, reads cname and msid, falls back to a=msid", () => {
    const d = parsed([
      ...HEAD,
      "m=video 9 UDP/TLS/RTP/SAVPF 96",
      "a=msid:stream track",
      "a=ssrc-group:FID 10 11",
      "a=ssrc-group:SIM 10 20",
      "a=ssrc:10 cname:c",
      "a=ssrc:11 cname:c",
      "a=ssrc:20 cname:c",
      "a=ssrc:20 msid:- other",
    ]);
    const section = d.media[0];
    if (section === undefined) throw new Error("no m= line");
    expect(remoteStreams(section)).toEqual([
      { ssrc: 10, rtxSsrc: 11, cname: "c", streamIds: ["stream"], trackId: "track" },
      { ssrc: 20, cname: "c", streamIds: [], trackId: "other" },
    ]);
  });
});

describe("negotiated media: mismatched answers", () => {
  const offer = createOffer(
    { session: { sessionId: "1" }, transceivers: [{ mid: "0", kind: "audio", direction: "sendrecv" }] },
    { transport: TERN_A },
  );
  const answer = createAnswer(offer, { session: { sessionId: "2" }, transport: TERN_B });
  if (!answer.ok) throw new Error(answer.error.message);

  it("refuses an answer whose m= sections do not line up", () => {
    const renamed = { ...answer.value, media: answer.value.media.map((m) => ({ ...m, mid: "9" })) };
    const fewer = { ...answer.value, media: [] };
    const r1 = negotiatedMedia(offer, renamed, "offer");
    const r2 = negotiatedMedia(offer, fewer, "offer");
    expect([r1.ok ? "ok" : r1.error.code, r2.ok ? "ok" : r2.error.code]).toEqual([
      "mid-mismatch",
      "mid-mismatch",
    ]);
  });

  it("ignores answered payload types and extmaps the offer did not have", () => {
    const section = answer.value.media[0];
    if (section === undefined) throw new Error("no m= line");
    const widened = {
      ...answer.value,
      media: [
        {
          ...section,
          formats: [...section.formats, "0"],
          payloads: [
            ...section.payloads,
            { payloadType: 0, rtpMap: { name: "PCMU", clockRate: 8000 }, rtcpFeedback: [] },
          ],
          extmaps: [...section.extmaps, { id: 14, uri: "urn:ietf:params:rtp-hdrext:toffset" }],
        },
      ],
    };
    const r = negotiatedMedia(offer, widened, "offer");
    expect(r.ok && r.value[0]?.codecs.map((c) => c.payloadType)).toEqual([111]);
    expect(r.ok && r.value[0]?.extmaps.map((e) => e.id)).toEqual([2, 3, 4]);
  });
});
