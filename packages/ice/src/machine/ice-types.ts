import type { Candidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { IceError } from "./ice-error.js";

/** Monotonic milliseconds given by the caller. The machine never reads a clock. */
export type Millis = number;

/** A datagram to send from one of our bases (a bound socket, or a TURN allocation's base) to a remote address. */
export interface Transmit {
  readonly from: TransportAddr;
  readonly to: TransportAddr;
  readonly data: Uint8Array;
}

/** RFC 8445 §6.1.1. */
export type IceRole = "controlling" | "controlled";

/** The states of the browser's RTCIceConnectionState (W3C webrtc-pc §5.6.4). */
export type IceConnectionState =
  | "new"
  | "checking"
  | "connected"
  | "completed"
  | "disconnected"
  | "failed"
  | "closed";

export type IceGatheringState = "new" | "gathering" | "complete";

/** RFC 8445 §6.1.2.6: the state of a candidate pair in a check list. */
export type CandidatePairState = "frozen" | "waiting" | "in-progress" | "succeeded" | "failed";

export interface IceCredentials {
  /** ice-ufrag: 4 to 256 ice-chars (RFC 8839 §5.4). */
  readonly ufrag: string;
  /** ice-pwd: 22 to 256 ice-chars. */
  readonly pwd: string;
}

export interface SelectedPair {
  readonly local: Candidate;
  readonly remote: Candidate;
  /** The base the datagrams leave from (the local candidate's base). */
  readonly base: TransportAddr;
}

export type IceEvent =
  | { readonly kind: "local-candidate"; readonly candidate: Candidate }
  | { readonly kind: "gathering-state"; readonly state: IceGatheringState }
  | { readonly kind: "connection-state"; readonly state: IceConnectionState }
  | { readonly kind: "selected-pair"; readonly pair: SelectedPair }
  | { readonly kind: "role-change"; readonly role: IceRole }
  /** A datagram that is not STUN (RFC 7983: DTLS, RTP/RTCP) from the remote peer, for the layer above. */
  | { readonly kind: "data"; readonly data: Uint8Array; readonly from: TransportAddr }
  /** Emitted once, with the state "failed". */
  | { readonly kind: "failed"; readonly error: IceError };

/** Drop reasons and other counts; what bad input does to the agent: a counter moves, nothing else. */
export type IceCounter =
  | "stun-malformed"
  | "stun-unknown-transaction"
  | "stun-bad-integrity"
  | "stun-missing-credentials"
  | "stun-wrong-username"
  | "stun-unknown-comprehension-required"
  | "stun-unexpected-class"
  | "stun-non-symmetric-response"
  | "stun-role-conflict-sent"
  | "stun-reply-larger-than-request"
  | "stun-replayed-transaction"
  | "data-unknown-source"
  | "data-not-demuxable"
  | "remote-candidate-limit"
  | "remote-candidate-rejected"
  | "pair-limit"
  | "checks-sent"
  | "checks-received"
  | "responses-received"
  | "consent-sent"
  | "consent-received";

export type IceCounters = Record<IceCounter, number>;

/** Every counter, for initialising `IceCounters`. */
export const ICE_COUNTERS: readonly IceCounter[] = [
  "stun-malformed",
  "stun-unknown-transaction",
  "stun-bad-integrity",
  "stun-missing-credentials",
  "stun-wrong-username",
  "stun-unknown-comprehension-required",
  "stun-unexpected-class",
  "stun-non-symmetric-response",
  "stun-role-conflict-sent",
  "stun-reply-larger-than-request",
  "stun-replayed-transaction",
  "data-unknown-source",
  "data-not-demuxable",
  "remote-candidate-limit",
  "remote-candidate-rejected",
  "pair-limit",
  "checks-sent",
  "checks-received",
  "responses-received",
  "consent-sent",
  "consent-received",
];
