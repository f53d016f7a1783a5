import { parse as transformParse } from "sdp-transform";
import { describe, expect, it } from "vitest";
import {
  createOffer,
  createSessionId,
  DEFAULT_CODECS,
  type LocalTransceiver,
  nextOrigin,
  type OfferState,
  parseSessionDescription,
  RTP_HEADER_EXTENSION,
  writeSessionDescription,
} from "../../src/sdp/index.js";
import { seededBytes, TERN_A } from "../vectors/sdp-local-params.js";

const sender = {
  ssrc: 1111,
  rtxSsrc: 2222,
  cname: "tern-cname",
  streamIds: ["stream-a"],
  trackId: "track-v",
};
const TRANSCEIVERS: LocalTransceiver[] = [
  { mid: "0", kind: "audio", direction: "sendrecv", sender: { ...sender, ssrc: 3333, trackId: "track-a" } },
  { mid: "1", kind: "video", direction: "sendrecv", sender },
  { mid: "2", kind: "video", direction: "recvonly" },
];
const STATE: OfferState = { session: { sessionId: "4242" }, transceivers: TRANSCEIVERS };

describe("createOffer (RFC 8829 §5.2.1, max-bundle)", () => {
  const offer = createOffer(STATE, { transport: TERN_A });

  it("bundles every m= line on one transport with actpass, rtcp-mux and trickle", () => {
    expect(offer.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "1", "2"] }]);
    for (const m of offer.media) {
      expect(m.protocol).toBe("UDP/TLS/RTP/SAVPF");
      expect(m.port).toBe(9);
      expect(m.connection).toEqual({ addressType: "IP4", address: "0.0.0.0" });
      expect(m.iceUfrag).toBe(TERN_A.iceUfrag);
      expect(m.icePwd).toBe(TERN_A.icePwd);
      expect(m.iceOptions).toEqual(["trickle"]);
      expect(m.fingerprints).toEqual(TERN_A.fingerprints);
      expect(m.setup).toBe("actpass");
      expect(m.rtcpMux).toBe(true);
      expect(m.rtcpRsize).toBe(true);
    }
    expect(offer.media.map((m) => [m.kind, m.mid, m.direction])).toEqual([
      ["audio", "0", "sendrecv"],
      ["video", "1", "sendrecv"],
      ["video", "2", "recvonly"],
    ]);
  });

  it("offers our codecs with our payload types, fmtp, feedback and RTX", () => {
    const [audio, video] = offer.media;
    expect(audio?.formats).toEqual(["111"]);
    expect(audio?.payloads[0]).toEqual({
      payloadType: 111,
      rtpMap: { name: "opus", clockRate: 48000, channels: 2 },
      fmtp: "minptime=10;useinbandfec=1",
      rtcpFeedback: [{ type: "transport-cc" }, { type: "nack" }],
    });
    expect(video?.formats).toEqual(["96", "97", "102", "103"]);
    expect(video?.payloads[2]?.fmtp).toBe(
      "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    );
    expect(video?.payloads[0]?.rtcpFeedback).toEqual(
      expect.arrayContaining([
        { type: "nack" },
        { type: "nack", parameter: "pli" },
        { type: "ccm", parameter: "fir" },
        { type: "goog-remb" },
        { type: "transport-cc" },
      ]),
    );
    expect(video?.payloads[1]).toEqual({
      payloadType: 97,
      rtpMap: { name: "rtx", clockRate: 90000 },
      fmtp: "apt=96",
      rtcpFeedback: [],
    });
    expect(video?.extmaps).toEqual([
      { id: 2, uri: RTP_HEADER_EXTENSION.absSendTime },
      { id: 3, uri: RTP_HEADER_EXTENSION.transportWideCc },
      { id: 4, uri: RTP_HEADER_EXTENSION.sdesMid },
    ]);
  });

  it("writes msid and ssrc lines (with the RTX FID group) only for sending transceivers", () => {
    const [audio, video, recvonly] = offer.media;
    expect(video?.msids).toEqual([{ streamId: "stream-a", trackId: "track-v" }]);
    expect(video?.ssrcGroups).toEqual([{ semantics: "FID", ssrcs: [1111, 2222] }]);
    expect(video?.ssrcs).toEqual([
      { ssrc: 1111, attribute: "cname", value: "tern-cname" },
      { ssrc: 1111, attribute: "msid", value: "stream-a track-v" },
      { ssrc: 2222, attribute: "cname", value: "tern-cname" },
      { ssrc: 2222, attribute: "msid", value: "stream-a track-v" },
    ]);
    // Audio has no RTX payload type, so no RTX SSRC or FID group.
    expect(audio?.ssrcGroups).toEqual([]);
    expect(audio?.ssrcs.map((s) => s.ssrc)).toEqual([3333, 3333]);
    expect(recvonly?.ssrcs).toEqual([]);
    expect(recvonly?.msids).toEqual([]);
  });

  it("writes text that both parsers read back", () => {
    const text = writeSessionDescription(offer);
    const again = parseSessionDescription(text);
    expect(again.ok && again.value).toEqual(offer);
    const t = transformParse(text);
    expect(t.groups).toEqual([{ type: "BUNDLE", mids: "0 1 2" }]);
    expect(t.media[1]?.rtp.map((r) => r.payload)).toEqual([96, 97, 102, 103]);
    expect(t.media[1]?.ssrcGroups).toEqual([{ semantics: "FID", ssrcs: "1111 2222" }]);
    expect(t.media[0]?.setup).toBe("actpass");
    expect(t.media[0]?.fingerprint?.type).toBe("sha-256");
    expect(text).toContain("a=msid:stream-a track-v\r\n");
  });

  it("increments the session version on each new local description, keeping the id", () => {
    expect(offer.origin).toEqual(nextOrigin({ sessionId: "4242" }));
    expect(offer.origin.sessionVersion).toBe(0);
    const second = createOffer(
      { ...STATE, session: { sessionId: "4242", sessionVersion: 0 } },
      { transport: TERN_A },
    );
    const third = createOffer(
      { ...STATE, session: { sessionId: "4242", sessionVersion: 1 } },
      { transport: TERN_A },
    );
    expect([second.origin.sessionVersion, third.origin.sessionVersion]).toEqual([1, 2]);
    expect(third.origin.sessionId).toBe("4242");
  });

  it("makes a session id below 2^63 from injected randomness", () => {
    const id = createSessionId(seededBytes(7));
    expect(id).toMatch(/^[0-9]{1,19}$/);
    expect(BigInt(id) < 2n ** 63n).toBe(true);
    expect(createSessionId(seededBytes(7))).toBe(id);
    expect(createSessionId(() => new Uint8Array(8).fill(0xff))).toBe((2n ** 63n - 1n).toString());
  });

  it("writes a stopped transceiver with port 0, outside the BUNDLE group", () => {
    const stopped = createOffer(
      { ...STATE, transceivers: TRANSCEIVERS.map((t) => (t.mid === "1" ? { ...t, stopped: true } : t)) },
      { transport: TERN_A },
    );
    const video = stopped.media[1];
    expect(video?.port).toBe(0);
    expect(video?.direction).toBe("inactive");
    expect(video?.ssrcs).toEqual([]);
    expect(video?.iceUfrag).toBeUndefined();
    expect(stopped.groups).toEqual([{ semantics: "BUNDLE", mids: ["0", "2"] }]);
  });

  it("uses the first UDP IP candidate for the m= port and c= when candidates are given", () => {
    const withCandidates = createOffer(STATE, {
      transport: {
        ...TERN_A,
        candidates: [
          "candidate:1 1 udp 2122260223 fe80::1 50000 typ host",
          "candidate:2 1 udp 2122260222 127.0.0.1 40000 typ host",
        ],
        endOfCandidates: true,
      },
    });
    const m = withCandidates.media[0];
    expect(m?.port).toBe(50000);
    expect(m?.connection).toEqual({ addressType: "IP6", address: "fe80::1" });
    expect(m?.candidates).toHaveLength(2);
    expect(m?.endOfCandidates).toBe(true);
  });

  it("offers the codecs a transceiver names (e.g. the ones negotiated before)", () => {
    const vp8Only = DEFAULT_CODECS.filter((c) => c.name === "VP8").map((c) => ({
      ...c,
      payloadType: 120,
      rtxPayloadType: 124,
    }));
    const o = createOffer(
      { ...STATE, transceivers: [{ mid: "v", kind: "video", direction: "recvonly", codecs: vp8Only }] },
      { transport: TERN_A },
    );
    expect(o.media[0]?.formats).toEqual(["120", "124"]);
  });

  it("throws UsageError on a malformed state", () => {
    const bad: [string, () => unknown][] = [
      [
        "duplicate mid",
        () =>
          createOffer(
            { ...STATE, transceivers: [TRANSCEIVERS[0]!, TRANSCEIVERS[0]!] },
            { transport: TERN_A },
          ),
      ],
      [
        "bad mid",
        () =>
          createOffer(
            { ...STATE, transceivers: [{ ...TRANSCEIVERS[0]!, mid: "a b" }] },
            { transport: TERN_A },
          ),
      ],
      ["short ufrag", () => createOffer(STATE, { transport: { ...TERN_A, iceUfrag: "ab" } })],
      ["no fingerprint", () => createOffer(STATE, { transport: { ...TERN_A, fingerprints: [] } })],
      ["bad candidate", () => createOffer(STATE, { transport: { ...TERN_A, candidates: ["candidate:x"] } })],
      [
        "payload type clash",
        () =>
          createOffer(
            {
              ...STATE,
              transceivers: [
                {
                  mid: "0",
                  kind: "video",
                  direction: "sendrecv",
                  codecs: [{ ...DEFAULT_CODECS[1]!, rtxPayloadType: 96 }],
                },
              ],
            },
            { transport: TERN_A },
          ),
      ],
      [
        "rtx ssrc = ssrc",
        () =>
          createOffer(
            { ...STATE, transceivers: [{ ...TRANSCEIVERS[1]!, sender: { ...sender, rtxSsrc: 1111 } }] },
            { transport: TERN_A },
          ),
      ],
      [
        "no codecs",
        () =>
          createOffer(
            { ...STATE, transceivers: [{ ...TRANSCEIVERS[1]!, codecs: [] }] },
            { transport: TERN_A },
          ),
      ],
    ];
    for (const [name, f] of bad) expect(f, name).toThrow(expect.objectContaining({ name: "UsageError" }));
  });
});
