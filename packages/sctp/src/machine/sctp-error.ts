import { UsageError } from "../wire/decoded.js";

/** Why an association failed (the `failed` event). */
export type SctpErrorCode =
  /** INIT or COOKIE ECHO went unanswered Max.Init.Retransmits times (RFC 9260 §5.1 T1 expiry). */
  | "connect-timeout"
  /** Association.Max.Retrans consecutive expiries without an answer: the peer is unreachable (§8.1). */
  | "retransmission-limit"
  /** The peer's data would take more receive memory than the per-association cap allows. */
  | "reassembly-overflow"
  /** The peer sent a message larger than our max-message-size (a=max-message-size, RFC 8841 §6). */
  | "message-too-large"
  /** The peer broke the protocol in a way that leaves no sane state (we sent ABORT). */
  | "protocol-violation"
  /** A bug of ours was caught by the guard in `handlePacket` / `handleTimeout` (we sent ABORT). */
  | "internal-error";

/** A fatal SCTP failure, carried by the `failed` event. */
export class SctpError extends Error {
  override readonly name = "SctpError";
  constructor(
    readonly code: SctpErrorCode,
    /** Human-readable detail. */
    override readonly cause: string,
  ) {
    super(`${code}: ${cause}`);
  }
}

/** What API misuse was, in `SctpUsageError.code`. */
export type SctpUsageErrorCode =
  /** `send` before the association is established, or after it began closing. */
  | "not-established"
  /** The message is larger than `maxSendMessageSize` (the peer's a=max-message-size). */
  | "message-too-large"
  /** The send buffer (`sendBufferBytes`, queued and in flight) has no room for this message. */
  | "send-buffer-full"
  /** The stream is being reset (RFC 6525): it takes no data until the reset completes. */
  | "stream-resetting"
  /** The stream id is not below the negotiated number of outbound streams. */
  | "invalid-stream"
  /** An empty message: SCTP cannot carry zero user bytes (RFC 8831 §6.6 sends one byte with PPID 56/57). */
  | "empty-message"
  /** A bad option or argument. */
  | "invalid-argument"
  /** `connect` called twice, or on a closed association. */
  | "invalid-state";

/** API misuse, thrown synchronously; `code` says which. A `UsageError` (the wire layer's class). */
export class SctpUsageError extends UsageError {
  constructor(
    readonly code: SctpUsageErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
