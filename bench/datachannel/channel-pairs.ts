/**
 * Data-only connected pairs for the data-channel benches, one builder per stack, each behind the same
 * `ChannelPair` shape, with peer-setup's equal signaling (trickle; only UDP IPv4 host candidates on
 * 127.0.0.1 signaled; the same STUN server on loopback for every stack) and each stack's own natural API:
 * Tern's Node `PeerConnection` / `DataChannel`, werift's RTCPeerConnection, node-datachannel's native
 * PeerConnection / DataChannel (auto-negotiation), wrtc's W3C RTCPeerConnection. The first channel ("c0",
 * reliable, ordered) is made by `a` before the offer, so the pair's set-up is offer → c0 open at both ends.
 */
import { createRequire } from "node:module";
import { type DataChannel, PeerConnection } from "@tern/peer";
import nodeDataChannel from "node-datachannel";
import { type RTCDataChannel as WeriftChannel, RTCPeerConnection as WeriftPeerConnection } from "werift";
import { CandidateGate, GatheredCandidates, withTimeout } from "../peers/signaling.js";

export const STACKS = ["tern", "werift", "node-datachannel", "wrtc"] as const;
export type Stack = (typeof STACKS)[number];

/** One end of a channel, whatever the stack. Messages are binary. */
export interface BenchChannel {
  readonly opened: Promise<void>;
  send(d: Uint8Array): void;
  bufferedAmount(): number;
  /** Resolves once bufferedAmount is at or below `low` (the stack's event; wrtc's never fires: polled). */
  waitLow(low: number): Promise<void>;
  onMessage(cb: (d: Uint8Array) => void): void;
  close(): void;
}

export interface BenchEnd {
  /** A new reliable, ordered channel opened (DCEP) from this side. */
  createChannel(label: string): BenchChannel;
  /** The channel the other side opened with `label`. */
  remoteChannel(label: string): Promise<BenchChannel>;
}

export interface ChannelPair {
  readonly a: BenchEnd;
  readonly b: BenchEnd;
  /** c0 at `a` and at `b`. */
  readonly c0: readonly [BenchChannel, BenchChannel];
  /** Offer made → c0 open at both ends, ms (node-datachannel: createDataChannel, which makes the offer). */
  readonly offerToOpenMs: number;
  readonly config: Readonly<Record<string, unknown>>;
  close(): Promise<void>;
}

const TIMEOUT_MS = 15_000;

