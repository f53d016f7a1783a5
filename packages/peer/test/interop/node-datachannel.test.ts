/**
 * Tern ↔ node-datachannel (npm; libdatachannel in C++: libjuice ICE, OpenSSL DTLS, libsrtp) on loopback,
 * each side as offerer and as answerer, VP8 and Opus both ways. node-datachannel sends RTP packets made
 * by @tern/rtp through its tracks (it protects them with libsrtp); what it receives is rebuilt into frames
 * with werift's depacketizer (a third implementation). Frames must equal the clip byte for byte.
 */
import { encodeRtpPacket, OpusPayloadFormat, RtpPacketizer, Vp8PayloadFormat } from "@tern/rtp";
import { untilCount, withTimeout } from "@tern/test-support";
import nodeDataChannel from "node-datachannel";
import { afterAll, describe, expect, it } from "vitest";
import { dePacketizeRtpPackets, RtpPacket as WeriftRtpPacket } from "werift";
import { type EncodedFrame, LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { type ClipFrame, opusClip, vp8Clip } from "./media-fixtures.js";
import { collect, connectionState, expectSameFrames, gathered, play } from "./peer-helpers.js";

afterAll(() => nodeDataChannel.cleanup());

const VIDEO_PT = 96;
const AUDIO_PT = 111;
const NDC_VIDEO_SSRC = 0x0a0a0a0a;
const NDC_AUDIO_SSRC = 0x0b0b0b0b;

interface NdcSide {
  readonly pc: nodeDataChannel.PeerConnection;
  readonly video: nodeDataChannel.Track;
  readonly audio: nodeDataChannel.Track;
  readonly received: { video: Buffer[]; audio: Buffer[] };
  readonly description: Promise<{ sdp: string; type: string }>;
  /** Where its trickled candidates go (they are buffered until this is set). */
  onCandidate(cb: (candidate: string) => void): void;
}

/** A node-datachannel peer with a VP8 and an Opus track, bound to 127.0.0.1, receiving into frames. */
function ndcPeer(offerer: boolean): NdcSide {
  const pc = new nodeDataChannel.PeerConnection("ndc", { iceServers: [], bindAddress: "127.0.0.1" });
  let resolveDesc: (d: { sdp: string; type: string }) => void = () => undefined;
  const description = new Promise<{ sdp: string; type: string }>((r) => {
    resolveDesc = r;
  });
  pc.onLocalDescription((sdp, type) => resolveDesc({ sdp, type }));
  // Registered before setLocalDescription: node-datachannel does not replay candidates to late listeners.
  const early: string[] = [];
  let sink: ((c: string) => void) | undefined;
  pc.onLocalCandidate((candidate) => (sink ? sink(candidate) : early.push(candidate)));
  const onCandidate = (cb: (c: string) => void): void => {
    sink = cb;
    for (const c of early.splice(0)) cb(c);
  };
  const received = { video: [] as Buffer[], audio: [] as Buffer[] };
  const make = (kind: "video" | "audio"): nodeDataChannel.Track => {
    const mid = kind === "video" ? "0" : "1";
    const media =
      kind === "video"
        ? new nodeDataChannel.Video(mid, "SendRecv")
        : new nodeDataChannel.Audio(mid, "SendRecv");
    if (kind === "video") (media as nodeDataChannel.Video).addVP8Codec(VIDEO_PT);
    else (media as nodeDataChannel.Audio).addOpusCodec(AUDIO_PT);
    media.addSSRC(
      kind === "video" ? NDC_VIDEO_SSRC : NDC_AUDIO_SSRC,
      `ndc-${kind}`,
      "ndc-stream",
      `ndc-${kind}`,
    );
    const track = pc.addTrack(media);
    let pending: WeriftRtpPacket[] = [];
    track.onMessage((msg) => {
      const pt = msg[1] ?? 0;
      if (pt >= 192 && pt <= 223) return; // RTCP
      const rtp = WeriftRtpPacket.deSerialize(msg);
      if (kind === "audio") {
        received.audio.push(dePacketizeRtpPackets("opus", [rtp]).data);
        return;
      }
      pending.push(rtp);
      if (rtp.header.marker) {
        received.video.push(dePacketizeRtpPackets("vp8", pending).data);
        pending = [];
      }
    });
    return track;
  };
  const video = make("video");
  const audio = make("audio");
  if (offerer) pc.setLocalDescription();
  return { pc, video, audio, received, description, onCandidate };
}

async function ndcPlay(
  track: nodeDataChannel.Track,
  kind: "audio" | "video",
  clip: readonly ClipFrame[],
): Promise<void> {
  const p = new RtpPacketizer({
    format:
      kind === "audio" ? new OpusPayloadFormat() : new Vp8PayloadFormat({ pictureId: 7, pictureIdBits: 15 }),
    ssrc: kind === "audio" ? NDC_AUDIO_SSRC : NDC_VIDEO_SSRC,
    payloadType: kind === "audio" ? AUDIO_PT : VIDEO_PT,
    sequenceNumber: 500,
  });
  for (const f of clip) {
    for (const packet of p.packetize(f.data, f.rtpTimestamp))
      track.sendMessageBinary(Buffer.from(encodeRtpPacket(packet)));
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("interop with node-datachannel on loopback", () => {
  for (const ternOffers of [true, false]) {
    it(`${ternOffers ? "Tern offers" : "node-datachannel offers"}: VP8 + Opus both ways, byte-identical frames`, async () => {
      const tern = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
      const ndc = ndcPeer(!ternOffers);
      try {
        const ternVideo = new LocalTrack("video");
        const ternAudio = new LocalTrack("audio");
        const remote: Partial<Record<"audio" | "video", RemoteTrack>> = {};
        tern.on("track", (e) => {
          remote[e.track.kind] = e.track;
        });
        ndc.onCandidate((candidate) => void tern.addIceCandidate({ candidate, sdpMid: "0" }));
        if (ternOffers) {
          tern.addTrack(ternVideo);
          tern.addTrack(ternAudio);
          await tern.setLocalDescription(await tern.createOffer());
          await gathered(tern);
          ndc.pc.setRemoteDescription(tern.localDescription?.sdp ?? "", "offer");
          const answer = await withTimeout(ndc.description, 5000, "node-datachannel answer");
          await tern.setRemoteDescription({ type: "answer", sdp: answer.sdp });
        } else {
          const offer = await withTimeout(ndc.description, 5000, "node-datachannel offer");
          await tern.setRemoteDescription({ type: "offer", sdp: offer.sdp });
          tern.addTrack(ternVideo);
          tern.addTrack(ternAudio);
          await tern.setLocalDescription(await tern.createAnswer());
          await gathered(tern);
          ndc.pc.setRemoteDescription(tern.localDescription?.sdp ?? "", "answer");
        }
        await withTimeout(connectionState(tern, "connected"), 15_000, "Tern connected");
        // Downgrade: Tern offers DTLS 1.3 and 1.2; libdatachannel's OpenSSL 3.0 speaks 1.2 (tlsVersion FEFD).
        const transport = [...(await tern.getStats()).values()].find((s) => s.type === "transport");
        expect(transport?.tlsVersion).toBe("FEFD");
        await withTimeout(
          (async () => {
            while (!(ndc.video.isOpen() && ndc.audio.isOpen())) await new Promise((r) => setTimeout(r, 10));
          })(),
          10_000,
          "node-datachannel tracks open",
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
          ndcPlay(ndc.video, "video", video),
          ndcPlay(ndc.audio, "audio", audio),
        ]);
        const [tv, ta] = await withTimeout(Promise.all(ternGot), 10_000, "frames at Tern");
        expectSameFrames(tv, video);
        expectSameFrames(ta, audio);
        await Promise.all([
          untilCount(ndc.received.video, video.length, 10_000, "video frames at node-datachannel"),
          untilCount(ndc.received.audio, audio.length, 10_000, "audio frames at node-datachannel"),
        ]);
        expectSameFrames(
          ndc.received.video.map((d) => ({ data: d, isKeyframe: false, rtpTimestamp: 0 })),
          video,
        );
        expectSameFrames(
          ndc.received.audio.map((d) => ({ data: d, isKeyframe: false, rtpTimestamp: 0 })),
          audio,
        );
      } finally {
        await tern.close();
        ndc.pc.close();
      }
    });
  }
});
