import { withTimeout } from "@tern/test-support";
/**
 * The W3C surface of Tern's RTCPeerConnection one member at a time (webrtc-pc §4–5): transceivers,
 * senders and receivers, codec preferences, parameters, configuration, the description and candidate
 * classes, certificates, stats, and what a closed connection does.
 */
import { describe, expect, it } from "vitest";
import {
  LocalTrack,
  MediaStream,
  RTCIceCandidate,
  RTCPeerConnection,
  RTCRtpReceiver,
  RTCRtpSender,
  RTCSessionDescription,
} from "../../src/w3c/index.js";
import { vp8Clip } from "../interop/media-fixtures.js";

const LOOPBACK = { iceAddresses: ["127.0.0.1"], mdns: false };

async function connectedPair(setup: (pc1: RTCPeerConnection, pc2: RTCPeerConnection) => void) {
  const pc1 = new RTCPeerConnection(LOOPBACK);
  const pc2 = new RTCPeerConnection(LOOPBACK);
  pc1.onicecandidate = (e) => void pc2.addIceCandidate(e.candidate).catch(() => undefined);
  pc2.onicecandidate = (e) => void pc1.addIceCandidate(e.candidate).catch(() => undefined);
  setup(pc1, pc2);
  await pc1.setLocalDescription();
  await pc2.setRemoteDescription(pc1.localDescription as RTCSessionDescription);
  await pc2.setLocalDescription();
  await pc1.setRemoteDescription(pc2.localDescription as RTCSessionDescription);
  const up = (pc: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      if (pc.connectionState === "connected") resolve();
      pc.addEventListener("connectionstatechange", () => pc.connectionState === "connected" && resolve());
    });
  await withTimeout(Promise.all([up(pc1), up(pc2)]), 10_000, "connected");
  return { pc1, pc2 };
}

