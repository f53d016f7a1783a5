/**
 * Tern ↔ @roamhq/wrtc (npm; a prebuilt binding of Google's libwebrtc, the stack inside Chromium) on
 * loopback, each side as offerer and as answerer, audio and video both ways.
 *
 * wrtc has no RTP-level API: media goes in as raw frames (its nonstandard RTCVideoSource with I420,
 * RTCAudioSource with PCM) that libwebrtc encodes, and comes out decoded (RTCVideoSink, RTCAudioSink).
 * So no frame can be compared byte for byte in either direction; what is checked instead:
 * - Tern → wrtc: libwebrtc decodes Tern's VP8 clip at the clip's size (160×120), and Tern's Opus sine
 *   comes out of its decoder as sound (not silence);
 * - wrtc → Tern: Tern reassembles VP8 keyframes whose frame header carries the source's size, and
 *   non-empty Opus frames with a valid TOC.
 * On failure the message holds Tern's DTLS key log (NSS format) for a capture.
 */
import { createRequire } from "node:module";
import { withTimeout } from "@tern/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type EncodedFrame, LocalTrack, type RemoteTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { opusClip, vp8Clip } from "./media-fixtures.js";
import { connectionState } from "./peer-helpers.js";

// ---- the parts of wrtc used here (its typings lean on the DOM's) ----------------------------------------
interface WrtcTrack {
  readonly kind: string;
  stop(): void;
}
interface WrtcCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
}
interface WrtcDescription {
  readonly type: "offer" | "answer";
  readonly sdp: string;
}
interface WrtcPeerConnection {
  readonly connectionState: string;
  onconnectionstatechange: (() => void) | null;
  onicecandidate: ((e: { readonly candidate: WrtcCandidate | null }) => void) | null;
  ontrack: ((e: { readonly track: WrtcTrack }) => void) | null;
  addTrack(track: WrtcTrack): unknown;
  createOffer(): Promise<WrtcDescription>;
  createAnswer(): Promise<WrtcDescription>;
  setLocalDescription(d: WrtcDescription): Promise<void>;
  setRemoteDescription(d: WrtcDescription): Promise<void>;
  addIceCandidate(c: WrtcCandidate): Promise<void>;
  close(): void;
}
interface I420 {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}
interface Wrtc {
  RTCPeerConnection: new (c?: { iceServers?: unknown[]; bundlePolicy?: string }) => WrtcPeerConnection;
  nonstandard: {
    RTCVideoSource: new () => { createTrack(): WrtcTrack; onFrame(f: I420): void };
    RTCVideoSink: new (t: WrtcTrack) => { onframe: ((e: { frame: I420 }) => void) | null; stop(): void };
    RTCAudioSource: new () => {
      createTrack(): WrtcTrack;
      onData(d: {
        samples: Int16Array;
        sampleRate: number;
        channelCount: number;
        numberOfFrames: number;
      }): void;
    };
    RTCAudioSink: new (
      t: WrtcTrack,
    ) => { ondata: ((d: { samples: Int16Array; sampleRate: number }) => void) | null; stop(): void };
  };
}

function loadWrtc(): Wrtc {
  try {
    return createRequire(import.meta.url)("@roamhq/wrtc") as Wrtc;
  } catch (e) {
    throw new Error(`@roamhq/wrtc is missing: pnpm add -D -w @roamhq/wrtc@0.10.0 (${String(e)})`);
  }
}

const WIDTH = 320;
const HEIGHT = 240;
const CLIP_WIDTH = 160;
const CLIP_HEIGHT = 120;
const TIMEOUT_MS = 20_000;

