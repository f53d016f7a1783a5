/**
 * @roamhq/wrtc (a prebuilt binding of Google's libwebrtc, the stack inside Chromium) pairs for the
 * benches. Its typings lean on the DOM's; the few shapes used here are declared below and the module is
 * loaded with require. Media goes in and out only as raw frames (its nonstandard RTCVideoSource /
 * RTCVideoSink, RTCAudioSource / RTCAudioSink): libwebrtc encodes and decodes them itself.
 */
import { createRequire } from "node:module";
import type { ConnectedPair, PairOptions } from "./pair-options.js";
import { bundlesEverything, CandidateGate, GatheredCandidates, withTimeout } from "./signaling.js";

export interface WrtcTrack {
  readonly kind: string;
  readonly id: string;
  stop(): void;
}
export interface WrtcTransceiver {
  readonly mid: string | null;
  readonly sender: { readonly track: WrtcTrack | null; replaceTrack(t: WrtcTrack | null): Promise<void> };
  readonly receiver: { readonly track: WrtcTrack };
  direction: string;
}
export interface WrtcDescription {
  readonly type: "offer" | "answer";
  readonly sdp: string;
}
export interface WrtcCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
}
export interface WrtcStats {
  forEach(f: (s: Readonly<Record<string, unknown>>) => void): void;
}
export interface WrtcPeerConnection {
  readonly connectionState: string;
  readonly localDescription: WrtcDescription | null;
  onconnectionstatechange: (() => void) | null;
  onicecandidate: ((e: { readonly candidate: WrtcCandidate | null }) => void) | null;
  ontrack: ((e: { readonly track: WrtcTrack; readonly transceiver: WrtcTransceiver }) => void) | null;
  addTransceiver(kindOrTrack: string | WrtcTrack, init?: { direction?: string }): WrtcTransceiver;
  addTrack(track: WrtcTrack): unknown;
  getTransceivers(): WrtcTransceiver[];
  createOffer(): Promise<WrtcDescription>;
  createAnswer(): Promise<WrtcDescription>;
  setLocalDescription(d: WrtcDescription): Promise<void>;
  setRemoteDescription(d: WrtcDescription): Promise<void>;
  addIceCandidate(c: WrtcCandidate): Promise<void>;
  getStats(): Promise<WrtcStats>;
  close(): void;
}
export interface WrtcI420Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}
export interface WrtcModule {
  RTCPeerConnection: new (config?: {
    iceServers?: { urls: string }[];
    bundlePolicy?: string;
  }) => WrtcPeerConnection;
  nonstandard: {
    RTCVideoSource: new () => { createTrack(): WrtcTrack; onFrame(frame: WrtcI420Frame): void };
    RTCVideoSink: new (
      track: WrtcTrack,
    ) => { onframe: ((e: { frame: WrtcI420Frame }) => void) | null; stop(): void };
    RTCAudioSource: new () => {
      createTrack(): WrtcTrack;
      onData(d: {
        samples: Int16Array;
        sampleRate: number;
        channelCount?: number;
        numberOfFrames?: number;
      }): void;
    };
    RTCAudioSink: new (
      track: WrtcTrack,
    ) => {
      ondata: ((d: { samples: Int16Array; sampleRate: number; channelCount: number }) => void) | null;
      stop(): void;
    };
  };
}

export const wrtc = createRequire(import.meta.url)("@roamhq/wrtc") as WrtcModule;

export function wrtcConnected(pc: WrtcPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const s = pc.connectionState;
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`wrtc connection ${s}`));
    };
    pc.onconnectionstatechange = check;
    check();
  });
}

