import type { KeyObject } from "node:crypto";
import { SignatureScheme } from "../wire/tls-parameters.js";
import type { DtlsCertificate, PeerCertificate } from "./certificate.js";
import { type SigningKeyType, signWithScheme, verifyWithScheme } from "./signature.js";

/**
 * TLS 1.3 CertificateVerify signatures (RFC 8446 §4.4.3): ECDSA with the hash of the key's curve, RSA-PSS
 * with rsaEncryption keys (no PKCS#1 v1.5 in 1.3). The signed content is 64 spaces, the context string, a
 * zero byte and the transcript hash.
 */
export const TLS13_SIGNATURE_SCHEMES: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
];

const CURVE_SCHEME: Readonly<Record<string, number>> = {
  prime256v1: SignatureScheme.ecdsa_secp256r1_sha256,
  secp384r1: SignatureScheme.ecdsa_secp384r1_sha384,
};

/** The schemes this key can sign with in TLS 1.3, in preference order. */
export function tls13SchemesForKey(key: KeyObject, keyType: SigningKeyType): readonly number[] {
  if (keyType === "rsa") {
    return [
      SignatureScheme.rsa_pss_rsae_sha256,
      SignatureScheme.rsa_pss_rsae_sha384,
      SignatureScheme.rsa_pss_rsae_sha512,
    ];
  }
  const scheme = CURVE_SCHEME[key.asymmetricKeyDetails?.namedCurve ?? ""];
  return scheme === undefined ? [] : [scheme];
}

const enc = new TextEncoder();

function signedContent(side: "client" | "server", transcriptHash: Uint8Array): Uint8Array {
  const context = enc.encode(`TLS 1.3, ${side} CertificateVerify`);
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(context, 64);
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

export function signCertificateVerify(
  scheme: number,
  certificate: DtlsCertificate,
  side: "client" | "server",
  transcriptHash: Uint8Array,
): Uint8Array | undefined {
  if (!tls13SchemesForKey(certificate.privateKey, certificate.keyType).includes(scheme)) return undefined;
  return signWithScheme(
    scheme,
    certificate.privateKey,
    certificate.keyType,
    signedContent(side, transcriptHash),
  );
}

export function verifyCertificateVerify(
  scheme: number,
  peer: PeerCertificate,
  side: "client" | "server",
  transcriptHash: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!tls13SchemesForKey(peer.publicKey, peer.keyType).includes(scheme)) return false;
  return verifyWithScheme(
    scheme,
    peer.publicKey,
    peer.keyType,
    signedContent(side, transcriptHash),
    signature,
  );
}
