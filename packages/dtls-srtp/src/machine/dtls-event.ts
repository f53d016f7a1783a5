import type { CipherSuiteName } from "../wire/cipher-suite.js";
import type { DtlsError } from "./dtls-error.js";

/** What a DtlsEndpoint reports through pollEvent(); discriminated on `kind`. */
export type DtlsEvent =
  | {
      readonly kind: "connected";
      readonly cipherSuite: CipherSuiteName;
      /** The negotiated DTLS-SRTP protection profile (RFC 5764), if use_srtp was negotiated. */
      readonly srtpProfile: number | undefined;
      /** The peer's leaf certificate (absent when a client did not authenticate). */
      readonly peerCertificate: { readonly der: Uint8Array; readonly fingerprint: string } | undefined;
      readonly extendedMasterSecret: boolean;
    }
  | { readonly kind: "application-data"; readonly data: Uint8Array }
  | { readonly kind: "closed"; readonly by: "local" | "peer" }
  | { readonly kind: "failed"; readonly error: DtlsError };

/** Inputs the endpoint dropped, by reason (style: "drop it, count it"). */
export const DTLS_COUNTERS = [
  "malformed-record",
  "bad-record-version",
  "unknown-epoch",
  "replayed-record",
  "bad-record-mac",
  "future-epoch-buffered",
  "future-epoch-overflow",
  "malformed-handshake-fragment",
  "duplicate-fragment",
  "too-far-ahead",
  "too-large",
  "over-budget",
  "inconsistent-fragment",
  "peer-retransmission",
  "resent-flight",
  "retransmitted-flight",
  "bad-change-cipher-spec",
  "bad-alert",
  "stale-alert",
  "warning-alert",
  "early-application-data",
  "unknown-content-type",
  "after-close",
  "not-started",
  "renegotiation-refused",
  "unexpected-post-handshake",
] as const;
export type DtlsCounter = (typeof DTLS_COUNTERS)[number];