/** What wrtc sends (raw frames, encoded by libwebrtc) and what it got (decoded by libwebrtc). */
function wrtcSide(w: Wrtc) {
  const pc = new w.RTCPeerConnection({ iceServers: [], bundlePolicy: "max-bundle" });
  const videoSource = new w.nonstandard.RTCVideoSource();
  const audioSource = new w.nonstandard.RTCAudioSource();
  const tracks = [videoSource.createTrack(), audioSource.createTrack()];
  for (const t of tracks) pc.addTrack(t);
  const got = { videoFrames: [] as { width: number; height: number }[], audioPeak: 0, audioSamples: 0 };
  const sinks: { stop(): void }[] = [];
  pc.ontrack = (e) => {
    if (e.track.kind === "video") {
      const sink = new w.nonstandard.RTCVideoSink(e.track);
      sink.onframe = ({ frame }) => got.videoFrames.push({ width: frame.width, height: frame.height });
      sinks.push(sink);
    } else {
      const sink = new w.nonstandard.RTCAudioSink(e.track);
      sink.ondata = (d) => {
        got.audioSamples += d.samples.length;
        for (const s of d.samples) got.audioPeak = Math.max(got.audioPeak, Math.abs(s));
      };
      sinks.push(sink);
    }
  };
  // Raw media in: a moving gradient at 30 fps, a 440 Hz tone in 10 ms chunks (what the sources take).
  const frame = new Uint8Array((WIDTH * HEIGHT * 3) / 2);
  let n = 0;
  const video = setInterval(() => {
    n++;
    for (let i = 0; i < WIDTH * HEIGHT; i++) frame[i] = (i + n * 3) & 0xff;
    videoSource.onFrame({ width: WIDTH, height: HEIGHT, data: frame });
  }, 33);
  let t = 0;
  const audio = setInterval(() => {
    const samples = new Int16Array(480);
    for (let i = 0; i < samples.length; i++, t++)
      samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * t) / 48000));
    audioSource.onData({ samples, sampleRate: 48000, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  const close = (): void => {
    clearInterval(video);
    clearInterval(audio);
    for (const s of sinks) s.stop();
    for (const tr of tracks) tr.stop();
    pc.close();
  };
  return { pc, got, close };
}

/** Tern with a VP8 and an Opus track, playing the clips in a loop (RTP timestamps running on). */
function ternSide(keyLog: string[]) {
  const pc = new PeerConnection({
    iceAddresses: ["127.0.0.1"],
    mdns: false,
    keyLog: (l) => keyLog.push(l),
  });
  const video = new LocalTrack("video");
  const audio = new LocalTrack("audio");
  pc.addTrack(video);
  pc.addTrack(audio);
  const got = { video: [] as EncodedFrame[], audio: [] as EncodedFrame[] };
  pc.on("track", (e: { track: RemoteTrack }) =>
    e.track.on("frame", (f) => (e.track.kind === "video" ? got.video : got.audio).push(f)),
  );
  const vp8 = vp8Clip();
  const opus = opusClip();
  let vi = 0;
  let ai = 0;
  const videoTimer = setInterval(() => {
    const f = vp8[vi % vp8.length] as (typeof vp8)[number];
    video.writeFrame(f.data, f.rtpTimestamp + Math.floor(vi / vp8.length) * 90_000 + 6000);
    vi++;
  }, 33);
  const audioTimer = setInterval(() => {
    const f = opus[ai % opus.length] as (typeof opus)[number];
    audio.writeFrame(f.data, f.rtpTimestamp + Math.floor(ai / opus.length) * 48_960);
    ai++;
  }, 20);
  const close = async (): Promise<void> => {
    clearInterval(videoTimer);
    clearInterval(audioTimer);
    await pc.close();
  };
  return { pc, got, close };
}

/** RFC 6386 §9.1: a keyframe's 10-byte header ends with the 14-bit width and height. */
function vp8KeyframeSize(f: Uint8Array): { width: number; height: number } | undefined {
  if (f.length < 10 || (f[0] ?? 1) & 1 || f[3] !== 0x9d || f[4] !== 0x01 || f[5] !== 0x2a) return undefined;
  return {
    width: (((f[7] ?? 0) << 8) | (f[6] ?? 0)) & 0x3fff,
    height: (((f[9] ?? 0) << 8) | (f[8] ?? 0)) & 0x3fff,
  };
}

/** RFC 6716 §3.1–3.2: the duration of an Opus packet from its TOC octet (and frame count octet). */
function opusPacketMs(p: Uint8Array): number | undefined {
  const toc = p[0];
  if (toc === undefined) return undefined;
  const config = toc >> 3;
  const frameMs =
    config < 12
      ? [10, 20, 40, 60][config % 4]
      : config < 16
        ? [10, 20][config % 2]
        : [2.5, 5, 10, 20][config % 4];
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (p[1] ?? 0) & 0x3f : 2;
  return frameMs === undefined ? undefined : frameMs * frames;
}

const isLoopbackUdp = (c: string): boolean => / udp /i.test(c) && c.split(" ")[4] === "127.0.0.1";

async function until(what: string, ok: () => boolean, log: string[]): Promise<void> {
  await withTimeout(
    (async () => {
      while (!ok()) await new Promise((r) => setTimeout(r, 20));
    })(),
    TIMEOUT_MS,
    `${what}; Tern key log:\n${log.join("\n")}`,
  );
}

describe("Tern ↔ @roamhq/wrtc (libwebrtc)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  for (const offerer of ["tern", "wrtc"] as const) {
    it(`${offerer} offers: VP8 and Opus both ways, decoded by libwebrtc and reassembled by Tern`, async () => {
      const w = loadWrtc();
      const keyLog: string[] = [];
      const tern = ternSide(keyLog);
      const lib = wrtcSide(w);
      cleanups.push(tern.close, lib.close);
      // Trickle both ways; wrtc's candidates on 127.0.0.1 only (it gathers every interface).
      tern.pc.on("icecandidate", (e) => {
        if (e.candidate)
          void lib.pc
            .addIceCandidate({ candidate: e.candidate.candidate, sdpMLineIndex: 0 })
            .catch(() => undefined);
      });
      lib.pc.onicecandidate = (e) => {
        if (e.candidate && isLoopbackUdp(e.candidate.candidate))
          void tern.pc.addIceCandidate({ candidate: e.candidate.candidate, sdpMLineIndex: 0 });
      };
      if (offerer === "tern") {
        const offer = await tern.pc.createOffer();
        await tern.pc.setLocalDescription(offer);
        await lib.pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
        const answer = await lib.pc.createAnswer();
        await lib.pc.setLocalDescription(answer);
        await tern.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      } else {
        const offer = await lib.pc.createOffer();
        await lib.pc.setLocalDescription(offer);
        await tern.pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
        const answer = await tern.pc.createAnswer();
        await tern.pc.setLocalDescription(answer);
        await lib.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      }
      await withTimeout(
        connectionState(tern.pc, "connected"),
        TIMEOUT_MS,
        `Tern connected; key log:\n${keyLog.join("\n")}`,
      );
      expect(tern.pc.security.srtpProfile).toBeDefined();

      // Tern → libwebrtc: decoded at the clip's size; the sine is sound.
      await until("wrtc decoded 10 of Tern's VP8 frames", () => lib.got.videoFrames.length >= 10, keyLog);
      expect(lib.got.videoFrames.every((f) => f.width === CLIP_WIDTH && f.height === CLIP_HEIGHT)).toBe(true);
      await until("wrtc decoded Tern's Opus as sound", () => lib.got.audioPeak > 1000, keyLog);

      // libwebrtc → Tern: VP8 keyframes of the source's size, Opus frames with a valid TOC.
      await until(
        "Tern reassembled a VP8 keyframe from wrtc",
        () => tern.got.video.some((f) => f.isKeyframe),
        keyLog,
      );
      const key = tern.got.video.find((f) => f.isKeyframe) as EncodedFrame;
      expect(vp8KeyframeSize(key.data)).toEqual({ width: WIDTH, height: HEIGHT });
      await until("Tern got 10 Opus frames from wrtc", () => tern.got.audio.length >= 10, keyLog);
      // libwebrtc sends 20 ms Opus packets (its default ptime): the TOC of each says 20 ms of audio,
      // and the RTP timestamps step by 960 (48 kHz).
      const frames = tern.got.audio.slice(0, 10);
      for (const f of frames) expect(opusPacketMs(f.data)).toBe(20);
      for (let i = 1; i < frames.length; i++)
        expect(((frames[i]?.rtpTimestamp ?? 0) - (frames[i - 1]?.rtpTimestamp ?? 0)) >>> 0).toBe(960);
    }, 30_000);
  }
});
