/** What API misuse of a data channel was (W3C webrtc-pc §6.1–6.2 exceptions), in `DataChannelUsageError.code`. */
export type DataChannelUsageErrorCode =
  /** A bad `RTCDataChannelInit` (W3C: TypeError): label or protocol too long, both PR policies, … */
  | "invalid-argument"
  /** The id is held by another channel (W3C: OperationError). */
  | "id-in-use"
  /** No stream id of our parity is free (W3C: OperationError). */
  | "no-free-id"
  /** `send` while the channel is not open (W3C: InvalidStateError). */
  | "invalid-state"
  /** Larger than the peer's max-message-size (W3C: TypeError). */
  | "message-too-large"
  /** The association's send buffer has no room for it (W3C: OperationError). */
  | "send-buffer-full";

/** Data channel API misuse, thrown synchronously; the W3C layer maps `code` to the spec's exception. */
export class DataChannelUsageError extends Error {
  override readonly name = "DataChannelUsageError";
  constructor(
    readonly code: DataChannelUsageErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
