import { withTimeout } from "@tern/test-support";
/**
 * ConnectionWorkers: peer connections spread over worker threads, each running the application's
 * per-connection code (workers/echo-answerer.ts). The main thread offers from its own PeerConnections;
 * the clip comes back from the worker byte for byte, and the connections are spread evenly.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ConnectionWorkers, LocalTrack, PeerConnection, type SignalingPort } from "../../src/index.js";
import { vp8Clip } from "./media-fixtures.js";
import { collect, connectionState, expectSameFrames, play } from "./peer-helpers.js";

const workers = ConnectionWorkers.start({
  module: new URL("./workers/tsx-worker.mjs", import.meta.url),
  workers: 2,
  workerOptions: { workerData: { entry: new URL("./workers/echo-answerer.ts", import.meta.url).href } },
});
afterAll(async () => (await workers).close());

type Signal =
  | { readonly kind: "answer"; readonly sdp: string }
  | { readonly kind: "candidate"; readonly candidate: string | null }
  | { readonly kind: "state"; readonly state: string; readonly threadId: number };

/** An offering PeerConnection on this thread whose peer is a connection in a worker. */
async function offerTo(signaling: SignalingPort) {
  const pc = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const track = new LocalTrack("video");
  pc.addTrack(track);
  const remote = new Promise<import("../../src/index.js").RemoteTrack>((r) =>
    pc.on("track", (e) => r(e.track)),
  );
  const threads = new Set<number>();
  pc.on("icecandidate", (e) =>
    signaling.send({ kind: "candidate", candidate: e.candidate?.candidate ?? null }),
  );
  signaling.on("message", (m) => {
    const s = m as Signal;
    if (s.kind === "answer") void pc.setRemoteDescription({ type: "answer", sdp: s.sdp });
    else if (s.kind === "candidate")
      void pc.addIceCandidate(s.candidate === null ? null : { candidate: s.candidate, sdpMLineIndex: 0 });
    else threads.add(s.threadId);
  });
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  signaling.send({ kind: "offer", sdp: offer.sdp });
  await withTimeout(connectionState(pc, "connected"), 10_000, "connected to the worker's connection");
  return { pc, track, remote: await remote, threads };
}

describe("ConnectionWorkers", () => {
  it("runs each connection in a worker: the clip echoed back byte for byte, connections spread evenly", async () => {
    const pool = await workers;
    expect(pool.size).toBe(2);
    const opened = Array.from({ length: 4 }, () => pool.open());
    expect(pool.load()).toEqual([2, 2]);
    expect(opened.map((o) => o.worker).sort()).toEqual([0, 0, 1, 1]);
    const peers = await Promise.all(opened.map((o) => offerTo(o.signaling)));
    try {
      const clip = vp8Clip();
      // Every connection echoes the whole clip, all at once.
      const echoed = await withTimeout(
        Promise.all(
          peers.map(async (p) => {
            const got = collect(p.remote, clip.length);
            await play(clip, (f) => p.track.writeFrame(f.data, f.rtpTimestamp));
            return got;
          }),
        ),
        20_000,
        "the clip echoed on every connection",
      );
      for (const got of echoed) expectSameFrames(got, clip);
      // Two worker threads answered, neither the main one.
      const threads = new Set(peers.flatMap((p) => [...p.threads]));
      expect(threads.size).toBe(2);
      expect(threads.has(0)).toBe(false);
    } finally {
      await Promise.all(peers.map((p) => p.pc.close()));
      for (const o of opened) o.signaling.close();
    }
    await withTimeout(
      (async () => {
        while (pool.load().some((n) => n > 0)) await new Promise((r) => setTimeout(r, 10));
      })(),
      5000,
      "every connection closed in its worker",
    );
    expect(pool.load()).toEqual([0, 0]);
  });
});