/** The DTLS-SRTP profile and cipher suite wrtc reports in getStats (its "transport" entry). */
export async function wrtcSecurity(
  pc: WrtcPeerConnection,
): Promise<{ srtpProfile?: string; cipherSuite?: string }> {
  const stats = await pc.getStats();
  let out: { srtpProfile?: string; cipherSuite?: string } = {};
  stats.forEach((s) => {
    if (s.type !== "transport") return;
    const srtp = typeof s.srtpCipher === "string" ? s.srtpCipher : undefined;
    out = {
      ...(srtp ? { srtpProfile: srtpStatsName(srtp) } : {}),
      ...(typeof s.dtlsCipher === "string" ? { cipherSuite: s.dtlsCipher } : {}),
    };
  });
  return out;
}

/** webrtc-stats srtpCipher names → the RFC 5764 profile names the other stacks report. */
function srtpStatsName(s: string): string {
  if (s === "AES_CM_128_HMAC_SHA1_80") return "SRTP_AES128_CM_HMAC_SHA1_80";
  if (s === "AEAD_AES_128_GCM") return "SRTP_AEAD_AES_128_GCM";
  return s;
}

export interface WrtcPair extends ConnectedPair {
  readonly a: WrtcPeerConnection;
  readonly b: WrtcPeerConnection;
  /** What `b` receives (its `track` events, in order). */
  readonly bRemote: readonly WrtcTrack[];
}

/**
 * Two wrtc peers with a STUN server on loopback when asked (libwebrtc gathers every interface, IPv6 and
 * TCP included, and 127.0.0.1), max-bundle. `sendTracks` gives `a` (and, sendrecv, `b`) a track per kind
 * (a source's track), else a transceiver without a track.
 */
export async function wrtcPair(
  o: PairOptions,
  sendTracks?: (side: "a" | "b", kind: "audio" | "video") => WrtcTrack,
): Promise<WrtcPair> {
  const config = { iceServers: o.stunUrl ? [{ urls: o.stunUrl }] : [], bundlePolicy: "max-bundle" };
  const a = new wrtc.RTCPeerConnection(config);
  const b = new wrtc.RTCPeerConnection(config);
  const close = async (): Promise<void> => {
    a.close();
    b.close();
  };
  try {
    const kinds = [...(o.audio ? (["audio"] as const) : []), ...(o.video ? (["video"] as const) : [])];
    for (const k of kinds) {
      const direction = o.direction === "sendrecv" ? "sendrecv" : "sendonly";
      if (sendTracks) a.addTransceiver(sendTracks("a", k), { direction });
      else a.addTransceiver(k, { direction });
    }
    const bRemote: WrtcTrack[] = [];
    b.ontrack = (e) => bRemote.push(e.track);
    const gathered = { a: new GatheredCandidates(), b: new GatheredCandidates() };
    const toB = new CandidateGate<WrtcCandidate>((c) => void b.addIceCandidate(c).catch(() => undefined));
    const toA = new CandidateGate<WrtcCandidate>((c) => void a.addIceCandidate(c).catch(() => undefined));
    a.onicecandidate = (e) => e.candidate && gathered.a.add(e.candidate.candidate) && toB.push(e.candidate);
    b.onicecandidate = (e) => e.candidate && gathered.b.add(e.candidate.candidate) && toA.push(e.candidate);
    const done = Promise.all([wrtcConnected(a), wrtcConnected(b)]);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    toB.open();
    if (o.direction === "sendrecv") {
      for (const t of b.getTransceivers()) {
        const kind = t.receiver.track.kind as "audio" | "video";
        t.direction = "sendrecv";
        if (sendTracks) await t.sender.replaceTrack(sendTracks("b", kind));
      }
    }
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    toA.open();
    await withTimeout(done, o.timeoutMs ?? 10_000, "wrtc pair connected");
    const setupMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const sec = await wrtcSecurity(a);
    return {
      setupMs,
      cpuMs,
      a,
      b,
      bRemote,
      config: {
        srtpProfile: sec.srtpProfile,
        dtlsCipherSuite: sec.cipherSuite,
        bundle: bundlesEverything(answer.sdp),
        candidates: gathered.a.summary(),
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
