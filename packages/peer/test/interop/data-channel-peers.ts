/**
 * The peers of the data-channel scenario behind `PeerUnderTest`: Tern (its W3C RTCPeerConnection), and the
 * W3C-shaped peers node-datachannel (its polyfill) and @roamhq/wrtc. werift has its own adapter
 * (data-channel-werift.ts). Each gathers on loopback only and signals whole SDP (no trickle).
 */

import { withTimeout } from "@tern/test-support";
import { RTCPeerConnection as TernRTCPeerConnection } from "../../src/w3c/index.js";
import {
  ChannelDirectory,
  type ChannelHandle,
  type ChannelInit,
  loopbackOnly,
  type PeerUnderTest,
  type W3cChannelLike,
  w3cChannel,
  withSetup,
} from "./data-channel-scenario.js";

/** The part of a W3C RTCPeerConnection the scenario uses. */
export interface W3cPeerLike {
  readonly connectionState: string;
  readonly iceGatheringState: string;
  readonly localDescription: { readonly sdp: string; readonly type: string } | null;
  createDataChannel(label: string, init?: ChannelInit): W3cChannelLike;
  addTransceiver(kind: "audio" | "video", init?: { direction?: "sendrecv" }): unknown;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(d: { type: string; sdp?: string }): Promise<void>;
  setRemoteDescription(d: { type: string; sdp?: string }): Promise<void>;
  addEventListener(type: string, fn: (e: { channel?: W3cChannelLike }) => void): void;
  close(): void | Promise<void>;
}

function gathered(pc: W3cPeerLike): Promise<void> {
  return withTimeout(
    (async () => {
      while (pc.iceGatheringState !== "complete") await new Promise((r) => setTimeout(r, 5));
    })(),
    10_000,
    "ICE gathering complete",
  );
}

export function w3cPeer(name: string, pc: W3cPeerLike): PeerUnderTest {
  const directory = new ChannelDirectory();
  pc.addEventListener("datachannel", (e) => e.channel && directory.add(w3cChannel(e.channel)));
  const sdp = async (): Promise<string> => {
    await gathered(pc);
    return loopbackOnly(pc.localDescription?.sdp ?? "");
  };
  return {
    name,
    addMedia: () => {
      pc.addTransceiver("audio", { direction: "sendrecv" });
      pc.addTransceiver("video", { direction: "sendrecv" });
    },
    createDataChannel: (label: string, init?: ChannelInit): ChannelHandle =>
      w3cChannel(pc.createDataChannel(label, init)),
    remoteChannel: (label) => directory.get(label),
    offer: async () => {
      await pc.setLocalDescription(await pc.createOffer());
      return sdp();
    },
    answer: async (offer, setup) => {
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
      const a = await pc.createAnswer();
      await pc.setLocalDescription({ type: "answer", sdp: withSetup(a.sdp ?? "", setup) });
      return sdp();
    },
    acceptAnswer: (answer) => pc.setRemoteDescription({ type: "answer", sdp: answer }),
    connected: () =>
      withTimeout(
        (async () => {
          for (;;) {
            const s = pc.connectionState;
            if (s === "connected") return;
            if (s === "failed" || s === "closed") throw new Error(`${name}: connection ${s}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        })(),
        15_000,
        `${name} connected`,
      ),
    close: async () => {
      await pc.close();
    },
  };
}

/** Tern through its W3C façade; `answerSetup` fixes its DTLS role when it answers. */
export function ternW3cPeer(answerSetup: "active" | "passive"): PeerUnderTest {
  const pc = new TernRTCPeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false, answerSetup });
  const machine = pc.peerConnection.dataChannels.machine;
  return {
    ...w3cPeer("tern", pc as unknown as W3cPeerLike),
    dtlsRole: () => pc.peerConnection.bundle.dtlsRole,
    diagnose: () =>
      JSON.stringify({
        role: machine.role,
        state: machine.state,
        channels: [...machine.channels].map((c) => [c.id, c.label, c.readyState, c.awaitingAck]),
        counters: machine.counters,
        sctp: machine.association?.counters,
      }),
  };
}
