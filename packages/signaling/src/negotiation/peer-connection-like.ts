/**
 * The smallest surface of an `RTCPeerConnection` (W3C webrtc-pc, the RTCPeerConnection interface) that
 * perfect negotiation needs, so the helper works with a browser's, Tern's (`RTCPeerConnection` or the
 * Node-style `PeerConnection` of @tern/peer, under strict TypeScript), or a test double.
 *
 * Events come either DOM-style (`addEventListener`/`removeEventListener`) or Node-style (`on`/`off`);
 * `icecandidate` delivers `{ candidate }`, with `candidate: null` at the end of gathering.
 *
 * The listener types are as loose as the real classes declare them — `EventTarget.addEventListener` takes
 * a listener of `Event`; a typed EventEmitter's `on` takes one of its own event tuple — and `listen` reads
 * the fields it needs from what arrives.
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

/** DOM style: a browser's RTCPeerConnection, Tern's RTCPeerConnection (an EventTarget). */
export interface DomStylePeerConnection extends PeerConnectionCore {
  addEventListener(type: PeerConnectionEvent, listener: (event: Event) => void): void;
  removeEventListener(type: PeerConnectionEvent, listener: (event: Event) => void): void;
}

/**
 * Node style: Tern's `PeerConnection` (a typed EventEmitter). `never` is the one listener parameter every
 * typed emitter's listener accepts: `listen` gives each event the shape of `PeerConnectionEventMap`.
 */
export interface NodeStylePeerConnection extends PeerConnectionCore {
  on(type: PeerConnectionEvent, listener: (event: never) => void): unknown;
  off(type: PeerConnectionEvent, listener: (event: never) => void): unknown;
}

export type PeerConnectionLike = DomStylePeerConnection | NodeStylePeerConnection;

/** Subscribes to a peer connection event in whichever style it offers; returns the unsubscribe. */
export function listen<K extends PeerConnectionEvent>(
  pc: PeerConnectionLike,
  type: K,
  listener: (event: PeerConnectionEventMap[K]) => void,
): () => void {
  // What arrives is the event the map describes (a DOM event carries the same fields).
  const deliver = (event: unknown): void => listener(event as PeerConnectionEventMap[K]);
  if ("addEventListener" in pc) {
    pc.addEventListener(type, deliver);
    return () => pc.removeEventListener(type, deliver);
  }
  pc.on(type, deliver);
  return () => {
    pc.off(type, deliver);
  };
}
