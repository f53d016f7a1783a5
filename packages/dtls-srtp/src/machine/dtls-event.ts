import type { PeerCertificate } from "../crypto/certificate.js";
import { certificateFingerprint, formatFingerprint } from "../crypto/fingerprint.js";
import type { KeyExchangeGroup } from "../crypto/key-exchange.js";
import type { CipherSuiteName } from "../wire/cipher-suite.js";
import type { Tls13CipherSuiteName } from "../wire/tls13-cipher-suite.js";
import type { DtlsError } from "./dtls-error.js";

/** What a DtlsEndpoint reports through pollEvent(); discriminated on `kind`. */
export type DtlsEvent =
  | {
      readonly kind: "connected";
      /** "DTLS 1.3" or "DTLS 1.2" (the webrtc-stats tlsVersion wording is the caller's). */
      readonly version: "DTLS 1.3" | "DTLS 1.2";
      readonly cipherSuite: CipherSuiteName | Tls13CipherSuiteName;
      /** The key exchange group (ECDHE curve, or the hybrid X25519MLKEM768 in DTLS 1.3). */
      readonly group: KeyExchangeGroup | undefined;
      /** The negotiated DTLS-SRTP protection profile (RFC 5764), if use_srtp was negotiated. */
      readonly srtpProfile: number | undefined;
      /** The peer's leaf certificate (absent when a client did not authenticate). */
      readonly peerCertificate: { readonly der: Uint8Array; readonly fingerprint: string } | undefined;
      /** RFC 7627 (DTLS 1.2); always true in DTLS 1.3, whose key schedule binds the transcript. */
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
  "unexpected-first-message",
  "rejected-client-hello",
  "evicted-fragment",
  "cid-record",
  "short-ciphertext",
  "bad-inner-plaintext",
  "ack-received",
  "ack-sent",
  "bad-ack",
  "partial-retransmission",
  "key-update-sent",
  "key-update-received",
] as const;
export type DtlsCounter = (typeof DTLS_COUNTERS)[number];

/** The `connected` event's peerCertificate. */
export function peerCertificateInfo(
  peer: PeerCertificate | undefined,
): { readonly der: Uint8Array; readonly fingerprint: string } | undefined {
  return peer === undefined
    ? undefined
    : { der: peer.der, fingerprint: formatFingerprint(certificateFingerprint(peer.der)) };
}