/** Labels announced by the other side, waited for by label. */
class Announced {
  readonly #got = new Map<string, BenchChannel>();
  readonly #waiting = new Map<string, (c: BenchChannel) => void>();
  add(label: string, c: BenchChannel): void {
    this.#got.set(label, c);
    this.#waiting.get(label)?.(c);
  }
  get(label: string): Promise<BenchChannel> {
    const c = this.#got.get(label);
    if (c) return Promise.resolve(c);
    return withTimeout(
      new Promise((r) => this.#waiting.set(label, r)),
      TIMEOUT_MS,
      `channel ${label} announced`,
    );
  }
}

// ---- Tern --------------------------------------------------------------------------------------------

function ternChannel(dc: DataChannel): BenchChannel {
  return {
    opened: new Promise((resolve) =>
      dc.readyState === "open" ? resolve() : dc.once("open", () => resolve()),
    ),
    send: (d) => dc.send(d),
    bufferedAmount: () => dc.bufferedAmount,
    waitLow: (low) =>
      new Promise((resolve) => {
        if (dc.bufferedAmount <= low) return resolve();
        dc.bufferedAmountLowThreshold = low;
        dc.once("bufferedamountlow", () => resolve());
      }),
    onMessage: (cb) => dc.on("message", (d) => typeof d !== "string" && cb(d)),
    close: () => dc.close(),
  };
}

async function ternPair(stunUrl: string): Promise<ChannelPair> {
  const config = {
    mdns: false,
    iceServers: [{ urls: stunUrl }],
    iceInterfaces: { includeLoopback: true, ipv6: false },
  } as const;
  const a = new PeerConnection(config);
  const b = new PeerConnection(config);
  const announced = { a: new Announced(), b: new Announced() };
  a.on("datachannel", ({ channel }) => announced.a.add(channel.label, ternChannel(channel)));
  b.on("datachannel", ({ channel }) => announced.b.add(channel.label, ternChannel(channel)));
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  try {
    const gathered = new GatheredCandidates();
    const toB = new CandidateGate<string>((c) => void b.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }));
    const toA = new CandidateGate<string>((c) => void a.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }));
    a.on(
      "icecandidate",
      (e) => e.candidate && gathered.add(e.candidate.candidate) && toB.push(e.candidate.candidate),
    );
    const gatheredB = new GatheredCandidates();
    b.on(
      "icecandidate",
      (e) => e.candidate && gatheredB.add(e.candidate.candidate) && toA.push(e.candidate.candidate),
    );
    const c0a = ternChannel(a.createDataChannel("c0"));
    const t0 = performance.now();
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription as never);
    toB.open();
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription as never);
    toA.open();
    const c0b = await announced.b.get("c0");
    await withTimeout(Promise.all([c0a.opened, c0b.opened]), TIMEOUT_MS, "Tern c0 open");
    const offerToOpenMs = performance.now() - t0;
    const stats = [...(await a.getStats()).values()];
    const transport = stats.find((s) => s.type === "transport");
    const sctp = stats.find((s) => s.type === "sctp-transport");
    return {
      a: {
        createChannel: (l) => ternChannel(a.createDataChannel(l)),
        remoteChannel: (l) => announced.a.get(l),
      },
      b: {
        createChannel: (l) => ternChannel(b.createDataChannel(l)),
        remoteChannel: (l) => announced.b.get(l),
      },
      c0: [c0a, c0b],
      offerToOpenMs,
      config: {
        dtls: `${transport?.tlsVersion === "FEFC" ? "DTLS 1.3" : "DTLS 1.2"} ${String(transport?.dtlsCipher)}`,
        sctp: `I-DATA ${String(sctp?.iData)}, zero checksum ${String(sctp?.zeroChecksumSend)}`,
        candidates: gathered.summary(),
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- werift ------------------------------------------------------------------------------------------

function weriftChannel(dc: WeriftChannel): BenchChannel {
  return {
    opened: new Promise((resolve) => {
      if (dc.readyState === "open") resolve();
      dc.stateChanged.subscribe((s) => s === "open" && resolve());
    }),
    send: (d) => dc.send(Buffer.from(d.buffer, d.byteOffset, d.byteLength)),
    bufferedAmount: () => dc.bufferedAmount,
    waitLow: (low) =>
      new Promise((resolve) => {
        if (dc.bufferedAmount <= low) return resolve();
        dc.bufferedAmountLowThreshold = low;
        const { unSubscribe } = dc.bufferedAmountLow.subscribe(() => {
          unSubscribe();
          resolve();
        });
      }),
    onMessage: (cb) => dc.onMessage.subscribe((d) => typeof d !== "string" && cb(d)),
    close: () => dc.close(),
  };
}

async function weriftPair(stunUrl: string): Promise<ChannelPair> {
  const config = {
    iceServers: [{ urls: stunUrl }],
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceUseIpv6: false,
  };
  const a = new WeriftPeerConnection(config);
  const b = new WeriftPeerConnection(config);
  const announced = { a: new Announced(), b: new Announced() };
  a.onDataChannel.subscribe((dc) => announced.a.add(dc.label, weriftChannel(dc)));
  b.onDataChannel.subscribe((dc) => announced.b.add(dc.label, weriftChannel(dc)));
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  try {
    const gathered = new GatheredCandidates();
    const toB = new CandidateGate<string>((c) => void b.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }));
    const toA = new CandidateGate<string>((c) => void a.addIceCandidate({ candidate: c, sdpMLineIndex: 0 }));
    a.onIceCandidate.subscribe((c) => c && gathered.add(c.candidate) && toB.push(c.candidate));
    const gatheredB = new GatheredCandidates();
    b.onIceCandidate.subscribe((c) => c && gatheredB.add(c.candidate) && toA.push(c.candidate));
    const c0a = weriftChannel(a.createDataChannel("c0"));
    const t0 = performance.now();
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    toB.open();
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    toA.open();
    const c0b = await announced.b.get("c0");
    await withTimeout(Promise.all([c0a.opened, c0b.opened]), TIMEOUT_MS, "werift c0 open");
    const offerToOpenMs = performance.now() - t0;
    return {
      a: {
        createChannel: (l) => weriftChannel(a.createDataChannel(l)),
        remoteChannel: (l) => announced.a.get(l),
      },
      b: {
        createChannel: (l) => weriftChannel(b.createDataChannel(l)),
        remoteChannel: (l) => announced.b.get(l),
      },
      c0: [c0a, c0b],
      offerToOpenMs,
      config: { dtls: "DTLS 1.2 (werift)", sctp: "werift's SCTP (DATA)", candidates: gathered.summary() },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- node-datachannel --------------------------------------------------------------------------------

function ndcChannel(dc: nodeDataChannel.DataChannel): BenchChannel {
  const waiters: (() => void)[] = [];
  dc.onBufferedAmountLow(() => {
    for (const w of waiters.splice(0)) w();
  });
  return {
    opened: new Promise((resolve) => (dc.isOpen() ? resolve() : dc.onOpen(() => resolve()))),
    send: (d) => dc.sendMessageBinary(d),
    bufferedAmount: () => dc.bufferedAmount(),
    waitLow: (low) =>
      new Promise((resolve) => {
        if (dc.bufferedAmount() <= low) return resolve();
        dc.setBufferedAmountLowThreshold(low);
        waiters.push(resolve);
      }),
    onMessage: (cb) => dc.onMessage((m) => typeof m !== "string" && cb(m as Buffer)),
    close: () => dc.close(),
  };
}

async function ndcPair(stunUrl: string): Promise<ChannelPair> {
  const make = (name: string) =>
    new nodeDataChannel.PeerConnection(name, { iceServers: [stunUrl], bindAddress: "127.0.0.1" });
  const a = make("a");
  const b = make("b");
  const announced = { a: new Announced(), b: new Announced() };
  a.onDataChannel((dc) => announced.a.add(dc.getLabel(), ndcChannel(dc)));
  b.onDataChannel((dc) => announced.b.add(dc.getLabel(), ndcChannel(dc)));
  const close = async (): Promise<void> => {
    a.close();
    b.close();
  };
  try {
    const gathered = new GatheredCandidates();
    const toB = new CandidateGate<[string, string]>(([c, mid]) => b.addRemoteCandidate(c, mid));
    const toA = new CandidateGate<[string, string]>(([c, mid]) => a.addRemoteCandidate(c, mid));
    a.onLocalCandidate((c, mid) => gathered.add(c) && toB.push([c, mid]));
    const gatheredB = new GatheredCandidates();
    b.onLocalCandidate((c, mid) => gatheredB.add(c) && toA.push([c, mid]));
    a.onLocalDescription((sdp, type) => {
      b.setRemoteDescription(sdp, type); // b answers on its own (auto-negotiation)
      toB.open();
    });
    b.onLocalDescription((sdp, type) => {
      a.setRemoteDescription(sdp, type);
      toA.open();
    });
    const t0 = performance.now();
    const c0a = ndcChannel(a.createDataChannel("c0")); // makes the offer (auto-negotiation)
    const c0b = await announced.b.get("c0");
    await withTimeout(Promise.all([c0a.opened, c0b.opened]), TIMEOUT_MS, "node-datachannel c0 open");
    const offerToOpenMs = performance.now() - t0;
    return {
      a: {
        createChannel: (l) => ndcChannel(a.createDataChannel(l)),
        remoteChannel: (l) => announced.a.get(l),
      },
      b: {
        createChannel: (l) => ndcChannel(b.createDataChannel(l)),
        remoteChannel: (l) => announced.b.get(l),
      },
      c0: [c0a, c0b],
      offerToOpenMs,
      config: { dtls: "DTLS 1.2 (OpenSSL)", sctp: "usrsctp", candidates: gathered.summary() },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- wrtc (libwebrtc) --------------------------------------------------------------------------------

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

async function wrtcPair(stunUrl: string): Promise<ChannelPair> {
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
    const t0 = performance.now();
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    await b.setRemoteDescription(offer);
    toB.open();
    const answer = await b.createAnswer();
    await b.setLocalDescription(answer);
    await a.setRemoteDescription(answer);
    toA.open();
    const c0b = await announced.b.get("c0");
    await withTimeout(Promise.all([c0a.opened, c0b.opened]), TIMEOUT_MS, "wrtc c0 open");
    const offerToOpenMs = performance.now() - t0;
    return {
      a: {
        createChannel: (l) => wrtcChannel(a.createDataChannel(l)),
        remoteChannel: (l) => announced.a.get(l),
      },
      b: {
        createChannel: (l) => wrtcChannel(b.createDataChannel(l)),
        remoteChannel: (l) => announced.b.get(l),
      },
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

/** A connected data-only pair of `stack`, with c0 open at both ends. */
export function channelPair(stack: Stack, stunUrl: string): Promise<ChannelPair> {
  if (stack === "tern") return ternPair(stunUrl);
  if (stack === "werift") return weriftPair(stunUrl);
  if (stack === "node-datachannel") return ndcPair(stunUrl);
  return wrtcPair(stunUrl);
}
