/** One WebSocket connection as the relay sees it: its session, rooms, buckets and liveness. */
import type { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type { ClientMessage, HelloMessage } from "../wire/signaling-message.js";
import type { ConnId } from "./room-table.js";
import type { Millis, SignalingLimits } from "./signaling-limits.js";
import type { RefusedError } from "./signaling-relay-types.js";
import { TokenBucket } from "./token-bucket.js";

/** A peer id and its current resume secret. */
export interface PeerSessionKeys {
  readonly peerId: string;
  readonly secret: string;
}

/** Every client message but `hello`. */
export type RelayRequest = Exclude<ClientMessage, HelloMessage>;

export interface Connection {
  readonly conn: ConnId;
  session: PeerSessionKeys | undefined;
  authenticated: boolean;
  name: string | null;
  /** Rooms joined (confirmed by the directory). */
  readonly rooms: Set<string>;
  readonly bucket: TokenBucket;
  readonly byteBucket: TokenBucket;
  awaitingPong: boolean;
  /** Messages that arrived while a resume was being looked up (present only then). */
  held: ClientMessage[] | undefined;
}

export function newConnection(
  conn: ConnId,
  authenticated: boolean,
  limits: SignalingLimits,
  now: Millis,
): Connection {
  return {
    conn,
    session: undefined,
    authenticated,
    name: null,
    rooms: new Set(),
    bucket: new TokenBucket(limits.messagesPerSecond, limits.messageBurst, now),
    byteBucket: new TokenBucket(limits.bytesPerSecond, limits.byteBurst, now),
    awaitingPong: false,
    held: undefined,
  };
}

/** The refusal of `msg`: its type and id echoed. */
export function refusal(msg: RelayRequest, code: SignalingErrorCode, message: string): RefusedError {
  return { code, message, offendingType: msg.type, ...(msg.id !== undefined ? { id: msg.id } : {}) };
}
