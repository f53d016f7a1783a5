/** wrtc's (libwebrtc) data-only pair for the data-channel benches: its W3C RTCPeerConnection. */

import { createRequire } from "node:module";
import { CandidateGate, GatheredCandidates } from "../peers/signaling.js";
import type { BenchChannel, ChannelPair } from "./bench-channel.js";
import { Announced, benchEnds, negotiateAndOpen } from "./bench-channel.js";

interface WrtcChannel {
  readonly label: string;
  readonly readyState: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: (() => void) | null;
  onmessage: ((e: { data: ArrayBuffer | string }) => void) | null;
  send(d: Uint8Array): void;
  close(): void;
}
interface WrtcPeer {
  onicecandidate: ((e: { candidate: { candidate: string } | null }) => void) | null;
  ondatachannel: ((e: { channel: WrtcChannel }) => void) | null;
  createDataChannel(label: string): WrtcChannel;
  createOffer(): Promise<{ type: "offer"; sdp: string }>;
  createAnswer(): Promise<{ type: "answer"; sdp: string }>;
  setLocalDescription(d: { type: string; sdp: string }): Promise<void>;
  setRemoteDescription(d: { type: string; sdp: string }): Promise<void>;
  addIceCandidate(c: { candidate: string }): Promise<void>;
  close(): void;
}
const wrtc = createRequire(import.meta.url)("@roamhq/wrtc") as {
  RTCPeerConnection: new (c: { iceServers: { urls: string }[] }) => WrtcPeer;
};

/** wrtc never fires bufferedamountlow here: bufferedAmount is polled every 2 ms instead. */
function wrtcChannel(dc: WrtcChannel): BenchChannel {
  dc.binaryType = "arraybuffer";
  const listeners: ((d: Uint8Array) => void)[] = [];
  dc.onmessage = (e) => {
    if (typeof e.data === "string") return;
    const d = new Uint8Array(e.data);
    for (const l of listeners) l(d);
  };
  return {
    opened: new Promise((resolve) => {
      if (dc.readyState === "open") resolve();
      dc.onopen = () => resolve();
    }),
    send: (d) => dc.send(d),
    bufferedAmount: () => dc.bufferedAmount,
    waitLow: (low) =>
      new Promise((resolve) => {
        const poll = (): void => {
          if (dc.bufferedAmount <= low) resolve();
          else setTimeout(poll, 2);
        };
        poll();
      }),
    onMessage: (cb) => listeners.push(cb),
    close: () => dc.close(),
  };
}

export async function wrtcPair(stunUrl: string): Promise<ChannelPair> {
  const a = new wrtc.RTCPeerConnection({ iceServers: [{ urls: stunUrl }] });
  const b = new wrtc.RTCPeerConnection({ iceServers: [{ urls: stunUrl }] });
  const announced = { a: new Announced(), b: new Announced() };
  a.ondatachannel = (e) => announced.a.add(e.channel.label, wrtcChannel(e.channel));
  b.ondatachannel = (e) => announced.b.add(e.channel.label, wrtcChannel(e.channel));
  const close = async (): Promise<void> => {
    a.close();
    b.close();
  };
  try {
    const gathered = new GatheredCandidates();
    const toB = new CandidateGate<string>(
      (c) => void b.addIceCandidate({ candidate: c }).catch(() => undefined),
    );
    const toA = new CandidateGate<string>(
      (c) => void a.addIceCandidate({ candidate: c }).catch(() => undefined),
    );
    a.onicecandidate = (e) =>
      e.candidate && gathered.add(e.candidate.candidate) && toB.push(e.candidate.candidate);
    const gatheredB = new GatheredCandidates();
    b.onicecandidate = (e) =>
      e.candidate && gatheredB.add(e.candidate.candidate) && toA.push(e.candidate.candidate);
    const c0a = wrtcChannel(a.createDataChannel("c0"));
    const { c0b, offerToOpenMs } = await negotiateAndOpen("wrtc", a, b, { toA, toB }, c0a, announced.b);
    return {
      ...benchEnds(announced, (side, l) => wrtcChannel((side === "a" ? a : b).createDataChannel(l))),
      c0: [c0a, c0b],
      offerToOpenMs,
      config: { dtls: "libwebrtc (BoringSSL)", sctp: "dcSCTP", candidates: gathered.summary() },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
