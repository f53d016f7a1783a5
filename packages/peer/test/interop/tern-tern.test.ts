/**
 * Two Tern peer connections on loopback, signaling in-process with trickle: audio and video both ways,
 * every frame arrives byte-identical to what was sent.
 */
import { withTimeout } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { type EncodedFrame, LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { opusClip, vp8Clip } from "./media-fixtures.js";
import { collect, connectedOneWay, connectionState, expectSameFrames, play } from "./peer-helpers.js";

function wire(a: PeerConnection, b: PeerConnection): void {
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate));
}

describe("Tern ↔ Tern on loopback", () => {
  it("negotiates, connects, and carries VP8 and Opus both ways, frames byte-identical", async () => {
    const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
    const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
    try {
      wire(a, b);
      const aVideo = new LocalTrack("video");
      const aAudio = new LocalTrack("audio");
      const bVideo = new LocalTrack("video");
      const bAudio = new LocalTrack("audio");
      a.addTrack(aVideo);
      a.addTrack(aAudio);
      const remoteAtB: Record<string, RemoteTrack> = {};
      b.on("track", (e) => {
        remoteAtB[e.track.kind] = e.track;
      });
      const remoteAtA: Record<string, RemoteTrack> = {};
      a.on("track", (e) => {
        remoteAtA[e.track.kind] = e.track;
      });

      const offer = await a.createOffer();
      await a.setLocalDescription(offer);
      await b.setRemoteDescription(offer);
      b.addTrack(bVideo);
      b.addTrack(bAudio);
      const answer = await b.createAnswer();
      await b.setLocalDescription(answer);
      await a.setRemoteDescription(answer);

      await withTimeout(
        Promise.all([connectionState(a, "connected"), connectionState(b, "connected")]),
        10_000,
        "connected",
      );
      expect(a.signalingState).toBe("stable");
      expect(b.signalingState).toBe("stable");
      expect(a.security.srtpProfile).toBe("SRTP_AES128_CM_HMAC_SHA1_80");
      expect(a.security.cipherSuite).toBe(b.security.cipherSuite);
      expect(remoteAtA.video && remoteAtA.audio && remoteAtB.video && remoteAtB.audio).toBeTruthy();

      const video = vp8Clip();
      const audio = opusClip();
      const waits: [
        Promise<EncodedFrame[]>,
        Promise<EncodedFrame[]>,
        Promise<EncodedFrame[]>,
        Promise<EncodedFrame[]>,
      ] = [
        collect(remoteAtB.video as RemoteTrack, video.length),
        collect(remoteAtB.audio as RemoteTrack, audio.length),
        collect(remoteAtA.video as RemoteTrack, video.length),
        collect(remoteAtA.audio as RemoteTrack, audio.length),
      ];
      let rawVideoAtB = 0;
      (remoteAtB.video as RemoteTrack).on("rtp", () => rawVideoAtB++);
      await Promise.all([
        play(video, (f) => aVideo.writeFrame(f.data, f.rtpTimestamp)),
        play(audio, (f) => aAudio.writeFrame(f.data, f.rtpTimestamp)),
        play(video, (f) => bVideo.writeFrame(f.data, f.rtpTimestamp)),
        play(audio, (f) => bAudio.writeFrame(f.data, f.rtpTimestamp)),
      ]);
      const [bv, ba, av, aa] = await withTimeout(Promise.all(waits), 10_000, "all frames");
      expectSameFrames(bv, video);
      expectSameFrames(ba, audio);
      expectSameFrames(av, video);
      expectSameFrames(aa, audio);
      // raw RTP goes to whoever listens
      expect(rawVideoAtB).toBeGreaterThan(0);

      const stats = await a.getStats();
      const outbound = [...stats.values()].filter((s) => s.type === "outbound-rtp");
      expect(outbound).toHaveLength(2);
      const transport = [...stats.values()].find((s) => s.type === "transport");
      expect(transport?.srtpCipher).toBe("SRTP_AES128_CM_HMAC_SHA1_80");
      expect(transport?.dtlsState).toBe("connected");
      // DTLS 1.3 with the hybrid post-quantum group by default (webrtc-stats tlsVersion: FEFC).
      expect(transport).toMatchObject({ tlsVersion: "FEFC", tlsGroup: "X25519MLKEM768" });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
  it("negotiates AEAD_AES_128_GCM when a peer prefers it (srtpProfiles), and media flows", async () => {
    const GCM = 0x0007;
    const { a, b, track, remote } = await connectedOneWay("audio", { srtpProfiles: [GCM] });
    try {
      expect(a.security.srtpProfile).toBe("SRTP_AEAD_AES_128_GCM");
      expect(b.security.srtpProfile).toBe("SRTP_AEAD_AES_128_GCM");
      const audio = opusClip();
      const got = collect(remote, audio.length);
      await play(audio, (f) => track.writeFrame(f.data, f.rtpTimestamp));
      expectSameFrames(await withTimeout(got, 10_000, "frames"), audio);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("refuses a pacing rate below 8 kbit/s when the connection is made (RangeError)", () => {
    expect(() => new PeerConnection({ pacingBitrateBps: 100 })).toThrow(RangeError);
    expect(() => new PeerConnection({ pacingBitrateBps: Number.NaN })).toThrow(RangeError);
  });

  it("paces video on real sockets (pacingBitrateBps) and every frame still arrives byte-identical", async () => {
    const { a, b, track, remote } = await connectedOneWay("video", { pacingBitrateBps: 2_000_000 });
    try {
      const video = vp8Clip();
      const got = collect(remote, video.length);
      // All frames written at once: only the pacer's timer lets them out, at 2 Mbit/s.
      const t0 = performance.now();
      for (const f of video) expect(track.writeFrame(f.data, f.rtpTimestamp)).toBe(true);
      expectSameFrames(await withTimeout(got, 10_000, "frames"), video);
      const bytes = video.reduce((n, f) => n + f.data.length, 0);
      // 2 Mbit/s = 250 bytes/ms, less the 10 ms burst: the clip cannot all have left sooner
      expect(performance.now() - t0).toBeGreaterThanOrEqual(bytes / 250 - 10 - 2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
