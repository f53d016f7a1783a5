/**
 * @tern/signaling — a WebSocket signaling server and typed clients (Node, browser) that carry SDP offers
 * and answers, trickled ICE candidates and byes between the peers of a room, plus a perfect-negotiation
 * helper. The server is a sans-IO machine (`SignalingRelay`) behind a `ws` adapter.
 */

export { LocalRooms } from "./machine/local-rooms.js";
export { MemoryRoomDirectory, type MemoryRoomDirectoryConfig } from "./machine/memory-room-directory.js";
export { type ReconnectBackoffConfig, reconnectDelayMs } from "./machine/reconnect-backoff.js";
export type {
  ClaimOutcome,
  ClaimRequest,
  DeliverOutcome,
  DirectoryEvent,
  DirectorySink,
  JoinOutcome,
  JoinRequest,
  RoomDirectory,
} from "./machine/room-directory.js";
export type { ConnId } from "./machine/room-table.js";
export { type SignalingClientErrorCode, SignalingError, UsageError } from "./machine/signaling-error.js";
export { DEFAULT_SIGNALING_LIMITS, type Millis, type SignalingLimits } from "./machine/signaling-limits.js";
export { SignalingRelay, type SignalingRelayConfig } from "./machine/signaling-relay.js";
export {
  SignalingCloseCode,
  type SignalingRelayCounter,
  type SignalingRelayEvent,
  type Transmit,
} from "./machine/signaling-relay-types.js";
export { TokenBucket } from "./machine/token-bucket.js";
export type {
  DomStylePeerConnection,
  IceCandidateLike,
  NodeStylePeerConnection,
  PeerConnectionEventMap,
  PeerConnectionLike,
  SessionDescriptionLike,
  SignalingState,
} from "./negotiation/peer-connection-like.js";
export {
  isPolite,
  type NegotiationSignaling,
  type PerfectNegotiation,
  type PerfectNegotiationOptions,
  wirePerfectNegotiation,
} from "./negotiation/perfect-negotiation.js";
export { RedisRoomDirectory, type RedisRoomDirectoryOptions } from "./node/redis-room-directory.js";
export {
  SignalingClient,
  type SignalingClientEvents,
  type SignalingClientOptions,
  type SignalingClientState,
} from "./node/signaling-client.js";
export {
  BROWSER_CLIENT_PATH,
  BROWSER_CLIENT_URL,
  type RunningSignalingServer,
  type SignalingServerCounters,
  type SignalingServerOptions,
  startSignalingServer,
} from "./node/signaling-server.js";
export type { Decoded } from "./wire/decoded.js";
export { toRelayedMessage } from "./wire/relayed-message.js";
export {
  decodeClientMessage,
  decodeClientText,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  type SignalingDecodeError,
  type SignalingDecodeErrorCode,
} from "./wire/signaling-codec.js";
export { SIGNALING_ERROR_CODES, SignalingErrorCode } from "./wire/signaling-error-code.js";
export {
  type ClientMessage,
  type ClientMessageType,
  clientMessageSchema,
  type ErrorMessage,
  type IceCandidateInit,
  type JoinedMessage,
  type LeftMessage,
  PEER_MESSAGE_TYPES,
  type PeerInfo,
  type PeerJoinedMessage,
  type PeerLeftMessage,
  type PeerLeftReason,
  type PeerMessage,
  type PeerMessageType,
  type RelayedIceCandidate,
  type RelayedMessage,
  SCHEMA_BOUNDS,
  type ServerMessage,
  serverMessageSchema,
  type WelcomeMessage,
} from "./wire/signaling-message.js";
