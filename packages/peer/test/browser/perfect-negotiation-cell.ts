/**
 * Perfect negotiation between Tern and a browser through the real signaling server: both run the W3C
 * example's code as the spec writes it (the page with its RTCPeerConnection and @tern/signaling's browser
 * client, Tern with its RTCPeerConnection and the Node client), each adding tracks at seeded random
 * moments. The run must end stable on both sides with media both ways.
 */
import { SignalingClient, startSignalingServer } from "@tern/signaling";
import { expect } from "vitest";
import { RTCPeerConnection } from "../../src/w3c/index.js";
import { perfectNegotiation, SignalingChannel } from "../interop/spec-perfect-negotiation.js";
import type { BrowserPage } from "./browser-launch.js";
import { keepCandidate } from "./browser-signaling.js";
import { LocalTrack, mediaBothWays, playClip, ternReceives, until } from "./jsep-pages.js";

interface PageState {
  readonly connection: string;
  readonly signaling: string;
  readonly remote: { readonly video: number; readonly audio: number };
}

/** mulberry32: the same seed, the same moments. */
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

export async function perfectNegotiationWithBrowser(page: BrowserPage, seed: number): Promise<string[]> {
  const rand = prng(seed);
  const server = await startSignalingServer({ port: 0, heartbeatMs: 0 });
  const client = new SignalingClient(server.url, { name: "tern" });
  const pc = new RTCPeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const stops: (() => void)[] = [];
  const errors: unknown[] = [];
  let collisions = 0;
  try {
    await client.connect();
    const room = `pn-${seed}`;
    await client.join(room);
    const atMs = [0, Math.floor(rand() * 150)];
    // Listening before the page joins: its first offer may come right behind its peer-joined.
    const channel = new SignalingChannel(client, room, undefined, keepCandidate);
    const joinedByPage = new Promise<string>((resolve) =>
      client.on("peer-joined", (m) => resolve(m.peer.peerId)),
    );
    const started = page.call<{ polite: boolean }>("perfectNegotiation", {
      signalingUrl: server.url,
      room,
      atMs,
    });
    const browserId = await joinedByPage;
    channel.peer = browserId;
    const polite = (client.peerId ?? "") < browserId;
    perfectNegotiation(pc, channel, polite, errors, () => {
      collisions++;
    });
    const pageRole = await started;
    expect(pageRole.polite).toBe(!polite);
    const counts = ternReceives(pc.peerConnection);
    // Tern's tracks at random moments too: video (the clip) at once, audio later.
    const video = new LocalTrack("video");
    pc.addTrack(video);
    stops.push(playClip(video));
    await new Promise((r) => setTimeout(r, Math.floor(rand() * 150)));
    pc.addTrack(new LocalTrack("audio"));
    await until(
      async () => {
        const s = await page.call<PageState>("state");
        const sending = pc
          .getTransceivers()
          .filter((t) => t.currentDirection === "sendrecv" || t.currentDirection === "sendonly");
        return (
          s.signaling === "stable" &&
          pc.signalingState === "stable" &&
          s.connection === "connected" &&
          pc.connectionState === "connected" &&
          sending.length >= 2 &&
          s.remote.video >= 1 &&
          counts.video + counts.audio > 0
        );
      },
      30_000,
      "both stable and connected, every track negotiated",
    );
    const notes = [`Tern polite: ${polite}; offers that collided at Tern: ${collisions}`];
    notes.push(await mediaBothWays(pc.peerConnection, page, counts, ["audio", "video"], "settled"));
    expect(errors).toEqual([]);
    expect(await page.call<unknown[]>("errors")).toEqual([]);
    return notes;
  } finally {
    for (const stop of stops) stop();
    pc.close();
    await client.close();
    await server.close();
  }
}
