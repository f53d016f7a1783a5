/** @tern/dtls-srtp — DTLS 1.3 (RFC 9147) and 1.2 (RFC 6347) public surface. index.ts re-exports this barrel. */
export {
  certificateFromDer,
  certificateFromPem,
  type DtlsCertificate,
  type GenerateCertificateOptions,
  generateCertificate,
  type PeerCertificate,
} from "./crypto/certificate.js";
export type { EcdheGroup } from "./crypto/ecdhe.js";
export {
  type CertificateFingerprint,
  certificateFingerprint,
  type FingerprintAlgorithm,
  fingerprintMatches,
  formatFingerprint,
  parseFingerprint,
} from "./crypto/fingerprint.js";
export type { KeyExchangeGroup } from "./crypto/key-exchange.js";
export { mlKem768 } from "./crypto/ml-kem.js";
export type { RandomSource } from "./crypto/random.js";
export { DtlsEndpoint, type DtlsState } from "./machine/dtls-endpoint.js";
export { DtlsError, type DtlsErrorCode, UsageError } from "./machine/dtls-error.js";
export { DTLS_COUNTERS, type DtlsCounter, type DtlsEvent } from "./machine/dtls-event.js";
export type { DtlsOptions } from "./machine/dtls-options.js";
export type { Millis } from "./machine/flight-buffer.js";
export {
  type CapturedDatagram,
  type HandshakeInspection,
  inspectHandshake,
} from "./machine/handshake-inspection.js";
export type { DtlsVersion } from "./machine/version-negotiation.js";
export { DtlsSocket, type DtlsSocketEvents, type DtlsSocketOptions } from "./node/dtls-socket.js";
export { CIPHER_SUITES, CipherSuite, type CipherSuiteName } from "./wire/cipher-suite.js";
export {
  SrtpProtectionProfile,
  type SrtpProtectionProfileName,
  srtpKeyingMaterialLength,
  srtpProfileKeyLengths,
  srtpProfileName,
} from "./wire/extensions/use-srtp.js";
export {
  TLS13_CIPHER_SUITES,
  Tls13CipherSuite,
  type Tls13CipherSuiteName,
} from "./wire/tls13-cipher-suite.js";
