import { AlertDescription, alertDescriptionName } from "../wire/tls-parameters.js";

/** Why a DTLS association failed (the `failed` event). */
export type DtlsErrorCode =
  /** Our flight was retransmitted `maxRetransmissions` times without an answer (RFC 6347 §4.2.4). */
  | "handshake-timeout"
  /** The peer's certificate matches none of the expected fingerprints (RFC 8122 §5, RFC 8827 §6.5). */
  | "fingerprint-mismatch"
  /** The peer's certificate is missing, malformed, or its signature does not verify. */
  | "bad-certificate"
  /** The peer sent a fatal alert; `alert` is its description. */
  | "peer-alert"
  /** No cipher suite, group, signature scheme or SRTP profile in common. */
  | "handshake-failure"
  /** requireExtendedMasterSecret is set and the peer did not negotiate it (RFC 7627 §5.3). */
  | "insufficient-security"
  /** The peer's Finished did not verify. */
  | "decrypt-error"
  /** A handshake message did not decode. */
  | "decode-error"
  /** A handshake field had a value we never offered or cannot accept. */
  | "illegal-parameter"
  /** A handshake message arrived where it has no place. */
  | "unexpected-message"
  /** A required extension is missing (RFC 8446 §4.2). */
  | "missing-extension"
  /** No DTLS version in common (RFC 8446 §4.2.1). */
  | "protocol-version";

const alertFor: Readonly<Record<DtlsErrorCode, number | undefined>> = {
  "handshake-timeout": undefined,
  "fingerprint-mismatch": AlertDescription.bad_certificate,
  "bad-certificate": AlertDescription.bad_certificate,
  "peer-alert": undefined,
  "handshake-failure": AlertDescription.handshake_failure,
  "insufficient-security": AlertDescription.handshake_failure,
  "decrypt-error": AlertDescription.decrypt_error,
  "decode-error": AlertDescription.decode_error,
  "illegal-parameter": AlertDescription.illegal_parameter,
  "unexpected-message": AlertDescription.unexpected_message,
  "missing-extension": AlertDescription.missing_extension,
  "protocol-version": AlertDescription.protocol_version,
};

/** The fatal alert we send for a locally detected failure (undefined: send none). */
export function alertForError(code: DtlsErrorCode): number | undefined {
  return alertFor[code];
}

/** A fatal DTLS failure, carried by the `failed` event. */
export class DtlsError extends Error {
  override readonly name = "DtlsError";
  constructor(
    readonly code: DtlsErrorCode,
    /** Human-readable detail. */
    override readonly cause: string,
    /** The alert description sent (local failure) or received (`peer-alert`). */
    readonly alert?: number,
  ) {
    super(`${code}: ${cause}${alert === undefined ? "" : ` (alert ${alertDescriptionName(alert)})`}`);
  }
}

/** API misuse (send before connected, bad configuration): thrown synchronously. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
