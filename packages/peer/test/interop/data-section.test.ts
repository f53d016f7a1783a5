/**
 * The data channel m= section (RFC 8841) at the JSEP level, for the data-channel layer to build on: the
 * hook that asks for it (negotiationneeded once), where offers put it (after the media sections, or alone)
 * and its stable mid, the negotiated SCTP parameters, and a data-only negotiation that runs ICE + DTLS.
 */
import { describe, expect, it } from "vitest";
import { LocalTrack } from "../../src/node/media-track.js";
import { parseSessionDescription } from "../../src/sdp/index.js";
import { bothConnected, closeAll, negotiate, ternPeer, trickle } from "./tern-pair.js";

const sections = (sdp: string): [string, string][] => {
  const p = parseSessionDescription(sdp);
  if (!p.ok) throw new Error(p.error.code);
  return p.value.media.map((m) => [m.kind, m.mid ?? ""]);
};

describe("the data m= section", () => {
  it("requestDataSection fires negotiationneeded once; the offer carries it after the media sections", async () => {
    const pc = ternPeer();
    try {
      let needed = 0;
      pc.on("negotiationneeded", () => needed++);
      pc.addTransceiver("audio");
      pc.requestDataSection();
      pc.requestDataSection();
      pc.addTransceiver("video");
      await new Promise((r) => setImmediate(r));
      expect(needed).toBe(1);
      const offer = await pc.createOffer();
      expect(sections(offer.sdp)).toEqual([
        ["audio", "0"],
        ["video", "1"],
        ["application", "2"],
      ]);
      expect(offer.sdp).toContain("m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
      expect(offer.sdp).toContain("a=sctp-port:5000\r\na=max-message-size:262144");
      expect(offer.sdp).toMatch(/a=group:BUNDLE 0 1 2/);
    } finally {
      await pc.close();
    }
  });

  it("a data-only negotiation runs ICE and DTLS (no media, no SRTP needed) and exposes the data section", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      a.requestDataSection();
      const { offer, answer } = await negotiate(a, b);
      expect(sections(offer)).toEqual([["application", "0"]]);
      expect(sections(answer)).toEqual([["application", "0"]]);
      expect(answer).toMatch(/^m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel/m);
      await bothConnected(a, b);
      expect(a.dataSection).toEqual({ mid: "0", remoteSctpPort: 5000, remoteMaxMessageSize: 262144 });
      expect(b.dataSection).toEqual({ mid: "0", remoteSctpPort: 5000, remoteMaxMessageSize: 262144 });
      expect(a.bundle.session?.dtlsConnected).toBe(true);
      expect(b.bundle.session?.dtlsConnected).toBe(true);
    } finally {
      await closeAll(a, b);
    }
  });

  it("keeps its mid across renegotiations; media added later takes a new m= section after it", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      a.addTransceiver("audio");
      a.requestDataSection();
      await negotiate(a, b);
      await bothConnected(a, b);
      a.addTrack(new LocalTrack("video"));
      const { offer } = await negotiate(a, b);
      expect(sections(offer)).toEqual([
        ["audio", "0"],
        ["application", "1"],
        ["video", "2"],
      ]);
      // b offers now: the data section stays where it is, with its mid.
      b.addTrack(new LocalTrack("audio"));
      const fromB = await negotiate(b, a);
      expect(sections(fromB.offer)).toEqual([
        ["audio", "0"],
        ["application", "1"],
        ["video", "2"],
      ]);
      expect(a.dataSection?.mid).toBe("1");
      expect(b.dataSection?.mid).toBe("1");
    } finally {
      await closeAll(a, b);
    }
  });
});
