/** Two Tern peers for the soak tier: A receives, B sends video and audio; optionally through a LossyProxy. */
import type { IceAgent } from "@tern/ice";
import { withTimeout } from "@tern/test-support";
import { LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection, type PeerConnectionState } from "../../src/node/peer-connection.js";
import { bundleOf, connectionState } from "../interop/peer-helpers.js";
import type { LossyProxy } from "./lossy-proxy.js";

export interface SoakPair {
  readonly a: PeerConnection;
  readonly b: PeerConnection;
  readonly video: LocalTrack;
  readonly audio: LocalTrack;
  readonly remote: { video?: RemoteTrack; audio?: RemoteTrack };
  readonly states: { a: PeerConnectionState[]; b: PeerConnectionState[] };
  close(): Promise<void>;
}

/** Connects B (offerer, sending) to A (answerer, receiving). With `proxy`, every datagram crosses it. */
export async function soakPair(proxy?: LossyProxy, timeoutMs = 15_000): Promise<SoakPair> {
  const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const fromA = (s: string): string => (proxy ? proxy.rewriteFromA(s) : s);
  const fromB = (s: string): string => (proxy ? proxy.rewriteFromB(s) : s);
  a.on("icecandidate", (e) => {
    void b.addIceCandidate(e.candidate ? { ...e.candidate, candidate: fromA(e.candidate.candidate) } : null);
  });
  b.on("icecandidate", (e) => {
    void a.addIceCandidate(e.candidate ? { ...e.candidate, candidate: fromB(e.candidate.candidate) } : null);
  });
  const video = new LocalTrack("video");
  const audio = new LocalTrack("audio");
  b.addTrack(video);
  b.addTrack(audio);
  const remote: SoakPair["remote"] = {};
  a.on("track", (e) => {
    remote[e.track.kind] = e.track;
  });
  const states: SoakPair["states"] = { a: [], b: [] };
  a.on("connectionstatechange", (s) => states.a.push(s));
  b.on("connectionstatechange", (s) => states.b.push(s));
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  try {
    await b.setLocalDescription(await b.createOffer());
    const offer = b.localDescription as { type: "offer"; sdp: string };
    await a.setRemoteDescription({ type: "offer", sdp: fromB(offer.sdp) });
    await a.setLocalDescription(await a.createAnswer());
    const answer = a.localDescription as { type: "answer"; sdp: string };
    await b.setRemoteDescription({ type: "answer", sdp: fromA(answer.sdp) });
    await withTimeout(
      Promise.all([connectionState(a, "connected"), connectionState(b, "connected")]),
      timeoutMs,
      "soak pair connected",
    );
  } catch (e) {
    await close();
    throw e;
  }
  return { a, b, video, audio, remote, states, close };
}

/** The ICE agent under a peer connection (private there): its drop counters. */
export function iceAgentOf(pc: PeerConnection): IceAgent | undefined {
  const ice = bundleOf(pc).ice;
  return ice ? (ice as unknown as { readonly agent: IceAgent }).agent : undefined;
}
