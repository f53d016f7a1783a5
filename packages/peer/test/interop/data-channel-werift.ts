/**
 * werift (npm, a TypeScript WebRTC stack with its own SCTP) behind the scenario's `PeerUnderTest`. werift
 * falls back to a public STUN server when given none: it gets Tern's STUN server on 127.0.0.1.
 */
import { withTimeout } from "@tern/test-support";
import { type RTCDataChannel, RTCPeerConnection, useOPUS, useVP8 } from "werift";
import {
  ChannelDirectory,
  type ChannelHandle,
  type ChannelInit,
  loopbackOnly,
  type Message,
  type PeerUnderTest,
  withSetup,
} from "./data-channel-scenario.js";

function weriftChannel(dc: RTCDataChannel): ChannelHandle {
  const received: Message[] = [];
  dc.onMessage.subscribe((d) => received.push(typeof d === "string" ? d : new Uint8Array(d)));
  const opened = new Promise<void>((resolve) => {
    if (dc.readyState === "open") resolve();
    dc.stateChanged.subscribe((s) => s === "open" && resolve());
  });
  const closed = new Promise<void>((resolve) => {
    dc.stateChanged.subscribe((s) => s === "closed" && resolve());
  });
  return {
    label: dc.label,
    protocol: dc.protocol,
    ordered: dc.ordered,
    maxRetransmits: dc.maxRetransmits,
    id: () => dc.id,
    readyState: () => dc.readyState,
    send: (m) => dc.send(typeof m === "string" ? m : Buffer.from(m)),
    close: () => dc.close(),
    received,
    opened,
    closed,
  };
}

export function weriftPeer(stunPort: number): PeerUnderTest {
  const pc = new RTCPeerConnection({
    iceServers: [{ urls: `stun:127.0.0.1:${stunPort}` }],
    iceAdditionalHostAddresses: ["127.0.0.1"],
    iceUseIpv6: false,
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
  const directory = new ChannelDirectory();
  pc.onDataChannel.subscribe((dc) => directory.add(weriftChannel(dc)));
  const sdp = async (): Promise<string> => {
    if (pc.iceGatheringState !== "complete") {
      await withTimeout(
        new Promise<void>((resolve) =>
          pc.iceGatheringStateChange.subscribe((s) => s === "complete" && resolve()),
        ),
        10_000,
        "werift gathering",
      );
    }
    return loopbackOnly(pc.localDescription?.sdp ?? "");
  };
  return {
    name: "werift",
    sendsEmptyMessages: false,
    addMedia: () => {
      pc.addTransceiver("audio", { direction: "sendrecv" });
      pc.addTransceiver("video", { direction: "sendrecv" });
    },
    createDataChannel: (label: string, init: ChannelInit = {}) =>
      weriftChannel(
        pc.createDataChannel(label, {
          ...(init.ordered !== undefined ? { ordered: init.ordered } : {}),
          ...(init.maxRetransmits !== undefined ? { maxRetransmits: init.maxRetransmits } : {}),
          ...(init.protocol !== undefined ? { protocol: init.protocol } : {}),
          ...(init.negotiated !== undefined ? { negotiated: init.negotiated } : {}),
          ...(init.id !== undefined ? { id: init.id } : {}),
        }),
      ),
    remoteChannel: (label) => directory.get(label),
    offer: async () => {
      await pc.setLocalDescription(await pc.createOffer());
      return sdp();
    },
    answer: async (offer, setup) => {
      await pc.setRemoteDescription({ type: "offer", sdp: offer });
      const a = await pc.createAnswer();
      await pc.setLocalDescription({ type: "answer", sdp: withSetup(a.sdp, setup) });
      return sdp();
    },
    acceptAnswer: async (answer) => {
      await pc.setRemoteDescription({ type: "answer", sdp: answer });
    },
    connected: () =>
      withTimeout(
        new Promise<void>((resolve, reject) => {
          const check = (s: string): void => {
            if (s === "connected") resolve();
            else if (s === "failed" || s === "closed") reject(new Error(`werift connection ${s}`));
          };
          check(pc.connectionState);
          pc.connectionStateChange.subscribe(check);
        }),
        15_000,
        "werift connected",
      ),
    close: () => pc.close(),
  };
}
