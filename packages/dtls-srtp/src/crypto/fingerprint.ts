import { createHash } from "node:crypto";

/**
 * Certificate fingerprints as carried in SDP `a=fingerprint` (RFC 8122 §5): a hash function name and the
 * uppercase hex digest of the DER certificate, bytes separated by colons: `sha-256 AB:CD:…`.
 */
export type FingerprintAlgorithm = "sha-1" | "sha-224" | "sha-256" | "sha-384" | "sha-512";

export interface CertificateFingerprint {
  readonly algorithm: FingerprintAlgorithm;
  /** Uppercase hex bytes separated by colons. */
  readonly value: string;
}

const nodeHash: Readonly<Record<FingerprintAlgorithm, string>> = {
  "sha-1": "sha1",
  "sha-224": "sha224",
  "sha-256": "sha256",
  "sha-384": "sha384",
  "sha-512": "sha512",
};

const digestLength: Readonly<Record<FingerprintAlgorithm, number>> = {
  "sha-1": 20,
  "sha-224": 28,
  "sha-256": 32,
  "sha-384": 48,
  "sha-512": 64,
};

export function certificateFingerprint(
  der: Uint8Array,
  algorithm: FingerprintAlgorithm = "sha-256",
): CertificateFingerprint {
  const hex = createHash(nodeHash[algorithm]).update(der).digest("hex").toUpperCase();
  return { algorithm, value: hex.match(/../g)?.join(":") ?? "" };
}

/** `sha-256 AB:CD:…` */
export function formatFingerprint(fp: CertificateFingerprint): string {
  return `${fp.algorithm} ${fp.value}`;
}

/** Parses `sha-256 AB:CD:…` (algorithm case-insensitive, hex either case); undefined when malformed. */
export function parseFingerprint(text: string): CertificateFingerprint | undefined {
  const m = /^\s*(\S+)\s+([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)\s*$/.exec(text);
  if (m === null) return undefined;
  const algorithm = (m[1] as string).toLowerCase();
  if (!(algorithm in nodeHash)) return undefined;
  const alg = algorithm as FingerprintAlgorithm;
  const value = (m[2] as string).toUpperCase();
  if ((value.length + 1) / 3 !== digestLength[alg]) return undefined;
  return { algorithm: alg, value };
}

/** Whether the certificate matches at least one of the expected fingerprints (any supported algorithm). */
export function fingerprintMatches(der: Uint8Array, expected: readonly CertificateFingerprint[]): boolean {
  return expected.some((e) => {
    const alg = e.algorithm.toLowerCase() as FingerprintAlgorithm;
    if (!(alg in nodeHash)) return false;
    return certificateFingerprint(der, alg).value === e.value.toUpperCase();
  });
}
