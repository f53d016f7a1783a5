import type { SignalingErrorCode } from "../wire/signaling-error-code.js";

/** API misuse (bad configuration, a call in the wrong state): thrown synchronously. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Why a client request failed: the server's `error` code, or a local condition. */
export type SignalingClientErrorCode = SignalingErrorCode | "disconnected" | "closed" | "timeout";

/** A request (`join`, `leave`, `connect`) the server refused, or that could not complete. */
export class SignalingError extends Error {
  override readonly name = "SignalingError";
  readonly code: SignalingClientErrorCode;
  constructor(code: SignalingClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
