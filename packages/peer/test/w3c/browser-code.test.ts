import { withTimeout } from "@tern/test-support";
/**
 * Code written for the browser, unchanged but for the import: two RTCPeerConnections on loopback with
 * `on…` handlers and addEventListener, the spec's event objects, transceivers and streams; media flows.
 */
import { describe, expect, it } from "vitest";
import {
  LocalTrack,
  MediaStream,
  type RemoteTrack,
  RTCIceCandidate,
  RTCPeerConnection,
  type RTCPeerConnectionIceEvent,
  RTCRtpTransceiver,
  RTCSessionDescription,
  RTCTrackEvent,
} from "../../src/w3c/index.js";
import { vp8Clip } from "../interop/media-fixtures.js";

const LOOPBACK = { iceAddresses: ["127.0.0.1"], mdns: false };

function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") resolve();
      if (pc.connectionState === "failed") reject(new Error("failed"));
    });
  });
}

describe("browser-style code on Tern's RTCPeerConnection", () => {
  it("connects with on… handlers and addEventListener, fires the spec's events, carries media", async () => {
    const pc1 = new RTCPeerConnection(LOOPBACK);
    const pc2 = new RTCPeerConnection(LOOPBACK);
    try {
      expect(pc1).toBeInstanceOf(EventTarget);
      const iceEvents: RTCPeerConnectionIceEvent[] = [];
      pc1.onicecandidate = (e) => {
        iceEvents.push(e);
        if (e.candidate) void pc2.addIceCandidate(e.candidate);
      };
      pc2.addEventListener("icecandidate", (e) => {
        const c = (e as RTCPeerConnectionIceEvent).candidate;
        if (c) void pc1.addIceCandidate(c.toJSON());
      });
      const tracks: RTCTrackEvent[] = [];
      pc2.ontrack = (e) => tracks.push(e);
      let negotiationNeeded = 0;
      pc1.onnegotiationneeded = () => negotiationNeeded++;
      const states: string[] = [];
      pc1.onsignalingstatechange = () => states.push(pc1.signalingState);

      const track = new LocalTrack("video");
      const stream = new MediaStream([track]);
      const sender = pc1.addTrack(track, stream);
      expect(sender.track).toBe(track);
      expect(pc1.getTransceivers()[0]?.mid).toBeNull();
      await new Promise((r) => setImmediate(r));
      expect(negotiationNeeded).toBe(1);

      const offer = await pc1.createOffer();
      await pc1.setLocalDescription(offer);
      expect(pc1.localDescription).toBeInstanceOf(RTCSessionDescription);
      await pc2.setRemoteDescription(new RTCSessionDescription(offer));
      expect(pc2.canTrickleIceCandidates).toBe(true);
      expect(tracks).toHaveLength(1);
      const ev = tracks[0] as RTCTrackEvent;
      expect(ev).toBeInstanceOf(RTCTrackEvent);
      expect(ev.transceiver).toBeInstanceOf(RTCRtpTransceiver);
      expect(ev.transceiver.mid).toBe("0");
      expect(ev.streams.map((s) => s.id)).toEqual([stream.id]);
      expect(ev.streams[0]?.getTracks()).toEqual([ev.track]);
      expect(ev.receiver.track).toBe(ev.track);
      expect(ev.track.kind).toBe("video");
      await pc2.setLocalDescription();
      await pc1.setRemoteDescription(pc2.localDescription as RTCSessionDescription);
      expect(states).toEqual(["have-local-offer", "stable"]);
      await withTimeout(Promise.all([connected(pc1), connected(pc2)]), 10_000, "connected");
      expect(pc1.getTransceivers()[0]?.currentDirection).toBe("sendonly");
      expect(pc2.getTransceivers()[0]?.currentDirection).toBe("recvonly");
      expect(iceEvents.some((e) => e.candidate instanceof RTCIceCandidate)).toBe(true);
      const firstCandidate = iceEvents.find((e) => e.candidate)?.candidate;
      expect(firstCandidate?.address).toBe("127.0.0.1");
      expect(firstCandidate?.protocol).toBe("udp");
      expect(firstCandidate?.type).toBe("host");
      expect(iceEvents.at(-1)?.candidate).toBeNull();

      const remote = ev.track as RemoteTrack;
      const got: number[] = [];
      remote.on("frame", (f) => got.push(f.data.length));
      const clip = vp8Clip().slice(0, 10);
      for (const [i, f] of clip.entries()) {
        expect(track.writeFrame(f.data, 3000 * i)).toBe(true);
        await new Promise((r) => setTimeout(r, 5));
      }
      await withTimeout(
        (async () => {
          while (got.length < clip.length) await new Promise((r) => setTimeout(r, 10));
        })(),
        5000,
        "frames",
      );
      expect(got).toEqual(clip.map((f) => f.data.length));
      const stats = await pc1.getStats();
      expect([...stats.values()].some((s) => s.type === "peer-connection")).toBe(true);
      const senderStats = await sender.getStats();
      expect([...senderStats.values()].map((s) => s.type).sort()).toContain("outbound-rtp");
      expect([...senderStats.values()].some((s) => s.type === "inbound-rtp")).toBe(false);
    } finally {
      pc1.close();
      pc2.close();
    }
    expect(pc1.connectionState).toBe("closed");
    expect(pc1.signalingState).toBe("closed");
    await expect(pc1.createOffer()).rejects.toMatchObject({ name: "InvalidStateError" });
  });
});
