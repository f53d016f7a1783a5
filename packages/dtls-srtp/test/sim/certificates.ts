import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import {
  certificateFromDer,
  type DtlsCertificate,
  generateCertificate,
} from "../../src/crypto/certificate.js";

/** Fresh ECDSA P-256 certificates for the two sides of a simulation. */
export async function twoCertificates(): Promise<[DtlsCertificate, DtlsCertificate]> {
  return [
    await generateCertificate({ commonName: "sim-a" }),
    await generateCertificate({ commonName: "sim-b" }),
  ];
}

/** A self-signed RSA 2048 certificate (for the ECDHE_RSA suites), made with @peculiar/x509 over webcrypto. */
export async function rsaCertificate(): Promise<DtlsCertificate> {
  const alg = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: "01",
      name: "CN=sim-rsa",
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: alg,
      keys,
    },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return certificateFromDer([new Uint8Array(cert.rawData)], new Uint8Array(pkcs8));
}
