import { readFileSync } from "node:fs";
import { parse as transformParse } from "sdp-transform";
import { describe, expect, it } from "vitest";
import {
  createAnswer,
  dtlsRoleFor,
  effectiveSetup,
  type NegotiatedMedia,
  negotiatedDataSection,
  negotiatedMedia,
  parseSessionDescription,
  RTP_HEADER_EXTENSION,
  remoteTransport,
  type SessionDescription,
  writeSessionDescription,
} from "../../src/sdp/index.js";
import { TERN_B } from "../vectors/sdp-local-params.js";

/**
 * Offers captured from Chromium 156 and Firefox ESR 153 (test/vectors/README.md), answered by Tern, and
 * the answer fed back as the remote answer to the browser's own offer: both negotiated views must agree.
 */
const vector = (name: string): string => readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8");

function parsed(text: string): SessionDescription {
  const r = parseSessionDescription(text);
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
  return r.value;
}

function views(list: readonly NegotiatedMedia[]): unknown[] {
  return list.map((m) => ({
    mid: m.mid,
    kind: m.kind,
    rejected: m.rejected,
    codecs: m.codecs,
    rtx: m.rtx,
    extmaps: m.extmaps,
  }));
}

interface Expected {
  readonly file: string;
  readonly audioPts: readonly number[];
  readonly videoPts: readonly number[];
  readonly rtx: readonly { payloadType: number; apt: number }[];
  readonly audioExtmaps: readonly { id: number; uri: string }[];
  readonly ufrag: string;
  readonly candidates: number;
  readonly dropped: number;
  readonly videoSsrc: { ssrc: number; rtxSsrc: number };
  /** The browser's a=max-message-size on its data m= section. */
  readonly maxMessageSize: number;
}

const BROWSERS: readonly Expected[] = [
  {
    file: "chromium-156-offer.sdp",
    audioPts: [111],
    // VP8 + RTX, and H.264 constrained baseline packetization-mode 1 (42e01f) + RTX.
    videoPts: [96, 97, 108, 109],
    rtx: [
      { payloadType: 97, apt: 96 },
      { payloadType: 109, apt: 108 },
    ],
    audioExtmaps: [
      { id: 2, uri: RTP_HEADER_EXTENSION.absSendTime },
      { id: 3, uri: RTP_HEADER_EXTENSION.transportWideCc },
      { id: 4, uri: RTP_HEADER_EXTENSION.sdesMid },
    ],
    ufrag: "kSBR",
    candidates: 2,
    dropped: 0,
    videoSsrc: { ssrc: 2074034628, rtxSsrc: 1565345562 },
    maxMessageSize: 262144,
  },
  {
    file: "firefox-153-offer.sdp",
    audioPts: [109],
    // Firefox offers no H.264 here: VP8 + RTX only.
    videoPts: [120, 124],
    rtx: [{ payloadType: 124, apt: 120 }],
    audioExtmaps: [
      { id: 3, uri: RTP_HEADER_EXTENSION.sdesMid },
      { id: 7, uri: RTP_HEADER_EXTENSION.transportWideCc },
    ],
    ufrag: "d891645f",
    candidates: 4,
    dropped: 4,
    videoSsrc: { ssrc: 3968104232, rtxSsrc: 1235475588 },
    maxMessageSize: 1073741823,
  },
];

