/** Tern pairs for the benches: two `PeerConnection`s in one process, signaled in-process. */
import {
  LocalTrack,
  PeerConnection,
  type PeerConnectionConfig,
  type RemoteTrack,
  type Transceiver,
} from "@tern/peer";
import type { ConnectedPair, PairOptions } from "./pair-options.js";
import { bundlesEverything, CandidateGate, GatheredCandidates, withTimeout } from "./signaling.js";

export function ternConnected(pc: PeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: string): void => {
      if (s === "connected") resolve();
      else if (s === "failed" || s === "closed") reject(new Error(`Tern connection ${s}`));
    };
    check(pc.connectionState);
    pc.on("connectionstatechange", check);
  });
}

export interface TernPair extends ConnectedPair {
  readonly a: PeerConnection;
  readonly b: PeerConnection;
  /** What each side sends, by kind. */
  readonly aTracks: ReadonlyMap<"audio" | "video", LocalTrack>;
  readonly bTracks: ReadonlyMap<"audio" | "video", LocalTrack>;
  /** `a`'s transceivers by kind (the sender's SSRC is there). */
  readonly aTransceivers: ReadonlyMap<"audio" | "video", Transceiver>;
  /** What `b` receives (its `track` events, in order). */
  readonly bRemote: readonly RemoteTrack[];
  /** The answer's SDP. */
  readonly answerSdp: string;
  /** ms from createOffer to the offer and to both ICE connected. */
  readonly phases: { readonly offerMs: number; readonly iceMs: number };
}

function iceConnectedAt(pc: PeerConnection): Promise<number> {
  return new Promise((resolve) => {
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") resolve(performance.now());
    };
    check(pc.iceConnectionState);
    pc.on("iceconnectionstatechange", check);
  });
}

export function ternConfig(o: PairOptions): PeerConnectionConfig {
  return {
    mdns: false,
    ...(o.stunUrl
      ? { iceServers: [{ urls: o.stunUrl }], iceInterfaces: { includeLoopback: true, ipv6: false } }
      : { iceAddresses: ["127.0.0.1"] }),
    ...(o.srtpProfiles ? { srtpProfiles: o.srtpProfiles } : {}),
  };
}

export async function ternPair(o: PairOptions): Promise<TernPair> {
  const a = new PeerConnection(ternConfig(o));
  const b = new PeerConnection(ternConfig(o));
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  try {
    const kinds = [...(o.audio ? (["audio"] as const) : []), ...(o.video ? (["video"] as const) : [])];
    const aTracks = new Map<"audio" | "video", LocalTrack>();
    const bTracks = new Map<"audio" | "video", LocalTrack>();
    const aTransceivers = new Map<"audio" | "video", Transceiver>();
    for (const k of kinds) {
      const t = new LocalTrack(k);
      aTracks.set(k, t);
      aTransceivers.set(k, a.addTrack(t));
    }
    const bRemote: RemoteTrack[] = [];
    b.on("track", (e) => bRemote.push(e.track));
    const gathered = { a: new GatheredCandidates(), b: new GatheredCandidates() };
    const toB = new CandidateGate<string>((c) => void b.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }));
    const toA = new CandidateGate<string>((c) => void a.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }));
    a.on(
      "icecandidate",
      (e) => e.candidate && gathered.a.add(e.candidate.candidate) && toB.push(e.candidate.candidate),
    );
    b.on(
      "icecandidate",
      (e) => e.candidate && gathered.b.add(e.candidate.candidate) && toA.push(e.candidate.candidate),
    );
    const done = Promise.all([ternConnected(a), ternConnected(b)]);
    const ice = Promise.all([iceConnectedAt(a), iceConnectedAt(b)]);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const offer = await a.createOffer();
    const offerMs = performance.now() - t0;
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    toB.open();
    if (o.direction === "sendrecv") {
      for (const k of kinds) {
        const t = new LocalTrack(k);
        bTracks.set(k, t);
        b.addTrack(t);
      }
    }
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    toA.open();
    await withTimeout(done, o.timeoutMs ?? 10_000, "Tern pair connected");
    const setupMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const iceMs = Math.max(...(await ice)) - t0;
    return {
      setupMs,
      cpuMs,
      phases: { offerMs, iceMs },
      a,
      b,
      aTracks,
      bTracks,
      aTransceivers,
      bRemote,
      answerSdp: answer.sdp,
      config: {
        srtpProfile: a.security.srtpProfile,
        dtlsCipherSuite: a.security.cipherSuite,
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
