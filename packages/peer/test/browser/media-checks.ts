/**
 * Proof of media in a cell, from both ends: what Tern reassembled (RemoteTrack `frame` events: VP8 with a
 * keyframe among them, Opus) and what the page says (getStats: framesDecoded, and for Tern's Opus the
 * audio samples decoded from packets — not concealment — with energy, the tone is not silence; the
 * <video> drawn into a canvas, not black). Polled, never slept on: each wait has one deadline.
 */
import type { PeerConnection } from "../../src/node/peer-connection.js";
import type { BrowserPage } from "./browser-launch.js";

export interface PageState {
  readonly connection: string;
  readonly ice: string;
  readonly gathering: string;
  readonly signaling: string;
}

interface InboundStats {
  readonly packetsReceived?: number;
  readonly framesDecoded?: number;
  readonly keyFramesDecoded?: number;
  readonly frameWidth?: number;
  readonly mimeType?: string;
  /** Audio (webrtc-stats): samples played out, those of them concealed, and their summed energy. */
  readonly totalSamplesReceived?: number;
  readonly concealedSamples?: number;
  readonly totalAudioEnergy?: number;
}

export interface PageStats {
  readonly videoIn?: InboundStats;
  readonly audioIn?: InboundStats;
  readonly videoOut?: {
    readonly packetsSent?: number;
    readonly framesEncoded?: number;
    readonly mimeType?: string;
  };
  readonly audioOut?: { readonly packetsSent?: number; readonly mimeType?: string };
  readonly transport?: {
    readonly srtpCipher?: string;
    readonly dtlsCipher?: string;
    readonly dtlsRole?: string;
    readonly tlsVersion?: string;
  };
  readonly pair?: {
    readonly local?: string;
    readonly remote?: string;
  };
}

interface VideoProbe {
  readonly width: number;
  readonly height: number;
  readonly litFraction: number;
}

/** Thresholds: what "media flows" means in a cell. */
export const MEDIA = {
  /** VP8 frames Tern must reassemble from the browser (fake camera ~30 fps, Firefox's ~10+). */
  ternVideoFrames: 20,
  /** Opus frames (20 ms each). */
  ternAudioFrames: 50,
  /** Frames the browser must decode from Tern's clip (15 fps). */
  browserFramesDecoded: 15,
  /** Tern's Opus packets the browser must receive (20 ms each) … */
  browserAudioPackets: 50,
  /** … and audio samples (48 kHz) it must decode from them, not conceal: 0.5 s of the tone. */
  browserAudioSamples: 24_000,
  /** Share of the drawn canvas that must be lit (the clip is ffmpeg's colourful testsrc). */
  litFraction: 0.25,
  /** Per 5 s window in the long cell: frames each way, and Tern's Opus packets at the browser (250 sent). */
  perWindowFrames: 20,
  perWindowAudioPackets: 100,
} as const;

export function pageState(page: BrowserPage): Promise<PageState> {
  return page.call<PageState>("state");
}

