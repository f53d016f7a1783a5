import { createPrivateKey, createPublicKey, type KeyObject, webcrypto, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { decodeEcPublicKey } from "../wire/x509-public-key.js";
import type { SigningKeyType } from "./signature.js";

/**
 * Our certificate: the DER chain (leaf first) sent in Certificate, and the private key that signs
 * ServerKeyExchange / CertificateVerify.
 */
export interface DtlsCertificate {
  readonly chain: readonly Uint8Array[];
  readonly privateKey: KeyObject;
  readonly keyType: SigningKeyType;
}

/** The peer's leaf certificate as far as the handshake needs it. */
export interface PeerCertificate {
  readonly der: Uint8Array;
  readonly publicKey: KeyObject;
  readonly keyType: SigningKeyType;
}

function base64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}

function keyTypeOf(key: KeyObject): SigningKeyType | undefined {
  if (key.asymmetricKeyType === "ec") return "ecdsa";
  if (key.asymmetricKeyType === "rsa") return "rsa";
  return undefined;
}

/** Parses a peer's DER certificate; undefined when malformed or with a key type Tern cannot verify. */
export function parsePeerCertificate(der: Uint8Array): PeerCertificate | undefined {
  try {
    // Fast path: an EC key (what browsers and Tern send) imported from its point as a JWK.
    const ec = decodeEcPublicKey(der);
    if (ec.ok) {
      const { curve, x, y } = ec.value;
      const jwk = { kty: "EC", crv: curve, x: base64url(x), y: base64url(y) };
      return { der, publicKey: createPublicKey({ key: jwk, format: "jwk" }), keyType: "ecdsa" };
    }
    const cert = new X509Certificate(der);
    const keyType = keyTypeOf(cert.publicKey);
    return keyType === undefined ? undefined : { der, publicKey: cert.publicKey, keyType };
  } catch {
    return undefined;
  }
}

/**
 * A supplied certificate (PEM: one or more CERTIFICATE blocks, leaf first) and private key (PEM PKCS#8,
 * SEC1 or PKCS#1). Throws on malformed input or an unsupported key type (configuration misuse).
 */
export function certificateFromPem(certificatePem: string, privateKeyPem: string): DtlsCertificate {
  const blocks = certificatePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TypeError("no CERTIFICATE block in certificatePem");
  const chain = blocks.map((b) => new Uint8Array(new X509Certificate(b).raw));
  return certificateFromDer(chain, createPrivateKey(privateKeyPem));
}

/** A supplied DER chain (leaf first) and private key (a KeyObject, or PKCS#8 DER). */
export function certificateFromDer(
  chain: readonly Uint8Array[],
  privateKey: KeyObject | Uint8Array,
): DtlsCertificate {
  const key =
    privateKey instanceof Uint8Array
      ? createPrivateKey({ key: Buffer.from(privateKey), format: "der", type: "pkcs8" })
      : privateKey;
  const keyType = keyTypeOf(key);
  if (keyType === undefined) throw new TypeError(`unsupported private key type ${key.asymmetricKeyType}`);
  const leaf = chain[0];
  if (leaf === undefined) throw new TypeError("empty certificate chain");
  new X509Certificate(leaf); // throws on a malformed leaf
  return { chain: chain.map((c) => c.slice()), privateKey: key, keyType };
}

export interface GenerateCertificateOptions {
  readonly commonName?: string;
  /** Validity starts a day in the past (clock skew) and lasts this long; default 30 days. */
  readonly validityDays?: number;
}

/**
 * A fresh self-signed ECDSA P-256 certificate (what WebRTC endpoints use, RFC 8827 §6.5), made with
 * @peculiar/x509 over node's webcrypto.
 */
export async function generateCertificate(
  options: GenerateCertificateOptions = {},
): Promise<DtlsCertificate> {
  const crypto = webcrypto;
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const serial = new Uint8Array(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] as number) & 0x7f; // positive INTEGER
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(serial).toString("hex"),
      name: `CN=${options.commonName ?? "tern"}`,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + (options.validityDays ?? 30) * 86_400_000),
      signingAlgorithm: alg,
      keys,
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return certificateFromDer([new Uint8Array(cert.rawData)], new Uint8Array(pkcs8));
}
