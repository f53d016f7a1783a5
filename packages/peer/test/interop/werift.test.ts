/**
 * Tern ↔ werift (npm `werift`, a whole TypeScript WebRTC stack) on loopback, each side as offerer and as
 * answerer: ICE, DTLS-SRTP and SDP negotiated between the two stacks, VP8 video and Opus audio both ways.
 * werift→Tern: the clip is packetized with @tern/rtp and sent through werift's sender (werift rewrites
 * SSRC, payload type and sequence numbers, protects with its SRTP); Tern reassembles frames. Tern→werift:
 * Tern sends frames; werift's depacketizer rebuilds them. Both must equal the clip byte for byte.
 *
 * werift falls back to a public STUN server with none configured: it gets Tern's STUN server on 127.0.0.1,
 * and only werift's 127.0.0.1 candidates are passed to Tern.
 */

import { type RunningStunServer, startStunServer } from "@tern/ice";
import { encodeRtpPacket, OpusPayloadFormat, RtpPacketizer, Vp8PayloadFormat } from "@tern/rtp";
import { untilCount, withTimeout } from "@tern/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dePacketizeRtpPackets,
  type MediaStreamTrack,
  RTCPeerConnection,
  useOPUS,
  useVP8,
  type RtpPacket as WeriftRtpPacket,
} from "werift";
import { type EncodedFrame, LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { type ClipFrame, opusClip, vp8Clip } from "./media-fixtures.js";
import { collect, connectionState, expectSameFrames, gathered, play } from "./peer-helpers.js";

let stun: RunningStunServer;
beforeAll(async () => {
  stun = await startStunServer({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await stun.close();
});

function newWerift(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [{ urls: `stun:127.0.0.1:${stun.address.port}` }],
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceUseIpv6: false,
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
}

/** werift's SDP, with only its loopback candidates (so every pair Tern checks stays on 127.0.0.1). */
async function weriftDescription(w: RTCPeerConnection): Promise<{ type: "offer" | "answer"; sdp: string }> {
  if (w.iceGatheringState !== "complete") {
    await new Promise<void>((resolve) =>
      w.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve()),
    );
  }
  const d = w.localDescription;
  if (!d) throw new Error("werift has no local description");
  const sdp = d.sdp
    .split("\r\n")
    .filter((l) => !l.startsWith("a=candidate:") || l.includes(" 127.0.0.1 "))
    .join("\r\n");
  return { type: d.type as "offer" | "answer", sdp };
}

/** werift received frames per kind, rebuilt from RTP with werift's own depacketizer. */
function weriftReceiver(w: RTCPeerConnection) {
  const frames: Record<"audio" | "video", Buffer[]> = { audio: [], video: [] };
  w.onTrack.subscribe((track: MediaStreamTrack) => {
    let pending: WeriftRtpPacket[] = [];
    track.onReceiveRtp.subscribe((rtp: WeriftRtpPacket) => {
      if (track.kind === "audio") {
        frames.audio.push(dePacketizeRtpPackets("opus", [rtp]).data);
        return;
      }
      pending.push(rtp);
      if (rtp.header.marker) {
        frames.video.push(dePacketizeRtpPackets("vp8", pending).data);
        pending = [];
      }
    });
  });
  return frames;
}

/** Sends a clip through a werift sender as RTP packets made by @tern/rtp. */
async function weriftPlay(
  sender: { sendRtp(rtp: Buffer): Promise<void> },
  kind: "audio" | "video",
  clip: readonly ClipFrame[],
): Promise<void> {
  const p = new RtpPacketizer({
    format:
      kind === "audio" ? new OpusPayloadFormat() : new Vp8PayloadFormat({ pictureId: 1, pictureIdBits: 15 }),
    ssrc: 1234,
    payloadType: 96,
    sequenceNumber: 100,
  });
  for (const f of clip) {
    for (const packet of p.packetize(f.data, f.rtpTimestamp))
      await sender.sendRtp(Buffer.from(encodeRtpPacket(packet)));
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("interop with werift on loopback", () => {
  for (const ternOffers of [true, false]) {
    it(`${ternOffers ? "Tern offers, werift answers" : "werift offers, Tern answers"}: VP8 + Opus both ways, byte-identical frames`, async () => {
      const tern = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
      const w = newWerift();
      try {
        const ternVideo = new LocalTrack("video");
        const ternAudio = new LocalTrack("audio");
        const remote: Partial<Record<"audio" | "video", RemoteTrack>> = {};
        tern.on("track", (e) => {
          remote[e.track.kind] = e.track;
        });
        const atWerift = weriftReceiver(w);

        let wVideo: ReturnType<RTCPeerConnection["addTransceiver"]>;
        let wAudio: ReturnType<RTCPeerConnection["addTransceiver"]>;
        if (ternOffers) {
          tern.addTrack(ternVideo);
          tern.addTrack(ternAudio);
          await tern.setLocalDescription(await tern.createOffer());
          await gathered(tern);
          const offer = tern.localDescription;
          if (!offer) throw new Error("no offer");
          await w.setRemoteDescription({ type: "offer", sdp: offer.sdp });
          const trs = w.getTransceivers();
          wVideo = trs.find((t) => t.kind === "video") as typeof wVideo;
          wAudio = trs.find((t) => t.kind === "audio") as typeof wAudio;
          wVideo.setDirection("sendrecv");
          wAudio.setDirection("sendrecv");
          await w.setLocalDescription(await w.createAnswer());
          await tern.setRemoteDescription(await weriftDescription(w));
        } else {
          wVideo = w.addTransceiver("video", { direction: "sendrecv" });
          wAudio = w.addTransceiver("audio", { direction: "sendrecv" });
          await w.setLocalDescription(await w.createOffer());
          await tern.setRemoteDescription(await weriftDescription(w));
          tern.addTrack(ternVideo);
          tern.addTrack(ternAudio);
          await tern.setLocalDescription(await tern.createAnswer());
          await gathered(tern);
          const answer = tern.localDescription;
          if (!answer) throw new Error("no answer");
          await w.setRemoteDescription({ type: "answer", sdp: answer.sdp });
        }

        await withTimeout(connectionState(tern, "connected"), 15_000, "Tern connected");
        await withTimeout(
          new Promise<void>((r) =>
            w.connectionState === "connected"
              ? r()
              : w.connectionStateChange.subscribe((s) => s === "connected" && r()),
          ),
          15_000,
          "werift connected",
        );
        expect(remote.video && remote.audio).toBeTruthy();

        const video = vp8Clip();
        const audio = opusClip();
        const ternGot: [Promise<EncodedFrame[]>, Promise<EncodedFrame[]>] = [
          collect(remote.video as RemoteTrack, video.length),
          collect(remote.audio as RemoteTrack, audio.length),
        ];
        await Promise.all([
          play(video, (f) => ternVideo.writeFrame(f.data, f.rtpTimestamp)),
          play(audio, (f) => ternAudio.writeFrame(f.data, f.rtpTimestamp)),
          weriftPlay(wVideo.sender, "video", video),
          weriftPlay(wAudio.sender, "audio", audio),
        ]);
        const [tv, ta] = await withTimeout(Promise.all(ternGot), 10_000, "frames at Tern");
        expectSameFrames(tv, video);
        expectSameFrames(ta, audio);
        await Promise.all([
          untilCount(atWerift.video, video.length, 10_000, "video frames at werift"),
          untilCount(atWerift.audio, audio.length, 10_000, "audio frames at werift"),
        ]);
        expectSameFrames(
          atWerift.video.map((d) => ({ data: d, isKeyframe: false, rtpTimestamp: 0 })),
          video,
        );
        expectSameFrames(
          atWerift.audio.map((d) => ({ data: d, isKeyframe: false, rtpTimestamp: 0 })),
          audio,
        );
        expect(tern.security.srtpProfile).toBeDefined();
      } finally {
        await tern.close();
        await w.close();
      }
    });
  }
});