/** Polls the page's state every 50 ms until `ok`; rejects when the page's connection fails. */
export async function untilPage(
  page: BrowserPage,
  ok: (s: PageState) => boolean,
  what: string,
): Promise<void> {
  for (;;) {
    const s = await pageState(page);
    if (ok(s)) return;
    if (s.connection === "failed" || s.connection === "closed")
      throw new Error(`the browser's connection is ${s.connection} (waiting for ${what})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface MediaWatch {
  readonly counts: { video: number; keyframes: number; audio: number };
  /** Polls both ends until media is proven both ways or `timeoutMs` passes (then throws what is missing). */
  untilProven(page: BrowserPage, timeoutMs: number): Promise<{ summary: string; pageStats: PageStats }>;
  /** Keeps watching for `holdMs`: every 5 s window carries frames both ways and both sides stay connected. */
  hold(page: BrowserPage, holdMs: number, ternState: () => string): Promise<{ summary: string }>;
}

export function watchMedia(tern: PeerConnection): MediaWatch {
  const counts = { video: 0, keyframes: 0, audio: 0 };
  tern.on("track", ({ track }) => {
    track.on("frame", (f) => {
      if (track.kind === "video") {
        counts.video++;
        if (f.isKeyframe) counts.keyframes++;
      } else counts.audio++;
    });
  });

  const missing = (s: PageStats, probe: VideoProbe): string[] => {
    const out: string[] = [];
    if (counts.video < MEDIA.ternVideoFrames) out.push(`Tern got ${counts.video} VP8 frames`);
    if (counts.keyframes === 0) out.push("Tern saw no VP8 keyframe");
    if (counts.audio < MEDIA.ternAudioFrames) out.push(`Tern got ${counts.audio} Opus frames`);
    const decoded = s.videoIn?.framesDecoded ?? 0;
    if (decoded < MEDIA.browserFramesDecoded) out.push(`the browser decoded ${decoded} frames`);
    const audio = s.audioIn ?? {};
    const audioPackets = audio.packetsReceived ?? 0;
    const audioDecoded = (audio.totalSamplesReceived ?? 0) - (audio.concealedSamples ?? 0);
    if (audioPackets < MEDIA.browserAudioPackets) out.push(`the browser got ${audioPackets} Opus packets`);
    if (audioDecoded < MEDIA.browserAudioSamples)
      out.push(`the browser decoded ${audioDecoded} audio samples (not concealed)`);
    if (!((audio.totalAudioEnergy ?? 0) > 0)) out.push("the browser's audio from Tern has no energy");
    if (probe.litFraction < MEDIA.litFraction)
      out.push(
        `the browser's video is ${probe.width}x${probe.height}, ${(probe.litFraction * 100).toFixed(0)}% lit`,
      );
    return out;
  };

  return {
    counts,
    async untilProven(page, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const s = await page.call<PageStats>("stats");
        const probe = await page.call<VideoProbe>("probeVideo");
        const gaps = missing(s, probe);
        if (gaps.length === 0) {
          const a = s.audioIn ?? {};
          const decodedAudio = (a.totalSamplesReceived ?? 0) - (a.concealedSamples ?? 0);
          const summary = `Tern got ${counts.video} VP8 (${counts.keyframes} key) + ${counts.audio} Opus frames; browser decoded ${s.videoIn?.framesDecoded} frames ${probe.width}x${probe.height}, ${(probe.litFraction * 100).toFixed(0)}% lit, and ${(decodedAudio / 48_000).toFixed(1)} s of Tern's Opus (${a.packetsReceived} packets, energy ${(a.totalAudioEnergy ?? 0).toFixed(3)})`;
          return { summary, pageStats: s };
        }
        if (performance.now() > deadline)
          throw new Error(`no media after ${timeoutMs} ms: ${gaps.join("; ")}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async hold(page, holdMs, ternState) {
      const windowMs = 5000;
      const start = performance.now();
      const first = await page.call<PageStats>("stats");
      let prevTern = counts.video;
      let prevBrowser = first.videoIn?.framesDecoded ?? 0;
      let prevAudio = first.audioIn?.packetsReceived ?? 0;
      let minAudio = Number.POSITIVE_INFINITY;
      let minTern = Number.POSITIVE_INFINITY;
      let minBrowser = Number.POSITIVE_INFINITY;
      while (performance.now() - start < holdMs) {
        await new Promise((r) => setTimeout(r, windowMs));
        const s = await page.call<PageState>("state");
        if (s.connection !== "connected") throw new Error(`the browser's connection is ${s.connection}`);
        if (ternState() !== "connected") throw new Error(`Tern's connection is ${ternState()}`);
        const last = await page.call<PageStats>("stats");
        const dt = counts.video - prevTern;
        const db = (last.videoIn?.framesDecoded ?? 0) - prevBrowser;
        const at = ((performance.now() - start) / 1000).toFixed(0);
        if (dt < MEDIA.perWindowFrames)
          throw new Error(`freeze at ${at} s: Tern got ${dt} VP8 frames in 5 s`);
        if (db < MEDIA.perWindowFrames)
          throw new Error(`freeze at ${at} s: the browser decoded ${db} frames in 5 s`);
        const da = (last.audioIn?.packetsReceived ?? 0) - prevAudio;
        if (da < MEDIA.perWindowAudioPackets)
          throw new Error(`audio gap at ${at} s: the browser got ${da} Opus packets in 5 s`);
        minAudio = Math.min(minAudio, da);
        prevAudio = last.audioIn?.packetsReceived ?? 0;
        minTern = Math.min(minTern, dt);
        minBrowser = Math.min(minBrowser, db);
        prevTern = counts.video;
        prevBrowser = last.videoIn?.framesDecoded ?? 0;
      }
      const seconds = Math.round((performance.now() - start) / 1000);
      return {
        summary: `${seconds} s held: min per 5 s ${minTern} frames at Tern, ${minBrowser} decoded in the browser, ${minAudio} Opus packets at the browser`,
      };
    },
  };
}
