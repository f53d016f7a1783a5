import { withTimeout } from "@tern/test-support";
import { expect } from "vitest";
import type { BundleTransport } from "../../src/node/bundle-transport.js";
import { type EncodedFrame, LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import {
  PeerConnection,
  type PeerConnectionConfig,
  type PeerConnectionState,
} from "../../src/node/peer-connection.js";
import type { ClipFrame } from "./media-fixtures.js";

/**
 * The peer connection's bundle transport (private there): for tests that inject faults below it or watch
 * the ICE transport's own events.
 */
export function bundleOf(pc: PeerConnection): BundleTransport {
  return (pc as unknown as { readonly bundle: BundleTransport }).bundle;
}

export function connectionState(pc: PeerConnection, want: PeerConnectionState): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: PeerConnectionState): void => {
      if (s === want) resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`connection ${s}`));
    };
    check(pc.connectionState);
    pc.on("connectionstatechange", check);
  });
}

/**
 * Two Tern peers on loopback with trickle, A sending one track of `kind` to B: offer from A, answer from
 * B, both "connected". The caller closes `a` and `b`.
 */
export async function connectedOneWay(
  kind: "audio" | "video",
  aConfig: PeerConnectionConfig = {},
): Promise<{ a: PeerConnection; b: PeerConnection; track: LocalTrack; remote: RemoteTrack }> {
  const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false, ...aConfig });
  const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate));
  const track = new LocalTrack(kind);
  a.addTrack(track);
  let remote: RemoteTrack | undefined;
  b.on("track", (e) => {
    remote = e.track;
  });
  try {
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription as never);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription as never);
    await withTimeout(
      Promise.all([connectionState(a, "connected"), connectionState(b, "connected")]),
      10_000,
      "connected",
    );
  } catch (e) {
    await Promise.all([a.close(), b.close()]);
    throw e;
  }
  if (!remote) throw new Error("no track event at B");
  return { a, b, track, remote };
}

/** Collects frames of a remote track until `count` arrived. */
export function collect(track: RemoteTrack, count: number): Promise<EncodedFrame[]> {
  const got: EncodedFrame[] = [];
  return new Promise((resolve) => {
    track.on("frame", (f) => {
      got.push(f);
      if (got.length === count) resolve(got);
    });
  });
}

/** Plays a clip in real time-ish (one frame per `intervalMs`) through `write`. */
export async function play(
  frames: readonly ClipFrame[],
  write: (f: ClipFrame) => boolean,
  intervalMs = 5,
): Promise<number> {
  let sent = 0;
  for (const f of frames) {
    if (write(f)) sent++;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return sent;
}

export function expectSameFrames(got: readonly EncodedFrame[], sent: readonly ClipFrame[]): void {
  expect(got.length).toBe(sent.length);
  for (let i = 0; i < sent.length; i++) {
    expect(
      Buffer.compare(got[i]?.data ?? new Uint8Array(), sent[i]?.data ?? new Uint8Array()),
      `frame ${i}`,
    ).toBe(0);
  }
}

/** Resolves when the connection has gathered all its candidates (for peers that take a full SDP). */
export function gathered(pc: PeerConnection): Promise<void> {
  return new Promise((r) =>
    pc.iceGatheringState === "complete"
      ? r()
      : pc.on("icegatheringstatechange", (s) => s === "complete" && r()),
  );
}
