/**
 * RFC 8448 §3 (the simple 1-RTT TLS 1.3 handshake, test/vectors/rfc8448-section3.txt): Tern's TLS 1.3
 * codecs decode and re-encode the trace's messages byte for byte, its key schedule (with the "tls13 " label
 * prefix the trace uses; DTLS 1.3 swaps in "dtls13") reproduces every secret, key, IV and Finished, and its
 * AEAD record protection reproduces the client's application data record.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateEcdheKeyPair } from "../../src/crypto/ecdhe.js";
import {
  deriveSecret,
  hashOf,
  KeySchedule,
  TLS13_LABEL_PREFIX,
  trafficKeys,
} from "../../src/crypto/key-schedule.js";
import { createRecordProtection13 } from "../../src/crypto/tls13-record-protection.js";
import { decodeCertificateVerify, encodeCertificateVerify } from "../../src/wire/certificate-verify.js";
import { decodeEncryptedExtensions, encodeEncryptedExtensions } from "../../src/wire/encrypted-extensions.js";
import { decodeExtensions, encodeExtensions, findExtension } from "../../src/wire/extensions/extension.js";
import { encodeInnerPlaintext } from "../../src/wire/inner-plaintext.js";
import { TlsReader } from "../../src/wire/presentation-language.js";
import { decodeServerHello, encodeServerHello } from "../../src/wire/server-hello.js";
import { decodeTls13Certificate, encodeTls13Certificate } from "../../src/wire/tls13-certificate.js";
import { TLS13_CIPHER_SUITES } from "../../src/wire/tls13-cipher-suite.js";

/** name → bytes, from the vector file (blocks of hex octets under a name). */
function vectors(): Map<string, Uint8Array> {
  const text = readFileSync(join(import.meta.dirname, "../vectors/rfc8448-section3.txt"), "utf8");
  const out = new Map<string, number[]>();
  let current: number[] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trimEnd();
    if (line.trim() === "") continue;
    if (!line.startsWith(" ")) {
      current = [];
      out.set(line.trim(), current);
    } else
      current?.push(
        ...line
          .trim()
          .split(/\s+/)
          .map((h) => Number.parseInt(h, 16)),
      );
  }
  return new Map([...out].map(([k, v]) => [k, Uint8Array.from(v)]));
}

const v = vectors();
const get = (name: string): Uint8Array => {
  const b = v.get(name);
  if (b === undefined) throw new Error(`no vector ${name}`);
  return b;
};
const body = (msg: Uint8Array) => msg.subarray(4);
const P = TLS13_LABEL_PREFIX;

describe("RFC 8448 §3: structures", () => {
  it("ServerHello (key_share server form, supported_versions) decodes and re-encodes", () => {
    const d = decodeServerHello(body(get("server_hello")));
    if (!d.ok) throw new Error(d.error.code);
    expect(d.value.cipherSuite).toBe(0x1301);
    const ks = findExtension(d.value.extensions, "key_share");
    expect(ks?.form === "server_hello" && ks.serverShare.keyExchange).toEqual(get("server_public_key"));
    expect(findExtension(d.value.extensions, "supported_versions")?.versions).toEqual([0x0304]);
    expect(encodeServerHello(d.value)).toEqual(body(get("server_hello")));
  });

  it("ClientHello extensions (key_share client form, unknown ones kept raw) decode and re-encode", () => {
    // TLS 1.3's ClientHello has no DTLS cookie: the extension block starts after the compression methods.
    const r = new TlsReader(body(get("client_hello")));
    r.u16();
    r.raw(32);
    r.vec8();
    r.vec16();
    r.vec8();
    const block = r.vec16();
    const d = decodeExtensions(block, "client_hello");
    if (!d.ok) throw new Error(d.error.code);
    const ks = findExtension(d.value, "key_share");
    expect(ks?.form === "client_hello" && ks.clientShares[0]?.keyExchange).toEqual(get("client_public_key"));
    expect(encodeExtensions(d.value, "client_hello")).toEqual(block);
  });

  it("EncryptedExtensions, Certificate and CertificateVerify decode and re-encode", () => {
    const ee = decodeEncryptedExtensions(body(get("encrypted_extensions")));
    if (!ee.ok) throw new Error(ee.error.code);
    expect(encodeEncryptedExtensions(ee.value)).toEqual(body(get("encrypted_extensions")));
    const cert = decodeTls13Certificate(body(get("certificate")));
    if (!cert.ok) throw new Error(cert.error.code);
    expect(cert.value.certificateList).toHaveLength(1);
    expect(encodeTls13Certificate(cert.value)).toEqual(body(get("certificate")));
    const cv = decodeCertificateVerify(body(get("certificate_verify")));
    if (!cv.ok) throw new Error(cv.error.code);
    expect(cv.value.signatureScheme).toBe(0x0804);
    expect(encodeCertificateVerify(cv.value)).toEqual(body(get("certificate_verify")));
  });
});

