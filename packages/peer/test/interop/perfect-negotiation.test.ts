/**
 * Perfect negotiation between two Tern peers through the real signaling server (@tern/signaling on
 * 127.0.0.1): once with the W3C webrtc-pc example's code as the spec writes it (on… handlers, a
 * SignalingChannel with send/onmessage), once with @tern/signaling's `wirePerfectNegotiation` on the
 * Node-style PeerConnection (which must type-check under strict TypeScript). Each side adds tracks at
 * seeded random moments, so offers collide (glare); every run must end stable with media both ways.
 */
import { SignalingClient, startSignalingServer, wirePerfectNegotiation } from "@tern/signaling";
import { withTimeout } from "@tern/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { RTCPeerConnection } from "../../src/w3c/index.js";
import { perfectNegotiation, SignalingChannel } from "./spec-perfect-negotiation.js";
import { flows, LOOPBACK } from "./tern-pair.js";

type Server = Awaited<ReturnType<typeof startSignalingServer>>;
let server: Server;
beforeAll(async () => {
  server = await startSignalingServer({ port: 0, heartbeatMs: 0 });
});
afterAll(async () => {
  await server?.close();
});

/** Two signaling clients in one room. */
async function joined(
  room: string,
): Promise<{ a: SignalingClient; b: SignalingClient; aId: string; bId: string }> {
  const a = new SignalingClient(server.url, { name: "a" });
  const b = new SignalingClient(server.url, { name: "b" });
  await a.connect();
  await b.connect();
  await a.join(room);
  await b.join(room);
  return { a, b, aId: a.peerId ?? "", bId: b.peerId ?? "" };
}

/** A seeded PRNG (mulberry32): the same seed, the same moments. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Adds `kinds` as tracks: the first at once (both sides do: their first offers cross — glare for sure),
 * the others at random moments within `spanMs`; resolves when all are added.
 */
async function addTracksAtRandom(
  pc: PeerConnection,
  kinds: readonly ("audio" | "video")[],
  rand: () => number,
  spanMs: number,
): Promise<LocalTrack[]> {
  const tracks: LocalTrack[] = [];
  const add = (kind: "audio" | "video"): void => {
    const t = new LocalTrack(kind);
    pc.addTrack(t);
    tracks.push(t);
  };
  const [first, ...rest] = kinds;
  if (first) add(first);
  await Promise.all(
    rest.map(
      (kind) =>
        new Promise<void>((resolve) => setTimeout(() => resolve(add(kind)), Math.floor(rand() * spanMs))),
    ),
  );
  return tracks;
}