describe("RTCRtpTransceiver, RTCRtpSender, RTCRtpReceiver", () => {
  it("getTransceivers/getSenders/getReceivers, direction and currentDirection, stop()", async () => {
    const { pc1, pc2 } = await connectedPair((pc1) => {
      pc1.addTransceiver("audio", { direction: "sendrecv" });
      pc1.addTransceiver("video", { direction: "recvonly" });
    });
    try {
      expect(pc1.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection])).toEqual([
        ["0", "sendrecv", "sendonly"],
        ["1", "recvonly", "inactive"],
      ]);
      expect(pc2.getTransceivers().map((t) => [t.mid, t.direction, t.currentDirection])).toEqual([
        ["0", "recvonly", "recvonly"],
        ["1", "recvonly", "inactive"],
      ]);
      expect(pc1.getSenders().every((s) => s instanceof RTCRtpSender)).toBe(true);
      expect(pc1.getReceivers().every((r) => r instanceof RTCRtpReceiver)).toBe(true);
      expect(pc1.getSenders()[0]?.track).toBeNull();
      expect(pc1.getReceivers()[1]?.track.kind).toBe("video");
      const audio = pc1.getTransceivers()[0];
      if (!audio) throw new Error("no transceiver");
      let needed = 0;
      pc1.onnegotiationneeded = () => needed++;
      audio.direction = "inactive";
      await new Promise((r) => setImmediate(r));
      expect(needed).toBe(1);
      audio.stop();
      expect(audio.direction).toBe("stopped");
      expect(() => {
        audio.direction = "sendrecv";
      }).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
      expect(audio.receiver.track.readyState).toBe("ended");
      await pc1.setLocalDescription();
      await pc2.setRemoteDescription(pc1.localDescription as RTCSessionDescription);
      await pc2.setLocalDescription();
      await pc1.setRemoteDescription(pc2.localDescription as RTCSessionDescription);
      expect(pc1.getTransceivers().map((t) => t.mid)).toEqual(["1"]);
      expect(pc2.getTransceivers().map((t) => t.mid)).toEqual(["1"]);
    } finally {
      pc1.close();
      pc2.close();
    }
  });

  it("setCodecPreferences: the offer carries only those, in that order; a codec Tern lacks is InvalidModificationError", async () => {
    const pc = new RTCPeerConnection(LOOPBACK);
    try {
      const t = pc.addTransceiver("video");
      const caps = RTCRtpSender.getCapabilities("video")?.codecs ?? [];
      expect(caps.map((c) => c.mimeType)).toEqual(["video/VP8", "video/H264", "video/rtx"]);
      expect(() => t.setCodecPreferences([{ mimeType: "video/VP9", clockRate: 90000 }])).toThrow(
        expect.objectContaining({ name: "InvalidModificationError" }),
      );
      expect(() => t.setCodecPreferences(caps.filter((c) => c.mimeType === "video/rtx"))).toThrow(
        expect.objectContaining({ name: "InvalidModificationError" }),
      );
      t.setCodecPreferences(caps.filter((c) => c.mimeType !== "video/VP8"));
      const offer = await pc.createOffer();
      expect(offer.sdp).toMatch(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 102 103\r$/m);
      t.setCodecPreferences([]);
      expect((await pc.createOffer()).sdp).toMatch(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 96 97 102 103\r$/m);
      expect(RTCRtpReceiver.getCapabilities("audio")?.codecs.map((c) => c.mimeType)).toEqual(["audio/opus"]);
      expect(RTCRtpSender.getCapabilities("application")).toBeNull();
    } finally {
      pc.close();
    }
  });

  it("replaceTrack, setParameters (transactionId, active, maxBitrate), getStats of a sender and a receiver", async () => {
    const track = new LocalTrack("video");
    let sender: RTCRtpSender | undefined;
    const { pc1, pc2 } = await connectedPair((pc1) => {
      sender = pc1.addTrack(track, new MediaStream([track]));
    });
    try {
      if (!sender) throw new Error("no sender");
      await expect(sender.replaceTrack(new LocalTrack("audio"))).rejects.toBeInstanceOf(TypeError);
      const frame = vp8Clip()[0]?.data ?? new Uint8Array();
      expect(track.writeFrame(frame, 1)).toBe(true);
      const params = sender.getParameters();
      expect(params.encodings).toEqual([{ active: true }]);
      expect(params.codecs.map((c) => c.mimeType)).toEqual(["video/VP8", "video/H264"]);
      expect(params.rtcp.reducedSize).toBe(true);
      await expect(sender.setParameters({ ...params, transactionId: "stale" })).rejects.toMatchObject({
        name: "InvalidModificationError",
      });
      await sender.setParameters({ ...params, encodings: [{ active: false }] });
      expect(track.writeFrame(frame, 2)).toBe(false);
      const again = sender.getParameters();
      await sender.setParameters({ ...again, encodings: [{ active: true, maxBitrate: 500_000 }] });
      expect(sender.getParameters().encodings).toEqual([{ active: true, maxBitrate: 500_000 }]);
      expect(track.writeFrame(frame, 3)).toBe(true);
      const other = new LocalTrack("video");
      await sender.replaceTrack(other);
      expect(sender.track).toBe(other);
      expect(other.writeFrame(frame, 4)).toBe(true);
      expect(track.writeFrame(frame, 5)).toBe(false);
      const out = [...(await sender.getStats()).values()].map((s) => s.type);
      expect(out).toContain("outbound-rtp");
      expect(out).not.toContain("inbound-rtp");
      await withTimeout(
        (async () => {
          for (;;) {
            const stats = [...((await pc2.getReceivers()[0]?.getStats()) ?? new Map()).values()];
            if (stats.some((s) => s.type === "inbound-rtp")) return;
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
        5000,
        "inbound-rtp at the receiver",
      );
      const byTrack = [...(await pc2.getStats(pc2.getReceivers()[0]?.track)).values()].map((s) => s.type);
      expect(byTrack).toContain("inbound-rtp");
      const all = [...(await pc1.getStats()).values()];
      expect(all.find((s) => s.type === "peer-connection")).toMatchObject({ dataChannelsOpened: 0 });
    } finally {
      pc1.close();
      pc2.close();
    }
  });

  it("removeTrack: the sender's track goes, the direction drops send, negotiationneeded fires", async () => {
    const pc = new RTCPeerConnection(LOOPBACK);
    try {
      const sender = pc.addTrack(new LocalTrack("audio"));
      await pc.setLocalDescription();
      await pc.setLocalDescription({ type: "rollback" });
      pc.removeTrack(sender);
      expect(sender.track).toBeNull();
      expect(pc.getTransceivers()[0]?.direction).toBe("recvonly");
      const other = new RTCPeerConnection(LOOPBACK);
      expect(() => pc.removeTrack(other.addTrack(new LocalTrack("audio")))).toThrow(
        expect.objectContaining({ name: "InvalidAccessError" }),
      );
      other.close();
    } finally {
      pc.close();
    }
  });
});

describe("RTCPeerConnection members", () => {
  it("methods' length is the browsers' (optional arguments do not count): feature tests take the standard forms", () => {
    // simple-peer calls getStats(successCallback, failureCallback) when getStats.length > 0; a Chromium
    // page gives 0 for each of these (webrtc-pc's WebIDL: optional arguments).
    const p = RTCPeerConnection.prototype;
    expect({
      createOffer: p.createOffer.length,
      createAnswer: p.createAnswer.length,
      setLocalDescription: p.setLocalDescription.length,
      addIceCandidate: p.addIceCandidate.length,
      getStats: p.getStats.length,
      createDataChannel: p.createDataChannel.length,
      MediaStream: MediaStream.length,
    }).toEqual({
      createOffer: 0,
      createAnswer: 0,
      setLocalDescription: 0,
      addIceCandidate: 0,
      getStats: 0,
      createDataChannel: 1,
      MediaStream: 0,
    });
  });

  it("getConfiguration / setConfiguration (certificates and bundlePolicy cannot change)", async () => {
    const cert = await RTCPeerConnection.generateCertificate({ name: "ECDSA", namedCurve: "P-256" });
    const pc = new RTCPeerConnection({
      ...LOOPBACK,
      certificates: [cert],
      iceServers: [{ urls: "stun:127.0.0.1:3478" }],
    });
    try {
      const c = pc.getConfiguration();
      expect(c.certificates).toEqual([cert]);
      expect(c.iceServers).toEqual([{ urls: "stun:127.0.0.1:3478" }]);
      expect(c.bundlePolicy).toBe("max-bundle");
      pc.setConfiguration({ iceServers: [{ urls: ["stun:127.0.0.1:3479"] }] });
      expect(pc.getConfiguration().iceServers).toEqual([{ urls: ["stun:127.0.0.1:3479"] }]);
      expect(() => pc.setConfiguration({ bundlePolicy: "balanced" })).toThrow(
        expect.objectContaining({ name: "InvalidModificationError" }),
      );
      expect(() => pc.setConfiguration({ iceServers: [{ urls: "turn:127.0.0.1" }] })).toThrow(
        expect.objectContaining({ name: "InvalidAccessError" }),
      );
      expect(() => pc.setConfiguration({ iceServers: [{ urls: "http://x" }] })).toThrow(
        expect.objectContaining({ name: "SyntaxError" }),
      );
      const other = await RTCPeerConnection.generateCertificate("ECDSA");
      expect(() => pc.setConfiguration({ certificates: [other] })).toThrow(
        expect.objectContaining({ name: "InvalidModificationError" }),
      );
      // The certificate is the one the offer's fingerprint names.
      pc.addTransceiver("audio");
      const offer = await pc.createOffer();
      const fp = cert.getFingerprints()[0];
      expect(fp?.algorithm).toBe("sha-256");
      expect((offer.sdp ?? "").toLowerCase()).toContain(`a=fingerprint:sha-256 ${fp?.value}`);
      expect(cert.expires).toBeGreaterThan(Date.now());
      await expect(
        RTCPeerConnection.generateCertificate({ name: "RSASSA-PKCS1-v1_5" }),
      ).rejects.toMatchObject({
        name: "NotSupportedError",
      });
    } finally {
      pc.close();
    }
  });

  it("canTrickleIceCandidates, icegatheringstatechange, and close(): synchronous, undefined, no event after", async () => {
    const pc1 = new RTCPeerConnection(LOOPBACK);
    const pc2 = new RTCPeerConnection(LOOPBACK);
    const gathering: string[] = [];
    pc1.onicegatheringstatechange = () => gathering.push(pc1.iceGatheringState);
    pc1.addTransceiver("audio");
    expect(pc2.canTrickleIceCandidates).toBeNull();
    await pc1.setLocalDescription();
    await pc2.setRemoteDescription(pc1.localDescription as RTCSessionDescription);
    expect(pc2.canTrickleIceCandidates).toBe(true);
    await withTimeout(
      new Promise<void>((r) =>
        pc1.addEventListener("icegatheringstatechange", () => pc1.iceGatheringState === "complete" && r()),
      ),
      5000,
      "gathering complete",
    );
    expect(gathering).toEqual(["gathering", "complete"]);
    let events = 0;
    pc2.onsignalingstatechange = () => events++;
    pc2.onconnectionstatechange = () => events++;
    expect(pc2.close()).toBeUndefined();
    expect(pc2.signalingState).toBe("closed");
    expect(pc2.connectionState).toBe("closed");
    expect(pc2.iceConnectionState).toBe("closed");
    expect(() => pc2.addTransceiver("audio")).toThrow(expect.objectContaining({ name: "InvalidStateError" }));
    await expect(pc2.setLocalDescription()).rejects.toMatchObject({ name: "InvalidStateError" });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toBe(0);
    pc1.close();
  });
});

describe("RTCSessionDescription, RTCIceCandidate, MediaStream", () => {
  it("RTCIceCandidate parses its candidate's fields (null when it does not parse)", () => {
    const c = new RTCIceCandidate({
      candidate:
        "candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 10.0.0.2 rport 61665 generation 0 ufrag AbCd",
      sdpMid: "0",
    });
    expect(c).toMatchObject({
      foundation: "842163049",
      component: "rtp",
      protocol: "udp",
      priority: 1677729535,
      address: "203.0.113.7",
      port: 61665,
      type: "srflx",
      relatedAddress: "10.0.0.2",
      relatedPort: 61665,
      usernameFragment: "AbCd",
      sdpMLineIndex: null,
    });
    expect(c.toJSON()).toEqual({
      candidate: c.candidate,
      sdpMid: "0",
      sdpMLineIndex: null,
      usernameFragment: "AbCd",
    });
    const bad = new RTCIceCandidate({ candidate: "candidate:garbage", sdpMLineIndex: 0 });
    expect(bad.address).toBeNull();
    expect(bad.port).toBeNull();
    expect(() => new RTCIceCandidate({ candidate: "candidate:x" })).toThrow(TypeError);
    const end = new RTCIceCandidate({ candidate: "", sdpMid: "0" });
    expect(end.candidate).toBe("");
  });

  it("RTCSessionDescription keeps type and sdp, refuses an unknown type", () => {
    const d = new RTCSessionDescription({ type: "offer", sdp: "v=0\r\n" });
    expect(d.toJSON()).toEqual({ type: "offer", sdp: "v=0\r\n" });
    expect(new RTCSessionDescription({ type: "rollback" }).sdp).toBe("");
    expect(() => new RTCSessionDescription({ type: "bogus" as "offer" })).toThrow(TypeError);
  });

  it("MediaStream holds tracks (kind, id, enabled, readyState, stop, ended)", () => {
    const a = new LocalTrack("audio");
    const v = new LocalTrack("video");
    const s = new MediaStream([a]);
    s.addTrack(v);
    expect(s.getTracks()).toEqual([a, v]);
    expect(s.getAudioTracks()).toEqual([a]);
    expect(s.getVideoTracks()).toEqual([v]);
    expect(s.getTrackById(v.id)).toBe(v);
    expect(s.active).toBe(true);
    const clone = s.clone();
    expect(clone.id).not.toBe(s.id);
    expect(clone.getTracks()).toEqual([a, v]);
    let ended = 0;
    a.onended = () => ended++;
    a.stop();
    v.stop();
    expect(a.readyState).toBe("ended");
    expect(ended).toBe(0); // stop() fires no ended (mediacapture-main)
    expect(s.active).toBe(false);
    a.enabled = false;
    expect(a.enabled).toBe(false);
    s.removeTrack(a);
    expect(s.getTracks()).toEqual([v]);
  });
});
