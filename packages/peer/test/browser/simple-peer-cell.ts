/**
 * A browser WebRTC library running on Tern: simple-peer 9 in Node with `wrtc` set to Tern's W3C entry
 * point (`import * as wrtc from "@tern/peer/w3c"`), against a Chromium page running simple-peer's own
 * browser bundle; the same Node code with `wrtc` set to @roamhq/wrtc (Google's libwebrtc) as the
 * reference. The page offers (simple-peer's initiator) with its camera; the Node peer answers with a video
 * stream; media must arrive both ways. simple-peer opens a data channel it waits on for its `connect`
 * event: over Tern that never comes until Tern has data channels; media does not wait for it.
 */
import { expect } from "vitest";
import * as ternWrtc from "../../src/w3c/index.js";
import type { BrowserPage } from "./browser-launch.js";
import { playClip, until } from "./jsep-pages.js";

/** What this cell uses of a simple-peer instance. */
interface SimplePeerLike {
  on(event: "signal", listener: (data: unknown) => void): void;
  on(event: "track", listener: (track: unknown, stream: unknown) => void): void;
  on(event: "connect" | "close", listener: () => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  signal(data: unknown): void;
  destroy(): void;
}
type SimplePeerCtor = new (opts: Record<string, unknown>) => SimplePeerLike;

interface PageSimpleState {
  readonly streams: number;
  readonly tracks: readonly string[];
  readonly connected: boolean;
  readonly errors: readonly string[];
  readonly connection: string;
  readonly stats: { readonly framesDecoded: number; readonly videoOut: number; readonly audioOut: number };
}

/** The Node side's media: a stream to send, and a count of frames received on the browser's tracks. */
interface NodeMedia {
  readonly wrtc: unknown;
  readonly streams: readonly unknown[];
  readonly config: Record<string, unknown>;
  framesIn(): number;
  watch(track: unknown): void;
  stop(): void;
}

function ternMedia(): NodeMedia {
  const track = new ternWrtc.LocalTrack("video");
  const stop = playClip(track);
  let frames = 0;
  return {
    wrtc: ternWrtc,
    streams: [new ternWrtc.MediaStream([track])],
    config: { iceServers: [], iceAddresses: ["127.0.0.1"], mdns: false },
    framesIn: () => frames,
    watch: (t) => {
      if (t instanceof ternWrtc.RemoteTrack && t.kind === "video") t.on("frame", () => void frames++);
    },
    stop,
  };
}

/** @roamhq/wrtc: a nonstandard RTCVideoSource fed with moving I420 frames, RTCVideoSink to count. */
async function libwebrtcMedia(): Promise<NodeMedia> {
  const mod = (await import("@roamhq/wrtc")) as unknown as { default?: unknown };
  const wrtc = (mod.default ?? mod) as {
    MediaStream: new (tracks: unknown[]) => unknown;
    nonstandard: {
      RTCVideoSource: new () => {
        createTrack(): unknown;
        onFrame(f: { width: number; height: number; data: Uint8ClampedArray }): void;
      };
      RTCVideoSink: new (track: unknown) => { onframe: (() => void) | null; stop(): void };
    };
  };
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack();
  const width = 320;
  const height = 240;
  let n = 0;
  const timer = setInterval(() => {
    const data = new Uint8ClampedArray(width * height * 1.5);
    data.fill((n * 8) % 255, 0, width * height);
    data.fill(128, width * height);
    n++;
    source.onFrame({ width, height, data });
  }, 66);
  let frames = 0;
  const sinks: { stop(): void }[] = [];
  return {
    wrtc,
    streams: [new wrtc.MediaStream([track])],
    config: { iceServers: [] },
    framesIn: () => frames,
    watch: (t) => {
      if ((t as { kind?: string }).kind !== "video") return;
      const sink = new wrtc.nonstandard.RTCVideoSink(t);
      sink.onframe = () => void frames++;
      sinks.push(sink);
    },
    stop: () => {
      clearInterval(timer);
      for (const s of sinks) s.stop();
    },
  };
}

async function run(page: BrowserPage, media: NodeMedia, label: string): Promise<string> {
  const SimplePeer = ((await import("simple-peer")) as unknown as { default: SimplePeerCtor }).default;
  await page.call("simplePeer");
  const peer = new SimplePeer({
    initiator: false,
    wrtc: media.wrtc,
    streams: media.streams,
    trickle: true,
    config: media.config,
  });
  const errors: string[] = [];
  let connected = false;
  peer.on("error", (e) => errors.push(String(e)));
  peer.on("connect", () => {
    connected = true;
  });
  peer.on("track", (track) => media.watch(track));
  peer.on("signal", (data) => void page.call("simpleSignal", JSON.stringify(data)).catch(() => undefined));
  let pumping = true;
  const pump = (async () => {
    while (pumping) {
      const signals = await page.call<string[]>("simpleSignals").catch(() => []);
      for (const s of signals) peer.signal(JSON.parse(s));
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    let state: PageSimpleState | undefined;
    await until(
      async () => {
        state = await page.call<PageSimpleState>("simpleState");
        return media.framesIn() >= 20 && state.streams >= 1 && state.stats.framesDecoded >= 15;
      },
      30_000,
      `${label}: media both ways (Node got ${media.framesIn()} frames; the page: ${JSON.stringify(state)})`,
    );
    expect(errors).toEqual([]);
    return `${label}: Node got ${media.framesIn()} video frames; the page got ${state?.streams} stream(s) and decoded ${state?.stats.framesDecoded} frames; simple-peer "connect" (its data channel): Node ${connected}, page ${state?.connected}`;
  } finally {
    pumping = false;
    await pump;
    peer.destroy();
    media.stop();
  }
}

/** simple-peer over Tern, then over @roamhq/wrtc, against the same Chromium page (a fresh peer each). */
export async function simplePeerCell(
  page: BrowserPage,
  openPage: () => Promise<BrowserPage>,
): Promise<string[]> {
  const overTern = await run(page, ternMedia(), "simple-peer over Tern");
  const reference = await openPage();
  try {
    const overLibwebrtc = await run(reference, await libwebrtcMedia(), "simple-peer over @roamhq/wrtc");
    return [overTern, overLibwebrtc];
  } finally {
    await reference.close();
  }
}
