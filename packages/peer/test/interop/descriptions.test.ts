/**
 * setLocalDescription / setRemoteDescription are atomic (W3C webrtc-pc §4.4.1.5–6): what they reject
 * changes no state, with the spec's error; rollback from each state that allows it; addIceCandidate's
 * checks (§4.4.1.7); no transport when every m= section is rejected. Each test is a defect of issue 13.
 */
import { describe, expect, it } from "vitest";
import { LocalTrack } from "../../src/node/media-track.js";
import { RTCError } from "../../src/node/peer-connection-types.js";
import { bothConnected, closeAll, negotiate, ternPeer, trickle } from "./tern-pair.js";

const FP = `sha-256 ${Array.from({ length: 32 }, (_, i) => (i + 16).toString(16).toUpperCase()).join(":")}`;

/** A browser-shaped one-section offer (bundle, actpass, trickle) with the codec lines given. */
function offerWith(
  kind: "audio" | "video",
  pt: number,
  rtpmap: string,
  extra: readonly string[] = [],
): string {
  return [
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "a=msid-semantic: WMS *",
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`,
    "c=IN IP4 0.0.0.0",
    "a=ice-ufrag:rEmT",
    "a=ice-pwd:remotepasswordremote1234",
    "a=ice-options:trickle",
    `a=fingerprint:${FP}`,
    "a=setup:actpass",
    "a=mid:0",
    "a=sendrecv",
    "a=rtcp-mux",
    `a=rtpmap:${pt} ${rtpmap}`,
    ...extra,
    "",
  ].join("\r\n");
}

const VP8_OFFER = offerWith("video", 96, "VP8/90000");

describe("atomic descriptions (webrtc-pc §4.4.1.6)", () => {
  it("an answer with a=setup:actpass is refused (InvalidAccessError) and changes nothing: the right answer then applies", async () => {
    const a = ternPeer();
    const b = ternPeer();
    trickle(a, b);
    try {
      a.addTrack(new LocalTrack("video"));
      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription ?? fail());
      await b.setLocalDescription();
      const answer = b.localDescription?.sdp ?? "";
      const bad = answer.replace(/a=setup:active/g, "a=setup:actpass");
      await expect(a.setRemoteDescription({ type: "answer", sdp: bad })).rejects.toMatchObject({
        name: "InvalidAccessError",
      });
      expect(a.signalingState).toBe("have-local-offer");
      expect(a.currentRemoteDescription).toBeNull();
      expect(a.transceivers[0]?.currentDirection).toBeUndefined();
      await a.setRemoteDescription({ type: "answer", sdp: answer });
      expect(a.signalingState).toBe("stable");
      await bothConnected(a, b);
    } finally {
      await closeAll(a, b);
    }
  });

  it("an offer without a fingerprint is refused (InvalidAccessError) and leaves stable, no transceiver made", async () => {
    const pc = ternPeer();
    try {
      const bad = VP8_OFFER.replace(/^a=fingerprint:.*\r\n/m, "");
      await expect(pc.setRemoteDescription({ type: "offer", sdp: bad })).rejects.toMatchObject({
        name: "InvalidAccessError",
      });
      expect(pc.signalingState).toBe("stable");
      expect(pc.remoteDescription).toBeNull();
      expect(pc.transceivers).toHaveLength(0);
      await pc.setRemoteDescription({ type: "offer", sdp: VP8_OFFER });
      expect(pc.signalingState).toBe("have-remote-offer");
      expect(pc.transceivers.map((t) => t.mid)).toEqual(["0"]);
    } finally {
      await pc.close();
    }
  });

  it("a description that is not SDP is an RTCError sdp-syntax-error naming the line, and changes nothing", async () => {
    const pc = ternPeer();
    try {
      const bad = VP8_OFFER.replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8");
      const err = await pc.setRemoteDescription({ type: "offer", sdp: bad }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RTCError);
      expect(err).toMatchObject({
        name: "OperationError",
        errorDetail: "sdp-syntax-error",
        sdpLineNumber: 17,
      });
      expect(pc.signalingState).toBe("stable");
    } finally {
      await pc.close();
    }
  });

  it("setLocalDescription({ type: 'answer' }) without a remote offer is InvalidStateError, and creates no offer", async () => {
    const pc = ternPeer();
    try {
      pc.addTransceiver("audio");
      await expect(pc.setLocalDescription({ type: "answer" })).rejects.toMatchObject({
        name: "InvalidStateError",
      });
      expect(pc.signalingState).toBe("stable");
      expect(pc.localDescription).toBeNull();
      expect(pc.transceivers[0]?.mid).toBeNull();
    } finally {
      await pc.close();
    }
  });

  it("rolls back a local offer (mids given back) and a remote offer (the transceivers it made removed)", async () => {
    const pc = ternPeer();
    try {
      const t = pc.addTransceiver("video");
      await pc.setLocalDescription();
      expect(t.mid).toBe("0");
      await pc.setLocalDescription({ type: "rollback" });
      expect(pc.signalingState).toBe("stable");
      expect(t.mid).toBeNull();
      expect(pc.localDescription).toBeNull();
      await expect(pc.setRemoteDescription({ type: "rollback" })).rejects.toMatchObject({
        name: "InvalidStateError",
      });

      await pc.setRemoteDescription({ type: "offer", sdp: offerWith("audio", 111, "opus/48000/2") });
      expect(pc.transceivers.map((x) => [x.kind, x.mid])).toEqual([
        ["video", null],
        ["audio", "0"],
      ]);
      await expect(pc.setLocalDescription({ type: "rollback" })).rejects.toMatchObject({
        name: "InvalidStateError",
      });
      await pc.setRemoteDescription({ type: "rollback" });
      expect(pc.signalingState).toBe("stable");
      expect(pc.transceivers.map((x) => [x.kind, x.mid])).toEqual([["video", null]]);
      // An offer in have-local-offer rolls ours back first (glare): the remote video takes the transceiver
      // addTrack made (§5.10), not the one addTransceiver made.
      const glare = ternPeer();
      try {
        const sending = glare.addTransceiver(new LocalTrack("video"));
        const byAddTrack = glare.addTrack(new LocalTrack("video"));
        expect(byAddTrack).not.toBe(sending);
        await glare.setLocalDescription();
        expect(glare.transceivers.map((x) => x.mid)).toEqual(["0", "1"]);
        await glare.setRemoteDescription({ type: "offer", sdp: VP8_OFFER });
        expect(glare.signalingState).toBe("have-remote-offer");
        expect(glare.transceivers.map((x) => x.mid)).toEqual([null, "0"]);
        await glare.setLocalDescription();
        expect(glare.signalingState).toBe("stable");
      } finally {
        await glare.close();
      }
    } finally {
      await pc.close();
    }
  });

  it("every m= section rejected (a VP9-only offer): the answer rejects it and no ICE runs", async () => {
    const pc = ternPeer();
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: offerWith("video", 98, "VP9/90000") });
      await pc.setLocalDescription();
      expect(pc.localDescription?.sdp).toMatch(/^m=video 0 /m);
      expect(pc.bundle.ice).toBeUndefined();
      expect(pc.iceConnectionState).toBe("new");
      expect(pc.iceGatheringState).toBe("new");
      expect(pc.connectionState).toBe("new");
      expect(pc.transceivers).toHaveLength(0); // stopped and removed: its m= line is rejected
    } finally {
      await pc.close();
    }
  });
});

describe("addIceCandidate (webrtc-pc §4.4.1.7)", () => {
  it("refuses what it cannot use, with the spec's errors; accepts a good candidate and end-of-candidates", async () => {
    const pc = ternPeer();
    try {
      await pc.setRemoteDescription({ type: "offer", sdp: VP8_OFFER });
      const good = "candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host";
      await expect(pc.addIceCandidate({ candidate: "candidate:garbage", sdpMid: "0" })).rejects.toMatchObject(
        {
          name: "OperationError",
        },
      );
      await expect(
        pc.addIceCandidate({
          candidate: "candidate:1 1 udp 2122260223 127.0.0.1 99999 typ host",
          sdpMid: "0",
        }),
      ).rejects.toMatchObject({ name: "OperationError" });
      await expect(pc.addIceCandidate({ candidate: good, sdpMid: "7" })).rejects.toMatchObject({
        name: "OperationError",
      });
      await expect(pc.addIceCandidate({ candidate: good, sdpMLineIndex: 3 })).rejects.toMatchObject({
        name: "OperationError",
      });
      await expect(
        pc.addIceCandidate({ candidate: good, sdpMid: "0", usernameFragment: "nope" }),
      ).rejects.toMatchObject({
        name: "OperationError",
      });
      await expect(pc.addIceCandidate({ candidate: good })).rejects.toBeInstanceOf(TypeError);
      await expect(pc.addIceCandidate(good as never)).rejects.toThrow(/not a string/);
      await pc.addIceCandidate({ candidate: good, sdpMid: "0", usernameFragment: "rEmT" });
      await pc.addIceCandidate({ candidate: good, sdpMLineIndex: 0 });
      await pc.addIceCandidate(null);
    } finally {
      await pc.close();
    }
  });

  it("after close(), every method rejects or throws InvalidStateError", async () => {
    const pc = ternPeer();
    await pc.close();
    await expect(pc.createOffer()).rejects.toMatchObject({ name: "InvalidStateError" });
    await expect(pc.setRemoteDescription({ type: "offer", sdp: VP8_OFFER })).rejects.toMatchObject({
      name: "InvalidStateError",
    });
    await expect(pc.addIceCandidate(null)).rejects.toMatchObject({ name: "InvalidStateError" });
    expect(() => pc.addTransceiver("audio")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    expect(pc.signalingState).toBe("closed");
    expect(pc.connectionState).toBe("closed");
  });
});

function fail(): never {
  throw new Error("missing description");
}

export { negotiate };
