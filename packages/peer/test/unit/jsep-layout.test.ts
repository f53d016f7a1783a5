/**
 * The pure JSEP pieces under the peer connection: where offers put m= sections and which mids they take
 * (RFC 8829 §5.2.2), the checks of a remote candidate (webrtc-pc §4.4.1.7), the checks of a remote offer
 * (§5.10, RFC 8842 §5.3), and extmap ids kept across offers.
 */
import { describe, expect, it } from "vitest";
import { checkRemoteOffer } from "../../src/node/description-checks.js";
import {
  checkRemoteCandidate,
  DEFAULT_HEADER_EXTENSIONS,
  layoutOffer,
  nextMid,
  offerExtmaps,
  parseSessionDescription,
  type RemoteCandidateTarget,
} from "../../src/sdp/index.js";

describe("offer layout (RFC 8829 §5.2.2)", () => {
  it("the first free decimal mid, whoever took the others", () => {
    expect(nextMid(new Set())).toBe("0");
    expect(nextMid(new Set(["0", "1"]))).toBe("2");
    expect(nextMid(new Set(["1", "audio"]))).toBe("0");
  });

  it("keeps every m= line in place, recycles a rejected one with a new mid, appends the rest", () => {
    const layout = layoutOffer(
      [
        { mid: "0", owner: "a", recyclable: false },
        { mid: "1", owner: undefined, recyclable: true },
        { mid: "2", owner: "c", recyclable: false },
      ],
      ["x", "y"],
      new Set(["0", "1", "2"]),
    );
    expect(layout.lines).toEqual([
      { mid: "0", owner: "a" },
      { mid: "3", owner: "x" },
      { mid: "2", owner: "c" },
      { mid: "4", owner: "y" },
    ]);
    expect(layout.assigned.get("x")).toEqual({ mid: "3", index: 1 });
    expect(layout.assigned.get("y")).toEqual({ mid: "4", index: 3 });
  });
});

describe("remote candidate checks (webrtc-pc §4.4.1.7)", () => {
  const target: RemoteCandidateTarget = {
    sections: [
      { mid: "0", ufrag: "abcd" },
      { mid: "1", ufrag: "abcd" },
    ],
  };
  const line = "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host";
  it("names what is wrong, with the spec's error", () => {
    expect(checkRemoteCandidate({ candidate: line }, target)).toMatchObject({ ok: false, name: "TypeError" });
    expect(checkRemoteCandidate({ candidate: line, sdpMid: "9" }, target)).toMatchObject({
      name: "OperationError",
    });
    expect(checkRemoteCandidate({ candidate: line, sdpMLineIndex: 2 }, target)).toMatchObject({
      name: "OperationError",
    });
    expect(
      checkRemoteCandidate({ candidate: line, sdpMid: "1", usernameFragment: "zzzz" }, target),
    ).toMatchObject({
      name: "OperationError",
    });
    expect(
      checkRemoteCandidate({ candidate: line.replace("40000", "70000"), sdpMid: "0" }, target),
    ).toMatchObject({ name: "OperationError" });
    expect(checkRemoteCandidate({ candidate: "candidate:garbage", sdpMid: "0" }, target)).toMatchObject({
      name: "OperationError",
    });
  });
  it("accepts a good candidate by mid or index, and end-of-candidates", () => {
    expect(checkRemoteCandidate({ candidate: line, sdpMid: "1" }, target)).toMatchObject({
      ok: true,
      kind: "candidate",
    });
    expect(checkRemoteCandidate({ candidate: line, sdpMLineIndex: 0 }, target)).toMatchObject({ ok: true });
    expect(checkRemoteCandidate({ candidate: "", sdpMid: "0" }, target)).toEqual({
      ok: true,
      kind: "end-of-candidates",
    });
  });
});

describe("remote offer checks", () => {
  const FP = `sha-256 ${Array.from({ length: 32 }, () => "AB").join(":")}`;
  const offer = (setup: string, mids: readonly string[]) => {
    const lines = ["v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", `a=group:BUNDLE ${mids.join(" ")}`];
    for (const mid of mids)
      lines.push(
        "m=audio 9 UDP/TLS/RTP/SAVPF 111",
        "a=ice-ufrag:abcd",
        "a=ice-pwd:abcdefghijklmnopqrstuvwx",
        `a=fingerprint:${FP}`,
        `a=setup:${setup}`,
        `a=mid:${mid}`,
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
      );
    const p = parseSessionDescription(`${lines.join("\r\n")}\r\n`);
    if (!p.ok) throw new Error(p.error.code);
    return p.value;
  };
  const slots = [
    {
      mid: "0",
      kind: "audio",
      protocol: "UDP/TLS/RTP/SAVPF",
      formats: ["111"],
      owner: undefined,
      rejected: false,
    },
  ];
  it("keeps the m= lines in place and the DTLS role fixed", () => {
    expect(
      checkRemoteOffer(offer("actpass", ["0", "1"]), { slots, transceivers: [], dtlsRole: "server" }).ok,
    ).toBe(true);
    expect(
      checkRemoteOffer(offer("actpass", ["5"]), { slots, transceivers: [], dtlsRole: undefined }),
    ).toMatchObject({
      ok: false,
      name: "InvalidAccessError",
    });
    expect(
      checkRemoteOffer(offer("passive", ["0"]), { slots, transceivers: [], dtlsRole: "server" }),
    ).toMatchObject({
      ok: false,
      name: "InvalidAccessError",
    });
    expect(
      checkRemoteOffer(offer("active", ["0"]), { slots, transceivers: [], dtlsRole: "client" }),
    ).toMatchObject({
      ok: false,
    });
    expect(checkRemoteOffer(offer("active", ["0"]), { slots, transceivers: [], dtlsRole: "server" }).ok).toBe(
      true,
    );
    // A rejected m= line may be recycled under a new mid.
    const recyclable = [{ ...slots[0], rejected: true }] as typeof slots;
    expect(
      checkRemoteOffer(offer("actpass", ["5"]), { slots: recyclable, transceivers: [], dtlsRole: undefined })
        .ok,
    ).toBe(true);
  });
});

describe("header extension ids in later offers (RFC 8829 §5.2.2)", () => {
  it("keeps the session's ids and gives a new extension a free one", () => {
    const negotiated = new Map([
      ["urn:ietf:params:rtp-hdrext:sdes:mid", 3],
      ["urn:ietf:params:rtp-hdrext:ssrc-audio-level", 2],
    ]);
    const ext = offerExtmaps("audio", DEFAULT_HEADER_EXTENSIONS, negotiated);
    expect(ext.find((e) => e.uri.endsWith("sdes:mid"))?.id).toBe(3);
    const ids = ext.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(2);
  });
});
