import { describe, expect, it } from "vitest";
import {
  type CodecCapability,
  createAnswer,
  createOffer,
  createSessionId,
  dtlsRoleFor,
  effectiveSetup,
  INITIAL_JSEP_STATE,
  jsepTransition,
  type LocalTransceiver,
  type NegotiatedMedia,
  negotiatedMedia,
  parseSessionDescription,
  remoteTransport,
  type SessionDescription,
  writeSessionDescription,
} from "../../src/sdp/index.js";
import { seededBytes, TERN_A, TERN_B } from "../vectors/sdp-local-params.js";

/** Over the wire: write, then parse on the other side. */
function wire(d: SessionDescription): SessionDescription {
  const r = parseSessionDescription(writeSessionDescription(d));
  if (!r.ok) throw new Error(`${r.error.code} at ${r.error.at}`);
  return r.value;
}

function agreed(list: readonly NegotiatedMedia[]): unknown[] {
  return list.map((m) => ({
    mid: m.mid,
    rejected: m.rejected,
    codecs: m.codecs,
    rtx: m.rtx,
    extmaps: m.extmaps,
  }));
}

const A_SENDERS = {
  audio: { ssrc: 100, cname: "a", streamIds: ["sa"], trackId: "ta-audio" },
  video: { ssrc: 200, rtxSsrc: 201, cname: "a", streamIds: ["sa"], trackId: "ta-video" },
};
const A_TRANSCEIVERS: LocalTransceiver[] = [
  { mid: "0", kind: "audio", direction: "sendrecv", sender: A_SENDERS.audio },
  { mid: "1", kind: "video", direction: "sendrecv", sender: A_SENDERS.video },
  { mid: "2", kind: "video", direction: "recvonly" },
];

