import { describe, expect, it } from "vitest";
import { generateCertificate, parsePeerCertificate } from "../../src/crypto/certificate.js";
import { generateEcdheKeyPair } from "../../src/crypto/ecdhe.js";
import {
  certificateFingerprint,
  fingerprintMatches,
  formatFingerprint,
  parseFingerprint,
} from "../../src/crypto/fingerprint.js";
import { exportKeyingMaterial, prf } from "../../src/crypto/prf.js";
import { createRecordCipher } from "../../src/crypto/record-protection.js";
import { signatureSchemesForKey, signWithScheme, verifyWithScheme } from "../../src/crypto/signature.js";
import { cipherSuiteInfo } from "../../src/wire/cipher-suite.js";
import { SeededRandom } from "../sim/seeded-random.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex"));

describe("TLS 1.2 PRF (RFC 5246 §5)", () => {
  // Test vectors: IETF TLS WG mailing list, "TLS 1.2 PRF test vectors" (mail-archive/web/tls/current/msg03416).
  it("P_SHA256 vector", () => {
    const out = prf(
      "sha256",
      hex("9bbe436ba940f017b17652849a71db35"),
      "test label",
      hex("a0ba9f936cda311827a6f796ffd5198c"),
      100,
    );
    expect(Buffer.from(out).toString("hex")).toBe(
      "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a" +
        "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab" +
        "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" +
        "87347b66",
    );
  });

  it("P_SHA384 vector", () => {
    const out = prf(
      "sha384",
      hex("b80b733d6ceefcdc71566ea48e5567df"),
      "test label",
      hex("cd665cf6a8447dd6ff8b27555edb7465"),
      148,
    );
    expect(Buffer.from(out).toString("hex")).toBe(
      "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd" +
        "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd" +
        "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425" +
        "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6" +
        "91c8f3a26854308d5eaa3be85e0990703d73e56f",
    );
  });

  it("RFC 5705 exporter: no context differs from an empty context; length is honoured", () => {
    const m = new Uint8Array(48).fill(7);
    const cr = new Uint8Array(32).fill(1);
    const sr = new Uint8Array(32).fill(2);
    const none = exportKeyingMaterial("sha256", m, "EXTRACTOR-dtls_srtp", cr, sr, undefined, 60);
    const empty = exportKeyingMaterial("sha256", m, "EXTRACTOR-dtls_srtp", cr, sr, new Uint8Array(0), 60);
    expect(none).toHaveLength(60);
    expect(none).not.toEqual(empty);
    const seed = new Uint8Array([...cr, ...sr]);
    expect(none).toEqual(prf("sha256", m, "EXTRACTOR-dtls_srtp", seed, 60));
  });
});

describe("record protection", () => {
  for (const code of [0xc02b, 0xc02c, 0xcca9]) {
    const suite = cipherSuiteInfo(code);
    if (suite === undefined) throw new Error("suite");
    it(`${suite.name}: seal/open round trip, explicit nonce = epoch||seq (RFC 6347 §4.1.2.1), tamper rejected`, () => {
      const rng = new SeededRandom(code);
      const c = createRecordCipher(suite, rng.bytes(suite.keyLength), rng.bytes(suite.fixedIvLength));
      const plain = new TextEncoder().encode("record payload");
      const sealed = c.seal(1, 0x0102030405, 23, 0xfefd, plain);
      expect(sealed.length).toBe(plain.length + c.overhead);
      if (suite.explicitNonceLength === 8)
        expect([...sealed.subarray(0, 8)]).toEqual([0, 1, 0, 1, 2, 3, 4, 5]);
      expect(c.open(1, 0x0102030405, 23, 0xfefd, sealed)).toEqual(plain);
      // Any change of the additional data (seq, type, version, epoch) or of the bytes fails.
      expect(c.open(1, 0x0102030406, 23, 0xfefd, sealed)).toBeUndefined();
      expect(c.open(1, 0x0102030405, 22, 0xfefd, sealed)).toBeUndefined();
      expect(c.open(2, 0x0102030405, 23, 0xfefd, sealed)).toBeUndefined();
      const bad = sealed.slice();
      bad[bad.length - 20] = (bad[bad.length - 20] as number) ^ 1;
      expect(c.open(1, 0x0102030405, 23, 0xfefd, bad)).toBeUndefined();
      expect(c.open(1, 0, 23, 0xfefd, new Uint8Array(3))).toBeUndefined();
    });
  }
});

describe("ECDHE", () => {
  it.each(["x25519", "secp256r1", "secp384r1"] as const)(
    "%s: both sides agree; invalid points are refused",
    (group) => {
      const rng = new SeededRandom(9);
      const a = generateEcdheKeyPair(group, rng.bytes);
      const b = generateEcdheKeyPair(group, rng.bytes);
      expect(a.computeSharedSecret(b.publicKey)).toEqual(b.computeSharedSecret(a.publicKey));
      expect(a.computeSharedSecret(new Uint8Array(5))).toBeUndefined();
      expect(a.computeSharedSecret(new Uint8Array(a.publicKey.length))).toBeUndefined();
      // deterministic from the injected randomness
      expect(generateEcdheKeyPair(group, new SeededRandom(9).bytes).publicKey).toEqual(a.publicKey);
    },
  );
});

describe("certificates, signatures, fingerprints", () => {
  it("a generated certificate signs and verifies (ecdsa_secp256r1_sha256); others' keys do not verify", async () => {
    const c = await generateCertificate();
    const other = await generateCertificate();
    const peer = parsePeerCertificate(c.chain[0] as Uint8Array);
    const otherPeer = parsePeerCertificate(other.chain[0] as Uint8Array);
    if (peer === undefined || otherPeer === undefined) throw new Error("parse");
    const data = new TextEncoder().encode("signed params");
    const scheme = signatureSchemesForKey("ecdsa")[0] as number;
    const sig = signWithScheme(scheme, c.privateKey, c.keyType, data) as Uint8Array;
    expect(verifyWithScheme(scheme, peer.publicKey, peer.keyType, data, sig)).toBe(true);
    expect(verifyWithScheme(scheme, otherPeer.publicKey, otherPeer.keyType, data, sig)).toBe(false);
    expect(verifyWithScheme(0x0401, peer.publicKey, peer.keyType, data, sig)).toBe(false); // RSA scheme, EC key
    expect(parsePeerCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toBeUndefined();
  });

  it("fingerprints: format, parse (any case), match with sha-1/256/384/512", async () => {
    const c = await generateCertificate();
    const der = c.chain[0] as Uint8Array;
    const fp = certificateFingerprint(der);
    const text = formatFingerprint(fp);
    expect(text).toMatch(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(parseFingerprint(text.toLowerCase().replace("sha-256", "SHA-256"))).toEqual(fp);
    expect(parseFingerprint("sha-256 AB:CD")).toBeUndefined();
    expect(parseFingerprint("md5 AB:CD")).toBeUndefined();
    for (const alg of ["sha-1", "sha-256", "sha-384", "sha-512"] as const) {
      expect(fingerprintMatches(der, [certificateFingerprint(der, alg)])).toBe(true);
    }
    const other = await generateCertificate();
    expect(fingerprintMatches(der, [certificateFingerprint(other.chain[0] as Uint8Array)])).toBe(false);
  });
});
