/**
 * What the JSEP cells share: their page server (jsep.html and jsep-page.js, simple-peer's browser bundle,
 * @tern/signaling's browser client), SDP handed over whole (gathering complete; only the browser's
 * loopback candidates reach Tern), the VP8 clip played on a Tern track, and media proofs at both ends,
 * each polled until it holds or its deadline passes.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { BROWSER_CLIENT_URL } from "@tern/signaling";
import { withTimeout } from "@tern/test-support";
import { LocalTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { vp8Clip } from "../interop/media-fixtures.js";
import type { BrowserPage } from "./browser-launch.js";
import { keepCandidate } from "./browser-signaling.js";

const require = createRequire(import.meta.url);
const PAGE: Record<string, { type: string; file: URL | string }> = {
  "/jsep.html": { type: "text/html; charset=utf-8", file: new URL("./page/jsep.html", import.meta.url) },
  "/jsep-page.js": {
    type: "text/javascript; charset=utf-8",
    file: new URL("./page/jsep-page.js", import.meta.url),
  },
  "/simplepeer.min.js": {
    type: "text/javascript; charset=utf-8",
    file: require.resolve("simple-peer/simplepeer.min.js"),
  },
  "/signaling-client.js": { type: "text/javascript; charset=utf-8", file: BROWSER_CLIENT_URL },
};

export async function startJsepPages(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const entry = PAGE[(req.url ?? "/").split("?")[0] ?? "/"];
    if (!entry) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": entry.type, "cache-control": "no-store" });
    res.end(readFileSync(entry.file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jsep.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function ternPeer(): PeerConnection {
  return new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
}

/** The browser's SDP with only its loopback candidates (it also gathers the namespace's 198.18.0.1). */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split("\r\n")
    .filter((l) => !l.startsWith("a=candidate:") || keepCandidate(l))
    .join("\r\n");
}

/** Tern's current local description once its gathering is complete (a=end-of-candidates in it). */
export async function ternSdp(pc: PeerConnection): Promise<string> {
  return withTimeout(
    (async () => {
      for (;;) {
        const sdp = pc.localDescription?.sdp ?? "";
        if (sdp.includes("a=end-of-candidates")) return sdp;
        await new Promise((r) => setTimeout(r, 20));
      }
    })(),
    10_000,
    "Tern's gathering",
  );
}

/** Tern offers (whole SDP), the page answers, Tern applies the answer. Returns both. */
export async function ternOffers(
  pc: PeerConnection,
  page: BrowserPage,
): Promise<{ offer: string; answer: string }> {
  await pc.setLocalDescription();
  const offer = await ternSdp(pc);
  const answer = loopbackOnly(await page.call<string>("answer", offer, {}));
  await pc.setRemoteDescription({ type: "answer", sdp: answer });
  return { offer, answer };
}

/** The page offers (whole SDP), Tern answers, the page applies the answer. Returns both. */
export async function browserOffers(
  pc: PeerConnection,
  page: BrowserPage,
): Promise<{ offer: string; answer: string }> {
  const offer = loopbackOnly(await page.call<string>("offer"));
  await pc.setRemoteDescription({ type: "offer", sdp: offer });
  await pc.setLocalDescription();
  const answer = await ternSdp(pc);
  await page.call("applyAnswer", answer);
  return { offer, answer };
}

/** The VP8 clip looped on a track at its frame rate; a keyframe request restarts it at its keyframe. */
export function playClip(track: LocalTrack): () => void {
  const clip = vp8Clip();
  let i = 0;
  let ts = 1000;
  track.on("keyframerequest", () => {
    i = 0;
  });
  const timer = setInterval(() => {
    const f = clip[i];
    if (!f) return;
    track.writeFrame(f.data, ts >>> 0);
    ts += 6000;
    i = (i + 1) % clip.length;
  }, 66);
  return () => clearInterval(timer);
}

/** Frames Tern reassembles from the browser, by kind, from the moment this is called. */
export function ternReceives(pc: PeerConnection): { video: number; audio: number } {
  const counts = { video: 0, audio: 0 };
  const watch = (t: PeerConnection["transceivers"][number]): void => {
    t.receiver.track.on("frame", () => void counts[t.kind]++);
  };
  for (const t of pc.transceivers) watch(t);
  pc.on("track", (e) => watch(e.transceiver));
  return counts;
}

interface PageStats {
  readonly framesDecoded: number;
  readonly videoIn: number;
  readonly audioIn: number;
}

/** Polls until `ok` holds (or throws `what` after `ms`). */
export async function until(ok: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!(await ok())) await new Promise((r) => setTimeout(r, 100));
    })(),
    ms,
    what,
  );
}

/** Media both ways from now: Tern gets `kinds` from the browser, the browser decodes Tern's video. */
export async function mediaBothWays(
  _pc: PeerConnection,
  page: BrowserPage,
  counts: { video: number; audio: number },
  kinds: readonly ("audio" | "video")[],
  what: string,
): Promise<string> {
  const start = { ...counts };
  const before = await page.call<PageStats>("stats");
  let decoded = 0;
  await until(
    async () => {
      const s = await page.call<PageStats>("stats");
      decoded = s.framesDecoded - before.framesDecoded;
      return decoded >= 15 && kinds.every((k) => counts[k] - start[k] >= 20);
    },
    20_000,
    `${what}: media both ways (Tern got video ${counts.video - start.video}, audio ${counts.audio - start.audio}; the browser decoded ${decoded})`,
  );
  return `${what}: Tern got ${counts.video - start.video} video / ${counts.audio - start.audio} audio frames, the browser decoded ${decoded}`;
}

/** The browser decodes nothing more from Tern for `ms` (a removed track). */
export async function browserDecodesNothing(page: BrowserPage, ms: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 300)); // frames already in flight land first
  const a = await page.call<PageStats>("stats");
  await new Promise((r) => setTimeout(r, ms));
  const b = await page.call<PageStats>("stats");
  return b.framesDecoded - a.framesDecoded;
}

export function setupsOf(sdp: string): string[] {
  return [...sdp.matchAll(/^a=setup:(\w+)/gm)].map((m) => m[1] ?? "");
}

export function ufragOf(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
}

export { LocalTrack };
