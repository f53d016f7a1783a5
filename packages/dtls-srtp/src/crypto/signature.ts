import { constants, type KeyObject, sign, verify } from "node:crypto";
import { SignatureScheme } from "../wire/tls-parameters.js";

/**
 * digitally-signed (RFC 5246 §4.7) with TLS 1.2 SignatureAndHashAlgorithm codes: ECDSA (DER-encoded
 * ECDSA-Sig-Value, RFC 8422 §5.4), RSASSA-PKCS1-v1_5 and RSASSA-PSS with rsaEncryption keys
 * (rsa_pss_rsae_*, RFC 8446 §4.2.3; salt length = digest length).
 */
export type SigningKeyType = "ecdsa" | "rsa";

interface SchemeInfo {
  readonly hash: "sha256" | "sha384" | "sha512";
  readonly key: SigningKeyType;
  readonly pss: boolean;
}

const schemes: ReadonlyMap<number, SchemeInfo> = new Map<number, SchemeInfo>([
  [SignatureScheme.ecdsa_secp256r1_sha256, { hash: "sha256", key: "ecdsa", pss: false }],
  [SignatureScheme.ecdsa_secp384r1_sha384, { hash: "sha384", key: "ecdsa", pss: false }],
  [SignatureScheme.ecdsa_secp521r1_sha512, { hash: "sha512", key: "ecdsa", pss: false }],
  [SignatureScheme.rsa_pkcs1_sha256, { hash: "sha256", key: "rsa", pss: false }],
  [SignatureScheme.rsa_pkcs1_sha384, { hash: "sha384", key: "rsa", pss: false }],
  [SignatureScheme.rsa_pkcs1_sha512, { hash: "sha512", key: "rsa", pss: false }],
  [SignatureScheme.rsa_pss_rsae_sha256, { hash: "sha256", key: "rsa", pss: true }],
  [SignatureScheme.rsa_pss_rsae_sha384, { hash: "sha384", key: "rsa", pss: true }],
  [SignatureScheme.rsa_pss_rsae_sha512, { hash: "sha512", key: "rsa", pss: true }],
]);

/** Schemes Tern verifies, in the order it advertises them (signature_algorithms, CertificateRequest). */
export const SUPPORTED_SIGNATURE_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
  SignatureScheme.rsa_pkcs1_sha512,
  SignatureScheme.ecdsa_secp521r1_sha512,
];

/** Schemes a key of this type can produce, in Tern's preference order. */
export function signatureSchemesForKey(key: SigningKeyType): readonly number[] {
  return key === "ecdsa"
    ? [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.ecdsa_secp384r1_sha384]
    : [
        SignatureScheme.rsa_pkcs1_sha256,
        SignatureScheme.rsa_pss_rsae_sha256,
        SignatureScheme.rsa_pkcs1_sha384,
      ];
}

function keyOptions(info: SchemeInfo, key: KeyObject) {
  if (info.key === "ecdsa") return { key, dsaEncoding: "der" as const };
  if (info.pss)
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  return { key, padding: constants.RSA_PKCS1_PADDING };
}

/** Signs with our private key; undefined when the scheme does not fit the key. */
export function signWithScheme(
  scheme: number,
  privateKey: KeyObject,
  keyType: SigningKeyType,
  data: Uint8Array,
): Uint8Array | undefined {
  const info = schemes.get(scheme);
  if (info === undefined || info.key !== keyType) return undefined;
  return new Uint8Array(sign(info.hash, data, keyOptions(info, privateKey)));
}

/** Verifies a peer's signature; false on any mismatch (scheme vs key type, malformed signature). */
export function verifyWithScheme(
  scheme: number,
  publicKey: KeyObject,
  keyType: SigningKeyType,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const info = schemes.get(scheme);
  if (info === undefined || info.key !== keyType) return false;
  try {
    return verify(info.hash, data, keyOptions(info, publicKey), signature);
  } catch {
    return false;
  }
}
