/**
 * node-datachannel (npm; libdatachannel in C++ with usrsctp) behind the scenario's `PeerUnderTest`, through
 * its native API: libjuice ICE bound to 127.0.0.1, whole SDP. libdatachannel writes its descriptions
 * itself: its answer cannot be edited (always a=setup:active for an actpass offer), so a Tern offer always
 * makes Tern the DTLS server with it.
 */
import { withTimeout } from "@tern/test-support";
import nodeDataChannel from "node-datachannel";
import {
  ChannelDirectory,
  type ChannelHandle,
  type ChannelInit,
  loopbackOnly,
  type Message,
  type PeerUnderTest,
} from "./data-channel-scenario.js";

function ndcChannel(dc: nodeDataChannel.DataChannel, init: ChannelInit | undefined): ChannelHandle {
  const received: Message[] = [];
  let state = dc.isOpen() ? "open" : "connecting";
  dc.onMessage((m) => received.push(typeof m === "string" ? m : new Uint8Array(m as ArrayBuffer | Buffer)));
  const opened = new Promise<void>((resolve) => {
    if (dc.isOpen()) resolve();
    dc.onOpen(() => {
      state = "open";
      resolve();
    });
  });
  const closed = new Promise<void>((resolve) =>
    dc.onClosed(() => {
      state = "closed";
      resolve();
    }),
  );
  return {
    label: dc.getLabel(),
    protocol: dc.getProtocol(),
    ordered: init ? init.ordered !== false : undefined,
    maxRetransmits: init ? (init.maxRetransmits ?? null) : undefined,
    id: () => dc.getId(),
    readyState: () => state,
    send: (m) => {
      if (typeof m === "string") dc.sendMessage(m);
      else dc.sendMessageBinary(Buffer.from(m));
    },
    close: () => dc.close(),
    received,
    opened,
    closed,
  };
}

export function ndcPeer(): PeerUnderTest {
  const pc = new nodeDataChannel.PeerConnection("ndc", { iceServers: [], bindAddress: "127.0.0.1" });
  const directory = new ChannelDirectory();
  const tracks: nodeDataChannel.Track[] = [];
  pc.onDataChannel((dc) => directory.add(ndcChannel(dc, undefined)));
  const sdp = async (): Promise<string> => {
    await withTimeout(
      new Promise<void>((resolve) => {
        if (pc.gatheringState() === "complete") resolve();
        pc.onGatheringStateChange((s) => s === "complete" && resolve());
      }),
      10_000,
      "node-datachannel gathering",
    );
    return loopbackOnly(pc.localDescription()?.sdp ?? "");
  };
  return {
    name: "node-datachannel",
    addMedia: () => {
      const audio = new nodeDataChannel.Audio("0", "SendRecv");
      audio.addOpusCodec(111);
      tracks.push(pc.addTrack(audio));
      const video = new nodeDataChannel.Video("1", "SendRecv");
      video.addVP8Codec(96);
      tracks.push(pc.addTrack(video));
      // A track nobody listens to crashes the process at teardown (node-datachannel 0.33): listened to, kept.
      for (const t of tracks) t.onMessage(() => undefined);
    },
    createDataChannel: (label: string, init: ChannelInit = {}) =>
      ndcChannel(
        pc.createDataChannel(label, {
          ...(init.protocol !== undefined ? { protocol: init.protocol } : {}),
          ...(init.negotiated !== undefined ? { negotiated: init.negotiated } : {}),
          ...(init.id !== undefined ? { id: init.id } : {}),
          ...(init.ordered === false ? { unordered: true } : {}),
          ...(init.maxRetransmits !== undefined ? { maxRetransmits: init.maxRetransmits } : {}),
        }),
        init,
      ),
    remoteChannel: (label) => directory.get(label),
    offer: async () => {
      pc.setLocalDescription("offer");
      return sdp();
    },
    answer: async (offer, setup) => {
      if (setup !== undefined && setup !== "active")
        throw new Error("libdatachannel's answer cannot be edited: it is always a=setup:active");
      pc.setRemoteDescription(offer, "offer");
      return sdp();
    },
    acceptAnswer: async (answer) => pc.setRemoteDescription(answer, "answer"),
    connected: () =>
      withTimeout(
        new Promise<void>((resolve, reject) => {
          const check = (s: string): void => {
            if (s === "connected") resolve();
            else if (s === "failed" || s === "closed") reject(new Error(`node-datachannel connection ${s}`));
          };
          check(pc.state());
          pc.onStateChange(check);
        }),
        15_000,
        "node-datachannel connected",
      ),
    close: async () => pc.close(),
  };
}