/** Until both are stable, connected, and each has a live m= section for every track of the other. */
async function settled(
  x: PeerConnection,
  y: PeerConnection,
  xTracks: number,
  yTracks: number,
): Promise<void> {
  const receiving = (pc: PeerConnection): number =>
    pc.transceivers.filter((t) => t.currentDirection === "sendrecv" || t.currentDirection === "recvonly")
      .length;
  const sending = (pc: PeerConnection): number =>
    pc.transceivers.filter(
      (t) => t.sender.track && (t.currentDirection === "sendrecv" || t.currentDirection === "sendonly"),
    ).length;
  for (;;) {
    if (
      x.signalingState === "stable" &&
      y.signalingState === "stable" &&
      x.connectionState === "connected" &&
      y.connectionState === "connected" &&
      sending(x) === xTracks &&
      sending(y) === yTracks &&
      receiving(x) >= yTracks &&
      receiving(y) >= xTracks
    )
      return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every track of `from` reaches `to` (frames on the receiver of the same mid). */
async function mediaFlows(from: PeerConnection, to: PeerConnection): Promise<void> {
  for (const t of from.transceivers) {
    if (!t.sender.track || t.mid === null) continue;
    const remote = to.transceivers.find((r) => r.mid === t.mid)?.receiver.track;
    if (!remote) throw new Error(`no receiver for mid ${t.mid}`);
    await flows(t.sender.track, remote, 5);
  }
}

const KINDS: readonly ("audio" | "video")[] = ["audio", "video", "video"];
const RTC_LOOPBACK = { iceAddresses: ["127.0.0.1"], mdns: false };
/** Offers that met one of ours (glare), over all runs: the runs must have exercised it. */
const collisions = { spec: 0, helper: 0 };

describe("perfect negotiation through the signaling server", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`the spec example's code on two Tern RTCPeerConnections, tracks added at random (seed ${seed}): stable, media both ways`, async () => {
      const rand = prng(seed);
      const room = `spec-${seed}`;
      const { a, b, aId, bId } = await joined(room);
      const pcA = new RTCPeerConnection(RTC_LOOPBACK);
      const pcB = new RTCPeerConnection(RTC_LOOPBACK);
      const errors: unknown[] = [];
      try {
        const collided = (): void => void collisions.spec++;
        perfectNegotiation(pcA, new SignalingChannel(a, room, bId), aId < bId, errors, collided);
        perfectNegotiation(pcB, new SignalingChannel(b, room, aId), bId < aId, errors, collided);
        const [ta, tb] = await Promise.all([
          addTracksAtRandom(pcA.peerConnection, KINDS, rand, 120),
          addTracksAtRandom(pcB.peerConnection, KINDS, rand, 120),
        ]);
        await withTimeout(
          settled(pcA.peerConnection, pcB.peerConnection, ta.length, tb.length),
          20_000,
          "settled",
        );
        await mediaFlows(pcA.peerConnection, pcB.peerConnection);
        await mediaFlows(pcB.peerConnection, pcA.peerConnection);
        expect(errors).toEqual([]);
      } finally {
        pcA.close();
        pcB.close();
        await Promise.all([a.close(), b.close()]);
      }
    }, 40_000);
  }

  for (const seed of [5, 6]) {
    it(`wirePerfectNegotiation on two Node-style PeerConnections, tracks added at random (seed ${seed})`, async () => {
      const rand = prng(seed);
      const room = `helper-${seed}`;
      const { a, b, aId, bId } = await joined(room);
      const pcA = new PeerConnection(LOOPBACK);
      const pcB = new PeerConnection(LOOPBACK);
      const errors: unknown[] = [];
      const na = wirePerfectNegotiation({
        pc: pcA,
        signaling: a,
        room,
        remotePeerId: bId,
        polite: aId < bId,
        onError: (e) => errors.push(e),
      });
      const nb = wirePerfectNegotiation({
        pc: pcB,
        signaling: b,
        room,
        remotePeerId: aId,
        polite: bId < aId,
        onError: (e) => errors.push(e),
      });
      try {
        const [ta, tb] = await Promise.all([
          addTracksAtRandom(pcA, KINDS, rand, 120),
          addTracksAtRandom(pcB, KINDS, rand, 120),
        ]);
        await withTimeout(settled(pcA, pcB, ta.length, tb.length), 20_000, "settled");
        await mediaFlows(pcA, pcB);
        await mediaFlows(pcB, pcA);
        expect(errors).toEqual([]);
        expect(na.counters.offersSent + nb.counters.offersSent).toBeGreaterThanOrEqual(2);
        collisions.helper +=
          na.counters.offersIgnored +
          nb.counters.offersIgnored +
          na.counters.rollbacks +
          nb.counters.rollbacks;
      } finally {
        na.close();
        nb.close();
        await Promise.all([pcA.close(), pcB.close(), a.close(), b.close()]);
      }
    }, 40_000);
  }

  it("the runs above met glare (offers crossing) in both shapes", () => {
    expect(collisions.spec).toBeGreaterThan(0);
    expect(collisions.helper).toBeGreaterThan(0);
  });

  it("wirePerfectNegotiation accepts Tern's RTCPeerConnection too (DOM-style events)", async () => {
    const room = "dom-style";
    const { a, b, aId, bId } = await joined(room);
    const pcA = new RTCPeerConnection(RTC_LOOPBACK);
    const pcB = new RTCPeerConnection(RTC_LOOPBACK);
    const na = wirePerfectNegotiation({ pc: pcA, signaling: a, room, remotePeerId: bId, polite: aId < bId });
    const nb = wirePerfectNegotiation({ pc: pcB, signaling: b, room, remotePeerId: aId, polite: bId < aId });
    try {
      const track = new LocalTrack("video");
      pcA.addTrack(track);
      await withTimeout(settled(pcA.peerConnection, pcB.peerConnection, 1, 0), 20_000, "settled");
      await mediaFlows(pcA.peerConnection, pcB.peerConnection);
    } finally {
      na.close();
      nb.close();
      pcA.close();
      pcB.close();
      await Promise.all([a.close(), b.close()]);
    }
  }, 40_000);
});