describe.each(BROWSERS)("$file answered by Tern", (b) => {
  const offer = parsed(vector(b.file));
  const result = createAnswer(offer, { session: { sessionId: "5150" }, transport: TERN_B });
  if (!result.ok) throw new Error(result.error.message);
  const answer = result.value;
  const text = writeSessionDescription(answer);

  it("accepts audio and video with the offer's payload types, and the data channel (RFC 8841)", () => {
    expect(answer.media.map((m) => [m.kind, m.mid, m.port])).toEqual([
      ["audio", "0", 9],
      ["video", "1", 9],
      ["application", "2", 9],
    ]);
    expect(answer.media[0]?.payloads.map((p) => p.payloadType)).toEqual(b.audioPts);
    expect(answer.media[1]?.payloads.map((p) => p.payloadType)).toEqual(b.videoPts);
    expect(answer.media[2]?.attributes).toEqual([]);
    expect(answer.media[2]).toMatchObject({ mid: "2", sctpPort: 5000, maxMessageSize: 262144 });
    expect(answer.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1", "2"] }]);
  });

  it("carries setup:active, our credentials and fingerprint", () => {
    for (const m of answer.media.slice(0, 2)) {
      expect(m.setup).toBe("active");
      expect(m.iceUfrag).toBe(TERN_B.iceUfrag);
      expect(m.icePwd).toBe(TERN_B.icePwd);
      expect(m.fingerprints).toEqual(TERN_B.fingerprints);
      expect(m.direction).toBe("sendrecv");
    }
  });

  it("re-parses to the same model, and sdp-transform reads it", () => {
    expect(parsed(text)).toEqual(answer);
    const t = transformParse(text);
    expect(t.groups).toEqual([{ type: "BUNDLE", mids: "0 1 2" }]);
    expect(t.media.map((m) => [m.type, m.port, m.mid === undefined ? undefined : String(m.mid)])).toEqual([
      ["audio", 9, "0"],
      ["video", 9, "1"],
      ["application", 9, "2"],
    ]);
    expect(t.media[2]?.sctpPort).toBe(5000);
    expect(t.media[2]?.maxMessageSize).toBe(262144);
    expect(t.media[1]?.rtp.map((r) => r.payload)).toEqual(b.videoPts);
    expect(t.media[0]?.setup).toBe("active");
    expect(t.media[0]?.fingerprint).toEqual({ type: "sha-256", hash: TERN_B.fingerprints[0].value });
    expect(String(t.media[0]?.iceUfrag)).toBe(TERN_B.iceUfrag);
  });

  it("fed back as the browser's remote answer: both negotiated views agree", () => {
    const ours = negotiatedMedia(answer, offer, "answer");
    const theirs = negotiatedMedia(offer, parsed(text), "offer");
    expect(ours.ok && theirs.ok).toBe(true);
    if (!ours.ok || !theirs.ok) return;
    expect(views(ours.value)).toEqual(views(theirs.value));
    const video = ours.value[1];
    expect(video?.codecs.map((c) => c.payloadType)).toEqual(b.videoPts.filter((_, i) => i % 2 === 0));
    expect(video?.rtx).toEqual(b.rtx);
    expect(ours.value[0]?.extmaps).toEqual(b.audioExtmaps);
    expect(ours.value[2]?.rejected).toBe(false);
    expect(ours.value.map((m) => m.direction)).toEqual(["sendrecv", "sendrecv", "sendrecv"]);
    expect(theirs.value.map((m) => m.direction)).toEqual(["sendrecv", "sendrecv", "sendrecv"]);
    // The data section both sides see: the browser's SCTP parameters for us, ours for the browser.
    expect(negotiatedDataSection(answer, offer, "answer")).toEqual({
      mid: "2",
      remoteSctpPort: 5000,
      remoteMaxMessageSize: b.maxMessageSize,
    });
    expect(negotiatedDataSection(offer, parsed(text), "offer")).toEqual({
      mid: "2",
      remoteSctpPort: 5000,
      remoteMaxMessageSize: 262144,
    });
  });

  it("gives the two sides opposite DTLS roles (we are the client)", () => {
    const offerSection = offer.media[0];
    const answerSection = answer.media[0];
    if (offerSection === undefined || answerSection === undefined) throw new Error("no m= line");
    const ourSetup = effectiveSetup(answer, answerSection);
    const theirSetup = effectiveSetup(offer, offerSection);
    expect(dtlsRoleFor(ourSetup, theirSetup, false)).toEqual({ ok: true, value: "client" });
    expect(dtlsRoleFor(theirSetup, ourSetup, true)).toEqual({ ok: true, value: "server" });
  });

  it("extracts the browser's transport and streams", () => {
    const t = remoteTransport(offer, answer.groups[0]?.mids[0]);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.value.mid).toBe("0");
    expect(t.value.iceUfrag).toBe(b.ufrag);
    expect(t.value.fingerprints[0]?.algorithm).toBe("sha-256");
    expect(t.value.fingerprints[0]?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(t.value.setup).toBe("actpass");
    expect(t.value.iceLite).toBe(false);
    expect(t.value.iceOptions).toEqual(["trickle"]);
    expect(t.value.candidates).toHaveLength(b.candidates);
    expect(t.value.candidates.every((c) => c.component === 1)).toBe(true);
    expect(t.value.droppedCandidates).toBe(b.dropped);
    const ours = negotiatedMedia(answer, offer, "answer");
    expect(ours.ok && ours.value[1]?.remoteStreams[0]).toMatchObject(b.videoSsrc);
  });
});
