/**
 * Why a description cannot be answered or applied (RFC 8829 §5.3, §5.10). A value, not a throw: the
 * peer connection turns it into the DOMException the W3C API calls for (InvalidAccessError,
 * OperationError).
 */
export type NegotiationErrorCode =
  | "missing-mid"
  | "missing-ice-credentials"
  | "missing-fingerprint"
  | "no-transport"
  | "bad-setup"
  | "setup-conflict"
  | "mid-mismatch";

export interface NegotiationError {
  readonly code: NegotiationErrorCode;
  readonly mid?: string;
  readonly message: string;
}

export type NegotiationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: NegotiationError };

export function negotiationOk<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function negotiationFail(
  code: NegotiationErrorCode,
  message: string,
  mid?: string,
): { readonly ok: false; readonly error: NegotiationError } {
  return { ok: false, error: mid === undefined ? { code, message } : { code, mid, message } };
}
