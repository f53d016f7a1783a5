/**
 * Data-only connected pairs for the data-channel benches, one builder per stack, each behind the same
 * `ChannelPair` shape, with peer-setup's equal signaling (trickle; only UDP IPv4 host candidates on
 * 127.0.0.1 signaled; the same STUN server on loopback for every stack) and each stack's own natural API:
 * Tern's Node `PeerConnection` / `DataChannel`, werift's RTCPeerConnection, node-datachannel's native
 * PeerConnection / DataChannel (auto-negotiation), wrtc's W3C RTCPeerConnection. The first channel ("c0",
 * reliable, ordered) is made by `a` before the offer, so the pair's set-up is offer → c0 open at both ends.
 * One file per stack's pair (`tern-pair.ts`, `werift-pair.ts`, `node-datachannel-pair.ts`, `wrtc-pair.ts`),
 * the shared shape in `bench-channel.ts`.
 */
import type { ChannelPair } from "./bench-channel.js";
import { ndcPair } from "./node-datachannel-pair.js";
import { ternPair } from "./tern-pair.js";
import { weriftPair } from "./werift-pair.js";
import { wrtcPair } from "./wrtc-pair.js";

export type { BenchChannel, BenchEnd, ChannelPair } from "./bench-channel.js";

export const STACKS = ["tern", "werift", "node-datachannel", "wrtc"] as const;
export type Stack = (typeof STACKS)[number];

/** A connected data-only pair of `stack`, with c0 open at both ends. */
export function channelPair(stack: Stack, stunUrl: string): Promise<ChannelPair> {
  if (stack === "tern") return ternPair(stunUrl);
  if (stack === "werift") return weriftPair(stunUrl);
  if (stack === "node-datachannel") return ndcPair(stunUrl);
  return wrtcPair(stunUrl);
}
