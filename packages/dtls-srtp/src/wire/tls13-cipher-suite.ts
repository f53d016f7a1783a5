/**
 * The TLS 1.3 cipher suites DTLS 1.3 may use (RFC 8446 §B.4, all DTLS-OK in the IANA registry): the AEAD
 * and the key schedule's hash. The certificate and group are negotiated apart.
 */
export const Tls13CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
} as const;
export type Tls13CipherSuiteName = keyof typeof Tls13CipherSuite;

export interface Tls13CipherSuiteInfo {
  readonly name: Tls13CipherSuiteName;
  readonly code: number;
  readonly aead: "aes-128-gcm" | "aes-256-gcm" | "chacha20-poly1305";
  readonly keyLength: number;
  readonly hash: "sha256" | "sha384";
}

/** Tern's default preference order. */
export const TLS13_CIPHER_SUITES: readonly Tls13CipherSuiteInfo[] = [
  { name: "TLS_AES_128_GCM_SHA256", code: 0x1301, aead: "aes-128-gcm", keyLength: 16, hash: "sha256" },
  { name: "TLS_AES_256_GCM_SHA384", code: 0x1302, aead: "aes-256-gcm", keyLength: 32, hash: "sha384" },
  {
    name: "TLS_CHACHA20_POLY1305_SHA256",
    code: 0x1303,
    aead: "chacha20-poly1305",
    keyLength: 32,
    hash: "sha256",
  },
];

export function tls13CipherSuiteByName(name: string): Tls13CipherSuiteInfo | undefined {
  return TLS13_CIPHER_SUITES.find((s) => s.name === name);
}

export function tls13CipherSuiteByCode(code: number): Tls13CipherSuiteInfo | undefined {
  return TLS13_CIPHER_SUITES.find((s) => s.code === code);
}
