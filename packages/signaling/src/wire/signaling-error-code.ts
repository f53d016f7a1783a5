/**
 * Every `code` an `error` message can carry, as a registry (`as const`, not `enum`). The server answers a
 * rejected message with one `error` naming it and changes nothing else: no room state, nothing relayed.
 */
export const SignalingErrorCode = {
  /** The frame is not UTF-8 JSON. */
  MalformedJson: "malformed-json",
  /** A binary frame: the protocol is JSON in text frames. */
  BinaryFrame: "binary-frame",
  /** Larger than `limits.maxMessageBytes`. */
  MessageTooLarge: "message-too-large",
  /** A JSON object whose `type` is not one of the protocol's. */
  UnknownType: "unknown-type",
  /** A known `type` whose fields break the schema. */
  InvalidMessage: "invalid-message",
  /** `join` without the shared-secret token (when one is configured), or a `hello` with a wrong one. */
  Unauthorized: "unauthorized",
  /** `hello` after the session was opened (it must be the first message, if sent at all). */
  UnexpectedHello: "unexpected-hello",
  /** `leave` or a relayed message naming a room the sender is not in. */
  NotInRoom: "not-in-room",
  /** A relayed message whose `to` is not a peer of that room (or is the sender). */
  PeerNotInRoom: "peer-not-in-room",
  /** `join` beyond `limits.roomsPerConnection`. */
  TooManyRooms: "too-many-rooms",
  /** `join` of a room that holds `limits.peersPerRoom` peers. */
  RoomFull: "room-full",
  /** Beyond the connection's token buckets (messages: `limits.messagesPerSecond`, bytes: `bytesPerSecond`). */
  RateLimited: "rate-limited",
  /** The shared room directory (Redis) is unreachable: joins and resumes wait until it is back. */
  Unavailable: "unavailable",
} as const;

export type SignalingErrorCode = (typeof SignalingErrorCode)[keyof typeof SignalingErrorCode];

export const SIGNALING_ERROR_CODES: readonly SignalingErrorCode[] = Object.values(SignalingErrorCode);
