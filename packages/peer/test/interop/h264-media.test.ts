/**
 * H.264 through peer connections, not just negotiated: the 15 access units of clip.h264 (Constrained
 * Baseline, packetization-mode 1, an IDR every 10 frames) sent as `LocalTrack("video", "H264")` frames
 * arrive as the same NAL units, key frames exactly at the IDRs.
 * - Tern ↔ Tern on loopback, both ways, H.264 the one video codec negotiated.
 * - Tern ↔ werift (its own H.264 depacketizer; its sender carrying @tern/rtp's FU-A/STAP-A packets); werift
 *   answers Tern's VP8 + H.264 offer with H.264 only.
 * - Tern ↔ Tern with VP8 negotiated first (Tern's default offer): the H.264 packets are reassembled as H.264,
 *   by their payload type (once a bug: a receiver took its m= section's first codec, VP8, for every packet).
 */
import { type RunningStunServer, startStunServer } from "@tern/ice";
import { encodeRtpPacket, H264PayloadFormat, RtpPacketizer, splitAnnexB } from "@tern/rtp";
import { withTimeout } from "@tern/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dePacketizeRtpPackets,
  type MediaStreamTrack,
  RTCPeerConnection,
  useH264,
  type RtpPacket as WeriftRtpPacket,
} from "werift";
import { LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { type H264AccessUnit, h264Clip } from "./media-fixtures.js";
import { collect, connectionState, gathered, play } from "./peer-helpers.js";

/** Every access unit came back with the same NAL units, a key frame exactly where the IDRs are. */
function expectSameAccessUnits(
  got: readonly { data: Uint8Array; isKeyframe?: boolean }[],
  sent: readonly H264AccessUnit[],
): void {
  expect(got).toHaveLength(sent.length);
  sent.forEach((unit, i) => {
    const frame = got[i];
    expect(splitAnnexB(frame?.data ?? new Uint8Array()), `access unit ${i}`).toEqual(unit.nalUnits);
    if (frame?.isKeyframe !== undefined)
      expect(frame.isKeyframe, `access unit ${i} key frame`).toBe(unit.idr);
  });
}

async function codecOf(
  pc: PeerConnection,
  type: "inbound-rtp" | "outbound-rtp",
): Promise<string | undefined> {
  const stats = [...(await pc.getStats()).values()];
  const rtp = stats.find((s) => s.type === type);
  const mimeType = stats.find((s) => s.type === "codec" && s.id === rtp?.codecId)?.mimeType;
  return typeof mimeType === "string" ? mimeType : undefined;
}

describe("H.264 through peer connections", () => {
  /** The offer without its VP8 (and VP8 RTX) payload types: the answer can then hold H.264 only. */
  function h264Only(sdp: string): string {
    const vp8 = [...sdp.matchAll(/^a=rtpmap:(\d+) VP8\/90000$/gm)].map((m) => m[1] as string);
    const rtx = [...sdp.matchAll(/^a=fmtp:(\d+) apt=(\d+)$/gm)].filter((m) => vp8.includes(m[2] as string));
    const drop = new Set([...vp8, ...rtx.map((m) => m[1] as string)]);
    return sdp
      .split("\r\n")
      .filter((l) => !/^a=(rtpmap|fmtp|rtcp-fb):(\d+) /.test(l) || !drop.has(l.split(/[: ]/)[1] ?? ""))
      .map((l) =>
        l.startsWith("m=video ")
          ? l
              .split(" ")
              .filter((t, i) => i < 3 || !drop.has(t))
              .join(" ")
          : l,
      )
      .join("\r\n");
  }

  /** Two Tern peers each sending an H.264 track to the other; `offerH264Only` strips VP8 from the offer. */
  async function ternPair(offerH264Only: boolean) {
    const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
    const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
    a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate));
    b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate));
    const aVideo = new LocalTrack("video", "H264");
    const bVideo = new LocalTrack("video", "H264");
    const remote = new Map<PeerConnection, RemoteTrack>();
    a.on("track", (e) => remote.set(a, e.track));
    b.on("track", (e) => remote.set(b, e.track));
    a.addTrack(aVideo);
    await a.setLocalDescription(await a.createOffer());
    const offer = a.localDescription?.sdp ?? "";
    await b.setRemoteDescription({ type: "offer", sdp: offerH264Only ? h264Only(offer) : offer });
    b.addTrack(bVideo);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription as never);
    await withTimeout(
      Promise.all([connectionState(a, "connected"), connectionState(b, "connected")]),
      10_000,
      "connected",
    );
    return { a, b, aVideo, bVideo, remote };
  }

  /** Plays the clip both ways and checks what each side reassembled. */
  async function bothWays(pair: Awaited<ReturnType<typeof ternPair>>): Promise<void> {
    const { a, b, aVideo, bVideo, remote } = pair;
    const clip = h264Clip();
    expect(clip.filter((u) => u.idr)).toHaveLength(2);
    const atB = collect(remote.get(b) as RemoteTrack, clip.length);
    const atA = collect(remote.get(a) as RemoteTrack, clip.length);
    await Promise.all([
      play(clip, (u) => aVideo.writeFrame(u.data, u.rtpTimestamp)),
      play(clip, (u) => bVideo.writeFrame(u.data, u.rtpTimestamp)),
    ]);
    const [gotB, gotA] = await withTimeout(Promise.all([atB, atA]), 10_000, "frames");
    expectSameAccessUnits(gotB, clip);
    expectSameAccessUnits(gotA, clip);
    expect(gotB.map((f) => f.rtpTimestamp)).toEqual(clip.map((u) => u.rtpTimestamp));
    expect(await codecOf(a, "outbound-rtp")).toBe("video/H264");
    expect(await codecOf(b, "inbound-rtp")).toBe("video/H264");
  }

  it("Tern ↔ Tern, H.264 the one video codec: access units both ways, same NAL units, key frames at the IDRs", async () => {
    const pair = await ternPair(true);
    try {
      expect(pair.b.localDescription?.sdp).toMatch(/^m=video \d+ \S+ \d+ \d+\r$/m); // H.264 + its RTX
      expect(pair.b.localDescription?.sdp).toMatch(/a=rtpmap:\d+ H264\/90000/);
      await bothWays(pair);
    } finally {
      await Promise.all([pair.a.close(), pair.b.close()]);
    }
  });

  it("Tern ↔ Tern, H.264 tracks with VP8 negotiated first: each packet reassembled by its payload type, H.264", async () => {
    const pair = await ternPair(false);
    try {
      expect(pair.b.localDescription?.sdp).toMatch(/a=rtpmap:\d+ VP8\/90000[\s\S]*a=rtpmap:\d+ H264\/90000/);
      await bothWays(pair);
    } finally {
      await Promise.all([pair.a.close(), pair.b.close()]);
    }
  });

  describe("Tern ↔ werift", () => {
    // werift falls back to a public STUN server with none configured: it gets Tern's on 127.0.0.1.
    let stun: RunningStunServer;
    beforeAll(async () => {
      stun = await startStunServer({ host: "127.0.0.1", port: 0 });
    });
    afterAll(async () => {
      await stun.close();
    });

    it("Tern offers H.264, werift answers: access units both ways, werift's depacketizer and Tern's agree", async () => {
      const tern = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
      const w = new RTCPeerConnection({
        iceServers: [{ urls: `stun:127.0.0.1:${stun.address.port}` }],
        iceAdditionalHostAddresses: ["127.0.0.1"],
        iceUseIpv6: false,
        codecs: { video: [useH264()] },
      });
      try {
        const atWerift: Buffer[] = [];
        w.onTrack.subscribe((track: MediaStreamTrack) => {
          let pending: WeriftRtpPacket[] = [];
          track.onReceiveRtp.subscribe((rtp: WeriftRtpPacket) => {
            pending.push(rtp);
            if (!rtp.header.marker) return;
            atWerift.push(dePacketizeRtpPackets("MPEG4/ISO/AVC", pending).data);
            pending = [];
          });
        });
        let remote: RemoteTrack | undefined;
        tern.on("track", (e) => {
          remote = e.track;
        });
        const ternVideo = new LocalTrack("video", "H264");
        tern.addTrack(ternVideo);
        await tern.setLocalDescription(await tern.createOffer());
        await gathered(tern);
        await w.setRemoteDescription({ type: "offer", sdp: tern.localDescription?.sdp ?? "" });
        const wVideo = w.getTransceivers().find((t) => t.kind === "video");
        if (!wVideo) throw new Error("werift made no video transceiver");
        wVideo.setDirection("sendrecv");
        await w.setLocalDescription(await w.createAnswer());
        await new Promise<void>((r) =>
          w.iceGatheringState === "complete"
            ? r()
            : w.iceGatheringStateChange.subscribe((s) => s === "complete" && r()),
        );
        const answer = (w.localDescription?.sdp ?? "")
          .split("\r\n")
          .filter((l) => !l.startsWith("a=candidate:") || l.includes(" 127.0.0.1 "))
          .join("\r\n");
        expect(answer).toMatch(/a=rtpmap:\d+ H264\/90000/);
        await tern.setRemoteDescription({ type: "answer", sdp: answer });
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
        if (!remote) throw new Error("no track event at Tern");

        const clip = h264Clip();
        const atTern = collect(remote, clip.length);
        const packetizer = new RtpPacketizer({
          format: new H264PayloadFormat(),
          ssrc: 4321,
          payloadType: 102,
          sequenceNumber: 7,
        });
        await Promise.all([
          play(clip, (u) => ternVideo.writeFrame(u.data, u.rtpTimestamp)),
          (async () => {
            for (const u of clip) {
              for (const p of packetizer.packetize(u.data, u.rtpTimestamp))
                await wVideo.sender.sendRtp(Buffer.from(encodeRtpPacket(p)));
              await new Promise((r) => setTimeout(r, 5));
            }
          })(),
        ]);
        expectSameAccessUnits(await withTimeout(atTern, 10_000, "frames at Tern"), clip);
        await withTimeout(
          (async () => {
            while (atWerift.length < clip.length) await new Promise((r) => setTimeout(r, 10));
          })(),
          10_000,
          "frames at werift",
        );
        expectSameAccessUnits(
          atWerift.map((d) => ({ data: new Uint8Array(d) })),
          clip,
        );
      } finally {
        await tern.close();
        await w.close();
      }
    });
  });
});
