/**
 * The smallest surface of an `RTCPeerConnection` (W3C webrtc-pc, the RTCPeerConnection interface) that perfect negotiation needs, so
 * the helper works with a browser's, Tern's future one, or a test double.
 *
 * Events come either DOM-style (`addEventListener`/`removeEventListener`) or Node-style (`on`/`off`);
 * `icecandidate` delivers `{ candidate }`, with `candidate: null` at the end of gathering.
 */
import type { IceCandidateInit } from "../wire/signaling-message.js";

/** webrtc-pc RTCSignalingState. */
export type SignalingState =
  | "stable"
  | "have-local-offer"
  | "have-remote-offer"
  | "have-local-pranswer"
  | "have-remote-pranswer"
  | "closed";

/** webrtc-pc RTCSessionDescriptionInit. */
export interface SessionDescriptionLike {
  readonly type: "offer" | "answer" | "pranswer" | "rollback";
  readonly sdp?: string;
}

/**
 * The candidate carried by an `icecandidate` event: a browser's `RTCIceCandidate` has these fields (and
 * `toJSON()`), as does a plain `RTCIceCandidateInit`.
 */
export type IceCandidateLike = IceCandidateInit;

export interface PeerConnectionEventMap {
  negotiationneeded: unknown;
  icecandidate: { readonly candidate: IceCandidateLike | null };
}

export type PeerConnectionEvent = keyof PeerConnectionEventMap;

interface PeerConnectionCore {
  readonly signalingState: SignalingState;
  readonly localDescription: SessionDescriptionLike | null;
  /** Without an argument: create and set the offer or answer that fits the state (webrtc-pc: parameterless setLocalDescription). */
  setLocalDescription(description?: SessionDescriptionLike): Promise<void>;
  setRemoteDescription(description: SessionDescriptionLike): Promise<void>;
  /** `null` (or `{ candidate: "" }`) signals end-of-candidates. */
  addIceCandidate(candidate: IceCandidateInit | null): Promise<void>;
}

export interface DomStylePeerConnection extends PeerConnectionCore {
  addEventListener<K extends PeerConnectionEvent>(
    type: K,
    listener: (event: PeerConnectionEventMap[K]) => void,
  ): void;
  removeEventListener<K extends PeerConnectionEvent>(
    type: K,
    listener: (event: PeerConnectionEventMap[K]) => void,
  ): void;
}

export interface NodeStylePeerConnection extends PeerConnectionCore {
  on<K extends PeerConnectionEvent>(type: K, listener: (event: PeerConnectionEventMap[K]) => void): unknown;
  off<K extends PeerConnectionEvent>(type: K, listener: (event: PeerConnectionEventMap[K]) => void): unknown;
}

export type PeerConnectionLike = DomStylePeerConnection | NodeStylePeerConnection;

/** Subscribes to a peer connection event in whichever style it offers; returns the unsubscribe. */
export function listen<K extends PeerConnectionEvent>(
  pc: PeerConnectionLike,
  type: K,
  listener: (event: PeerConnectionEventMap[K]) => void,
): () => void {
  if ("addEventListener" in pc) {
    pc.addEventListener(type, listener);
    return () => pc.removeEventListener(type, listener);
  }
  pc.on(type, listener);
  return () => {
    pc.off(type, listener);
  };
}
