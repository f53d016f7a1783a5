/** What the SignalingRelay machine hands its adapter: transmits, events, close codes, counters. */
import type { SignalingDecodeError } from "../wire/signaling-codec.js";
import type { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type { PeerLeftReason } from "../wire/signaling-message.js";
import type { ConnId } from "./room-table.js";
import type { Millis } from "./signaling-limits.js";

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
  /** IANA WebSocket close code registry: 1012 Service Restart (graceful shutdown: reconnect elsewhere). */
  ServiceRestart: 1012,
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
  /**
   * The connection is over its budget: stop reading from it until `untilMs` (TCP flow control then holds
   * the sender back, at no cost to the server), then resume.
   */
  | { readonly kind: "throttle"; readonly conn: ConnId; readonly untilMs: Millis }
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
  | "connections-refused"
  /** A message the directory brought for a peer no longer connected here. */
  | "undeliverable";