describe("RFC 8448 §3: key schedule and record protection", () => {
  const transcript = (...names: string[]) => hashOf("sha256", ...names.map(get));

  it("X25519 from the trace's private keys gives the trace's shared secret", () => {
    const client = generateEcdheKeyPair("x25519", () => get("client_private_key"));
    const server = generateEcdheKeyPair("x25519", () => get("server_private_key"));
    expect(client.publicKey).toEqual(get("client_public_key"));
    expect(server.publicKey).toEqual(get("server_public_key"));
    expect(client.computeSharedSecret(server.publicKey)).toEqual(get("ecdhe_shared"));
  });

  it("reproduces every secret, key, IV and both Finished values", () => {
    const ks = new KeySchedule("sha256", P);
    expect(ks.earlySecret).toEqual(get("early_secret"));
    expect(deriveSecret("sha256", ks.earlySecret, "derived", hashOf("sha256"), P)).toEqual(
      get("derived_early"),
    );
    expect(ks.deriveHandshakeSecret(get("ecdhe_shared"))).toEqual(get("handshake_secret"));
    const chSh = transcript("client_hello", "server_hello");
    expect(chSh).toEqual(get("hash_ch_sh"));
    const cHs = ks.handshakeTrafficSecret("client", chSh);
    const sHs = ks.handshakeTrafficSecret("server", chSh);
    expect(cHs).toEqual(get("c_hs_traffic"));
    expect(sHs).toEqual(get("s_hs_traffic"));
    const sHsKeys = trafficKeys("sha256", sHs, 16, P);
    expect(sHsKeys.key).toEqual(get("s_hs_key"));
    expect(sHsKeys.iv).toEqual(get("s_hs_iv"));
    const beforeFinished = transcript(
      "client_hello",
      "server_hello",
      "encrypted_extensions",
      "certificate",
      "certificate_verify",
    );
    expect(ks.finishedVerifyData(sHs, beforeFinished)).toEqual(get("server_finished_verify_data"));
    expect(body(get("server_finished"))).toEqual(get("server_finished_verify_data"));
    expect(ks.deriveMasterSecret()).toEqual(get("master_secret"));
    const chSf = transcript(
      "client_hello",
      "server_hello",
      "encrypted_extensions",
      "certificate",
      "certificate_verify",
      "server_finished",
    );
    expect(chSf).toEqual(get("hash_ch_sf"));
    const cAp = ks.masterDerived("c ap traffic", chSf);
    const sAp = ks.masterDerived("s ap traffic", chSf);
    expect(cAp).toEqual(get("c_ap_traffic"));
    expect(sAp).toEqual(get("s_ap_traffic"));
    expect(ks.masterDerived("exp master", chSf)).toEqual(get("exp_master"));
    expect(trafficKeys("sha256", sAp, 16, P)).toMatchObject({ key: get("s_ap_key"), iv: get("s_ap_iv") });
    expect(trafficKeys("sha256", cAp, 16, P)).toMatchObject({ key: get("c_ap_key"), iv: get("c_ap_iv") });
    expect(ks.finishedVerifyData(cHs, chSf)).toEqual(get("client_finished_verify_data"));
  });

  it("AEAD record protection reproduces the client's first application data record (and opens it)", () => {
    const suite = TLS13_CIPHER_SUITES[0];
    if (suite === undefined) throw new Error("no suite");
    const record = get("client_app_record");
    const header = record.subarray(0, 5); // TLS 1.3's additional data is the record header
    const p = createRecordProtection13(suite, get("c_ap_key"), get("c_ap_iv"), new Uint8Array(16));
    const inner = encodeInnerPlaintext({ contentType: 23, content: get("client_app_payload") });
    expect(p.seal(0, header, inner)).toEqual(record.subarray(5));
    expect(p.open(0, header, record.subarray(5))).toEqual(inner);
    expect(p.open(1, header, record.subarray(5))).toBeUndefined();
  });
});
