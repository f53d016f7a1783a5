/**
 * API misuse while building a STUN message (an address that is not an IP literal, a reason phrase
 * longer than RFC 8489 allows, a MESSAGE-INTEGRITY placeholder without a key…). Thrown synchronously by
 * the encoders; decoding never throws.
 */
export type StunEncodeErrorCode =
  | "bad-address"
  | "bad-port"
  | "bad-value"
  | "value-too-long"
  | "missing-key"
  | "bad-method"
  | "bad-transaction-id"
  | "message-too-long";

export class StunEncodeError extends Error {
  override readonly name = "StunEncodeError";
  constructor(
    readonly code: StunEncodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
