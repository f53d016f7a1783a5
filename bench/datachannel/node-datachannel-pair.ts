/**
 * node-datachannel's data-only pair for the data-channel benches: its native PeerConnection / DataChannel
 * (auto-negotiation).
 */

import nodeDataChannel from "node-datachannel";
import { CandidateGate, GatheredCandidates, withTimeout } from "../peers/signaling.js";
import type { BenchChannel, ChannelPair } from "./bench-channel.js";
import { Announced, TIMEOUT_MS } from "./bench-channel.js";

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

export async function ndcPair(stunUrl: string): Promise<ChannelPair> {
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
