/** Tern's data-only pair for the data-channel benches: the Node `PeerConnection` / `DataChannel`. */

import { type DataChannel, PeerConnection } from "@tern/peer";
import { CandidateGate, GatheredCandidates, withTimeout } from "../peers/signaling.js";
import type { BenchChannel, ChannelPair } from "./bench-channel.js";
import { Announced, TIMEOUT_MS } from "./bench-channel.js";

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

export async function ternPair(stunUrl: string): Promise<ChannelPair> {
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
