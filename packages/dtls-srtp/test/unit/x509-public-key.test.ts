import { createPublicKey, webcrypto, X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePeerCertificate } from "../../src/crypto/certificate.js";
import { decodeEcPublicKey, decodeSubjectPublicKeyInfo } from "../../src/wire/x509-public-key.js";

type Alg = { name: "ECDSA"; namedCurve: string; hash: string } | webcrypto.RsaHashedKeyGenParams;

async function selfSigned(alg: Alg): Promise<Uint8Array> {
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { serialNumber: "01", name: "CN=x509-public-key test", keys, signingAlgorithm: alg },
    webcrypto,
  );
  return new Uint8Array(cert.rawData);
}

const rsa: webcrypto.RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

describe("X.509 subject public key (RFC 5280 §4.1, RFC 5480 §2)", () => {
  for (const curve of ["P-256", "P-384"] as const) {
    it(`finds the ${curve} point node's X509Certificate finds`, async () => {
      const der = await selfSigned({ name: "ECDSA", namedCurve: curve, hash: "SHA-256" });
      const node = new X509Certificate(der).publicKey;
      const spki = decodeSubjectPublicKeyInfo(der);
      expect(spki.ok && Buffer.from(spki.value)).toEqual(node.export({ format: "der", type: "spki" }));
      const ec = decodeEcPublicKey(der);
      if (!ec.ok) throw new Error(ec.error.code);
      const jwk = node.export({ format: "jwk" });
      expect(ec.value.curve).toBe(curve);
      expect(Buffer.from(ec.value.x).toString("base64url")).toBe(jwk.x);
      expect(Buffer.from(ec.value.y).toString("base64url")).toBe(jwk.y);
      const peer = parsePeerCertificate(der);
      expect(peer?.keyType).toBe("ecdsa");
      expect(peer?.publicKey.equals(node)).toBe(true);
    });
  }

  it("leaves an RSA key to X509Certificate (not-ec), and parsePeerCertificate still reads it", async () => {
    const der = await selfSigned(rsa);
    const ec = decodeEcPublicKey(der);
    expect(ec.ok === false && ec.error.code).toBe("not-ec");
    const spki = decodeSubjectPublicKeyInfo(der);
    expect(
      spki.ok &&
        createPublicKey({ key: Buffer.from(spki.value), format: "der", type: "spki" }).asymmetricKeyType,
    ).toBe("rsa");
    expect(parsePeerCertificate(der)?.keyType).toBe("rsa");
  });

  it("rejects a point that is not on the curve (the JWK import refuses it)", async () => {
    const der = await selfSigned({ name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" });
    const ec = decodeEcPublicKey(der);
    if (!ec.ok) throw new Error(ec.error.code);
    const bad = der.slice();
    const yAt = ec.value.y.byteOffset - der.byteOffset + ec.value.y.length - 1;
    bad[yAt] = (bad[yAt] ?? 0) ^ 1;
    expect(parsePeerCertificate(bad)).toBeUndefined();
  });

  it("never throws on truncated, corrupted or random input", async () => {
    const der = await selfSigned({ name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" });
    for (let n = 0; n < der.length; n++) {
      const r = decodeEcPublicKey(der.subarray(0, n));
      expect(r.ok).toBe(false);
    }
    fc.assert(
      fc.property(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bad = der.slice();
        bad[at] = byte;
        decodeEcPublicKey(bad);
        parsePeerCertificate(bad);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const r = decodeEcPublicKey(bytes);
        if (r.ok) expect(r.value.x.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("bounds lengths: a length of more than 3 bytes is refused", () => {
    const r = decodeSubjectPublicKeyInfo(Uint8Array.from([0x30, 0x84, 0, 0, 0, 1, 0]));
    expect(r.ok === false && r.error.code).toBe("bad-length");
  });
});