describe("Tern ↔ Tern offer/answer", () => {
  const sessionA = { sessionId: createSessionId(seededBytes(1)) };
  const offer = createOffer({ session: sessionA, transceivers: A_TRANSCEIVERS }, { transport: TERN_A });
  const offerSeenByB = wire(offer);
  const result = createAnswer(offerSeenByB, {
    session: { sessionId: createSessionId(seededBytes(2)) },
    transport: TERN_B,
    transceivers: [
      {
        mid: "0",
        direction: "sendrecv",
        sender: { ssrc: 300, cname: "b", streamIds: [], trackId: "tb-audio" },
      },
      { mid: "1", direction: "recvonly" },
      {
        mid: "2",
        direction: "sendrecv",
        sender: { ssrc: 400, rtxSsrc: 401, cname: "b", streamIds: ["sb"], trackId: "tb-video" },
      },
    ],
  });
  if (!result.ok) throw new Error(result.error.message);
  const answer = result.value;
  const answerSeenByA = wire(answer);
  const a = negotiatedMedia(offer, answerSeenByA, "offer");
  const b = negotiatedMedia(answer, offerSeenByB, "answer");

  it("both negotiated views agree on mids, codecs, payload types, RTX and extmap ids", () => {
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(agreed(a.value)).toEqual(agreed(b.value));
    expect(a.value.map((m) => m.codecs.map((c) => [c.name, c.payloadType, c.rtxPayloadType]))).toEqual([
      [["opus", 111, undefined]],
      [
        ["VP8", 96, 97],
        ["H264", 102, 103],
      ],
      [
        ["VP8", 96, 97],
        ["H264", 102, 103],
      ],
    ]);
    expect(a.value[1]?.extmaps.map((e) => e.id)).toEqual([2, 3, 4]);
    expect(a.value[1]?.codecs[0]?.rtcpFeedback).toHaveLength(5);
  });

  it("a created offer and answer read back equal to their model (PeerConnection keeps the model, not a re-parse)", () => {
    expect(wire(offer)).toEqual(offer);
    expect(wire(answer)).toEqual(answer);
    expect(writeSessionDescription(wire(offer))).toBe(writeSessionDescription(offer));
  });

  it("directions mirror each other", () => {
    if (!a.ok || !b.ok) throw new Error("negotiation failed");
    expect(a.value.map((m) => m.direction)).toEqual(["sendrecv", "sendonly", "recvonly"]);
    expect(b.value.map((m) => m.direction)).toEqual(["sendrecv", "recvonly", "sendonly"]);
  });

  it("each side sees the other's SSRCs, with RTX", () => {
    if (!a.ok || !b.ok) throw new Error("negotiation failed");
    expect(b.value[1]?.remoteStreams).toEqual([
      { ssrc: 200, rtxSsrc: 201, cname: "a", streamIds: ["sa"], trackId: "ta-video" },
    ]);
    expect(b.value[0]?.remoteStreams).toEqual([
      { ssrc: 100, cname: "a", streamIds: ["sa"], trackId: "ta-audio" },
    ]);
    expect(a.value[2]?.remoteStreams).toEqual([
      { ssrc: 400, rtxSsrc: 401, cname: "b", streamIds: ["sb"], trackId: "tb-video" },
    ]);
    expect(a.value[0]?.remoteStreams).toEqual([
      { ssrc: 300, cname: "b", streamIds: [], trackId: "tb-audio" },
    ]);
    expect(a.value[1]?.remoteStreams).toEqual([]);
  });

  it("each side reads the other's transport and they get opposite DTLS roles", () => {
    const fromB = remoteTransport(answerSeenByA);
    const fromA = remoteTransport(offerSeenByB, answer.groups[0]?.mids[0]);
    expect(fromB.ok && fromB.value.iceUfrag).toBe(TERN_B.iceUfrag);
    expect(fromA.ok && fromA.value.icePwd).toBe(TERN_A.icePwd);
    expect(fromA.ok && fromA.value.fingerprints).toEqual(TERN_A.fingerprints);
    const [oa, ob] = [offer.media[0], answer.media[0]];
    if (oa === undefined || ob === undefined) throw new Error("no m= line");
    const roleA = dtlsRoleFor(effectiveSetup(offer, oa), effectiveSetup(answerSeenByA, ob), true);
    const roleB = dtlsRoleFor(effectiveSetup(answer, ob), effectiveSetup(offerSeenByB, oa), false);
    expect([roleA, roleB]).toEqual([
      { ok: true, value: "server" },
      { ok: true, value: "client" },
    ]);
  });

  it("the signaling states walk the JSEP path on both sides", () => {
    const offerText = writeSessionDescription(offer);
    const answerText = writeSessionDescription(answer);
    let sa = INITIAL_JSEP_STATE;
    let sb = INITIAL_JSEP_STATE;
    for (const [side, action] of [
      ["a", { kind: "created-offer", sdp: offerText }],
      ["a", { kind: "set-local", type: "offer", sdp: offerText }],
      ["b", { kind: "set-remote", type: "offer", sdp: offerText }],
      ["b", { kind: "created-answer", sdp: answerText }],
      ["b", { kind: "set-local", type: "answer", sdp: answerText }],
      ["a", { kind: "set-remote", type: "answer", sdp: answerText }],
    ] as const) {
      const r = jsepTransition(side === "a" ? sa : sb, action);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      if (side === "a") sa = r.state;
      else sb = r.state;
    }
    expect([sa.signalingState, sb.signalingState]).toEqual(["stable", "stable"]);
    expect(sa.currentRemoteDescription?.sdp).toBe(answerText);
    expect(sb.currentRemoteDescription?.sdp).toBe(offerText);
  });

  it("a subsequent offer keeps the negotiated payload types and bumps the version", () => {
    if (!a.ok) throw new Error("negotiation failed");
    const video = a.value[1];
    if (video === undefined) throw new Error("no video");
    const negotiated: CodecCapability[] = video.codecs.map((c) => ({
      kind: "video",
      name: c.name,
      clockRate: c.clockRate,
      ...(c.fmtp === undefined ? {} : { fmtp: c.fmtp }),
      rtcpFeedback: c.rtcpFeedback,
      rtx: c.rtxPayloadType !== undefined,
      payloadType: c.payloadType,
      ...(c.rtxPayloadType === undefined ? {} : { rtxPayloadType: c.rtxPayloadType }),
    }));
    const reoffer = createOffer(
      {
        session: { ...sessionA, sessionVersion: offer.origin.sessionVersion },
        transceivers: A_TRANSCEIVERS.map((t) => (t.mid === "1" ? { ...t, codecs: negotiated } : t)),
      },
      { transport: TERN_A },
    );
    expect(reoffer.origin.sessionId).toBe(offer.origin.sessionId);
    expect(reoffer.origin.sessionVersion).toBe(offer.origin.sessionVersion + 1);
    expect(reoffer.media[1]?.formats).toEqual(answer.media[1]?.formats);
    const reanswer = createAnswer(wire(reoffer), {
      session: { sessionId: "9", sessionVersion: 0 },
      transport: TERN_B,
    });
    expect(reanswer.ok && reanswer.value.origin.sessionVersion).toBe(1);
  });

  it("answering passive makes the offerer the DTLS client", () => {
    const passive = createAnswer(offerSeenByB, {
      session: { sessionId: "3" },
      transport: TERN_B,
      setup: "passive",
    });
    if (!passive.ok) throw new Error(passive.error.message);
    const [oa, ob] = [offer.media[0], passive.value.media[0]];
    if (oa === undefined || ob === undefined) throw new Error("no m= line");
    expect(dtlsRoleFor(oa.setup, wire(passive.value).media[0]?.setup, true)).toEqual({
      ok: true,
      value: "client",
    });
    expect(dtlsRoleFor(ob.setup, oa.setup, false)).toEqual({ ok: true, value: "server" });
  });
});
