/**
 * The DTLS 1.2 cipher suites Tern speaks: ECDHE key exchange with AEAD record protection.
 * RFC 5289 §3.2 (AES-GCM with SHA-256/384 PRF), RFC 7905 §2 (CHACHA20-POLY1305), IANA TLS Cipher Suites.
 */
export const CipherSuite = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca8,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
} as const;
export type CipherSuiteName = keyof typeof CipherSuite;

export type RecordAead = "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";
export type PrfHash = "sha256" | "sha384";

export interface CipherSuiteInfo {
  readonly name: CipherSuiteName;
  readonly code: number;
  /** Which certificate key signs the ServerKeyExchange. */
  readonly auth: "ecdsa" | "rsa";
  readonly aead: RecordAead;
  readonly keyLength: number;
  /** client/server_write_IV length: the GCM salt (4, RFC 5288 §3) or the ChaCha20 nonce mask (12, RFC 7905 §2). */
  readonly fixedIvLength: number;
  /** Explicit per-record nonce carried in the record (8 for GCM, 0 for ChaCha20). */
  readonly explicitNonceLength: number;
  readonly prfHash: PrfHash;
}

const table: readonly CipherSuiteInfo[] = [
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ecdsa", "aes-128-gcm", "sha256"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ecdsa", "aes-256-gcm", "sha384"),
  suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ecdsa", "chacha20-poly1305", "sha256"),
  suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "rsa", "aes-128-gcm", "sha256"),
  suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "rsa", "aes-256-gcm", "sha384"),
  suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "rsa", "chacha20-poly1305", "sha256"),
];

function suite(
  name: CipherSuiteName,
  auth: "ecdsa" | "rsa",
  aead: RecordAead,
  prfHash: PrfHash,
): CipherSuiteInfo {
  const chacha = aead === "chacha20-poly1305";
  return {
    name,
    code: CipherSuite[name],
    auth,
    aead,
    keyLength: aead === "aes-128-gcm" ? 16 : 32,
    fixedIvLength: chacha ? 12 : 4,
    explicitNonceLength: chacha ? 0 : 8,
    prfHash,
  };
}

/** Every suite, in Tern's default preference order (ECDSA first, AES-128-GCM first). */
export const CIPHER_SUITES: readonly CipherSuiteInfo[] = table;

export function cipherSuiteInfo(code: number): CipherSuiteInfo | undefined {
  return table.find((s) => s.code === code);
}

export function cipherSuiteByName(name: string): CipherSuiteInfo | undefined {
  return table.find((s) => s.name === name);
}
