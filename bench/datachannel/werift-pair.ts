/** werift's data-only pair for the data-channel benches: its RTCPeerConnection. */

import { type RTCDataChannel as WeriftChannel, RTCPeerConnection as WeriftPeerConnection } from "werift";
import { CandidateGate, GatheredCandidates } from "../peers/signaling.js";
import type { BenchChannel, ChannelPair } from "./bench-channel.js";
import { Announced, benchEnds, negotiateAndOpen } from "./bench-channel.js";

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

export async function weriftPair(stunUrl: string): Promise<ChannelPair> {
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
    const { c0b, offerToOpenMs } = await negotiateAndOpen("werift", a, b, { toA, toB }, c0a, announced.b);
    return {
      ...benchEnds(announced, (side, l) => weriftChannel((side === "a" ? a : b).createDataChannel(l))),
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
