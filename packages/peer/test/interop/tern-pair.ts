import { withTimeout } from "@tern/test-support";
/**
 * Two Tern peer connections on loopback for the JSEP tests: trickle wired both ways, offer/answer in one
 * call, and "media flows" as frames arriving on a remote track. Each wait has one wall-clock timeout.
 */
import type { LocalTrack, RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection, type PeerConnectionConfig } from "../../src/node/peer-connection.js";
import { opusClip, vp8Clip } from "./media-fixtures.js";
import { connectionState } from "./peer-helpers.js";

export const LOOPBACK: PeerConnectionConfig = { iceAddresses: ["127.0.0.1"], mdns: false };

export function ternPeer(config: PeerConnectionConfig = {}): PeerConnection {
  return new PeerConnection({ ...LOOPBACK, ...config });
}

/** Forwards each side's trickled candidates to the other. */
export function trickle(a: PeerConnection, b: PeerConnection): void {
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate).catch(() => undefined));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate).catch(() => undefined));
}

/** One offer/answer exchange, `offerer` first; returns the two descriptions' SDP. */
export async function negotiate(
  offerer: PeerConnection,
  answerer: PeerConnection,
): Promise<{ offer: string; answer: string }> {
  await offerer.setLocalDescription();
  const offer = offerer.localDescription?.sdp ?? "";
  await answerer.setRemoteDescription({ type: "offer", sdp: offer });
  await answerer.setLocalDescription();
  const answer = answerer.localDescription?.sdp ?? "";
  await offerer.setRemoteDescription({ type: "answer", sdp: answer });
  return { offer, answer };
}

export async function bothConnected(a: PeerConnection, b: PeerConnection): Promise<void> {
  await withTimeout(
    Promise.all([connectionState(a, "connected"), connectionState(b, "connected")]),
    10_000,
    "both connected",
  );
}

/** The remote tracks a connection announces, by kind, as `track` events come. */
export function remoteTracks(pc: PeerConnection): RemoteTrack[] {
  const out: RemoteTrack[] = [];
  pc.on("track", (e) => out.push(e.track));
  return out;
}

/**
 * Media flows from `track` to `remote`: the track's clip (VP8 or Opus) is written frame by frame until
 * `count` frames arrived at `remote`.
 */
export async function flows(track: LocalTrack, remote: RemoteTrack, count = 10): Promise<void> {
  const clip = track.kind === "video" ? vp8Clip() : opusClip();
  let got = 0;
  const onFrame = (): void => void got++;
  remote.on("frame", onFrame);
  try {
    await withTimeout(
      (async () => {
        let ts = Math.floor(Math.random() * 1e6);
        for (let i = 0; got < count; i++) {
          const f = clip[i % clip.length] as (typeof clip)[number];
          // From the clip's start, so VP8 begins with its keyframe.
          ts += track.kind === "video" ? 3000 : 960;
          track.writeFrame(f.data, ts);
          await new Promise((r) => setTimeout(r, 5));
        }
      })(),
      10_000,
      `${count} ${track.kind} frames`,
    );
  } finally {
    remote.off("frame", onFrame);
  }
}

export async function closeAll(...pcs: PeerConnection[]): Promise<void> {
  await Promise.all(pcs.map((pc) => pc.close()));
}
