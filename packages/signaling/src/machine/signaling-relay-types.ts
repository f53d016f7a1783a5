/**
 * What the SignalingRelay machine hands its adapter (transmits, events, close codes, counters), and what it
 * keeps per connection.
 */
import type { SignalingDecodeError } from "../wire/signaling-codec.js";
import { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type { PeerLeftReason } from "../wire/signaling-message.js";
import type { PeerSession } from "./peer-session.js";
import type { ConnId } from "./room-table.js";
import type { TokenBucket } from "./token-bucket.js";

/** One client connection as the relay keeps it. */
export interface RelayConnection {
  readonly conn: ConnId;
  /** Its peer id and resume secret, from its hello on. */
  session: PeerSession | undefined;
  /** It presented the token (or none is configured). */
  authenticated: boolean;
  name: string | null;
  readonly rooms: Set<string>;
  /** Its message rate limit. */
  readonly bucket: TokenBucket;
  awaitingPong: boolean;
}

export interface Transmit {
  readonly conn: ConnId;
  readonly data: string;
}

/** Close codes the relay uses (RFC 6455 §7.4.2: 4000–4999 are the application's). */
export const SignalingCloseCode = {
  /** Another connection resumed this peer id. */
  Replaced: 4000,
  /** The server dropped the peer (`dropPeer`). */
  Dropped: 4001,
  /** IANA WebSocket close code registry: 1013 Try Again Later (the server is full). */
  TryAgainLater: 1013,
} as const;

export type SignalingRelayEvent =
  | { readonly kind: "ping"; readonly conn: ConnId }
  /** Close the connection; `terminate` means without a closing handshake (the peer is unresponsive). */
  | {
      readonly kind: "close";
      readonly conn: ConnId;
      readonly code: number;
      readonly reason: string;
      readonly terminate: boolean;
    }
  | { readonly kind: "rejected"; readonly conn: ConnId; readonly error: SignalingDecodeError | RefusedError }
  | { readonly kind: "joined"; readonly conn: ConnId; readonly peerId: string; readonly room: string }
  | {
      readonly kind: "left";
      readonly peerId: string;
      readonly room: string;
      readonly reason: PeerLeftReason;
    };

export interface RefusedError {
  readonly code: SignalingErrorCode;
  readonly message: string;
  readonly offendingType?: string;
  readonly id?: string;
}

export type SignalingRelayCounter =
  | SignalingErrorCode
  | "relayed"
  | "joins"
  | "leaves"
  | "resumed"
  | "heartbeat-timeouts"
  | "connections-refused";

/** Every counter of a relay at zero. */
export function newSignalingRelayCounters(): Record<SignalingRelayCounter, number> {
  const counters: Partial<Record<SignalingRelayCounter, number>> = {};
  for (const code of Object.values(SignalingErrorCode)) counters[code] = 0;
  for (const k of [
    "relayed",
    "joins",
    "leaves",
    "resumed",
    "heartbeat-timeouts",
    "connections-refused",
  ] as const)
    counters[k] = 0;
  return counters as Record<SignalingRelayCounter, number>;
}
