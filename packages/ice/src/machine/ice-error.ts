/** Why ICE failed: RFC 8445 §8 (all pairs failed), RFC 7675 §5.1 (consent expired), or a timeout. */
export type IceErrorCode = "all-pairs-failed" | "consent-expired" | "checking-timeout";

/** A fatal ICE failure: the agent is in the `failed` state and stays there (until an ICE restart). */
export class IceError extends Error {
  override readonly name = "IceError";
  readonly code: IceErrorCode;
  constructor(code: IceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const FAILURES: Readonly<Record<IceErrorCode, string>> = {
  "all-pairs-failed": "every candidate pair failed",
  "consent-expired": "no consent for the selected pair",
  "checking-timeout": "no candidate pair succeeded in time",
};

/** The IceError of a failure, with its message. */
export function iceFailure(code: IceErrorCode): IceError {
  return new IceError(code, FAILURES[code]);
}

/** API misuse (send before a pair is selected, bad configuration): thrown synchronously. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
