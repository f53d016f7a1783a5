/**
 * IANA "Transport Layer Security (TLS) Parameters" registries used by DTLS 1.2 and 1.3 (RFC 5246 §A,
 * RFC 6347 §4.3, RFC 8422, RFC 8446 §4.2 and §B.3, RFC 9147 §7, RFC 7905). `as const` objects, cross-checked against the IANA tables by
 * test/unit/tls-parameters.test.ts.
 */

/** RFC 5246 §6.2.1 ContentType. */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
  /** RFC 9147 §7. */
  ack: 26,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** ProtocolVersion on the wire: DTLS 1.0 = {254,255}, DTLS 1.2 = {254,253} (RFC 6347 §4.1). */
export const ProtocolVersion = {
  DTLS1_0: 0xfeff,
  DTLS1_2: 0xfefd,
  DTLS1_3: 0xfefc,
} as const;

/** RFC 5246 §7.4 / RFC 6347 §4.3.2 HandshakeType. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

/** RFC 5246 §7.2 AlertLevel. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

/** RFC 5246 §7.2 AlertDescription (+ RFC 5746 / RFC 8446 entries DTLS 1.2 peers send). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  no_application_protocol: 120,
} as const;
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];

/** Name of an alert description code, or `alert_<n>` when unknown. */
export function alertDescriptionName(code: number): string {
  for (const [name, v] of Object.entries(AlertDescription)) if (v === code) return name;
  return `alert_${code}`;
}

/** IANA TLS ExtensionType values this implementation knows. */
export const ExtensionType = {
  server_name: 0,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  application_layer_protocol_negotiation: 16,
  extended_master_secret: 23,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

/** IANA TLS Supported Groups (RFC 8422 §5.1.1, RFC 7919, draft-ietf-tls-ecdhe-mlkem). */
export const NamedGroup = {
  secp256r1: 23,
  secp384r1: 24,
  secp521r1: 25,
  x25519: 29,
  x448: 30,
  ffdhe2048: 256,
  ffdhe3072: 257,
  X25519MLKEM768: 0x11ec,
} as const;

/** RFC 8422 §5.1.2 ECPointFormat. */
export const EcPointFormat = { uncompressed: 0 } as const;

/** RFC 8422 §5.4 ECCurveType. */
export const EcCurveType = { named_curve: 3 } as const;

/** RFC 5246 §7.4.4 ClientCertificateType. */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/**
 * IANA TLS SignatureScheme (RFC 8446 §4.2.3). In TLS 1.2 the two bytes are SignatureAndHashAlgorithm
 * {hash, signature} (RFC 5246 §7.4.1.4.1); the codes coincide for the schemes below.
 */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;

/** RFC 5246 §7.4.1.2 CompressionMethod. */
export const CompressionMethod = { null: 0 } as const;

/** RFC 5746 §3.3 TLS_EMPTY_RENEGOTIATION_INFO_SCSV. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
