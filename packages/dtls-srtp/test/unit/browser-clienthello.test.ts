/**
 * The browsers' first flights (test/vectors/README.md: captured from Chromium 156 / Firefox ESR 153 headless on
 * loopback; project shared captures) must reassemble, decode, and get a DTLS 1.2 answer from a Tern server.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type DtlsCertificate, generateCertificate } from "../../src/crypto/certificate.js";
import { DtlsEndpoint } from "../../src/machine/dtls-endpoint.js";
import { HandshakeReassembly } from "../../src/machine/handshake-reassembly.js";
import { CipherSuite } from "../../src/wire/cipher-suite.js";
import { decodeClientHello } from "../../src/wire/client-hello.js";
import { findExtension } from "../../src/wire/extensions/extension.js";
import { SrtpProtectionProfile } from "../../src/wire/extensions/use-srtp.js";
import { decodeHandshakeFragments, type HandshakeFragment } from "../../src/wire/handshake.js";
import { decodeHelloVerifyRequest } from "../../src/wire/hello-verify-request.js";
import { decodeRecords } from "../../src/wire/record.js";
import { decodeServerHello } from "../../src/wire/server-hello.js";
import { decodeServerKeyExchange } from "../../src/wire/server-key-exchange.js";
import { ContentType, HandshakeType, NamedGroup } from "../../src/wire/tls-parameters.js";
import { decodeDatagram13 } from "../../src/wire/unified-header.js";

const vectors = join(import.meta.dirname, "../vectors");
const hexLines = (f: string) =>
  readFileSync(join(vectors, f), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => new Uint8Array(Buffer.from(l, "hex")));

const browsers = [
  {
    name: "chromium-156",
    datagrams: hexLines("chromium-156-clienthello.datagrams.hex"),
    // The Chromium body file starts at client_version; Firefox's includes the 12-byte handshake header.
    body: hexLines("chromium-156-clienthello.body.hex")[0] as Uint8Array,
    versions: [0xfefc, 0xfefd],
    srtp: [
      SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
      SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
      SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
    ],
  },
  {
    name: "firefox-153",
    datagrams: hexLines("firefox-153-clienthello.datagrams.hex"),
    body: (hexLines("firefox-153-clienthello.body.hex")[0] as Uint8Array).subarray(12),
    // Firefox also lists 0x0303, a TLS 1.2 code inside DTLS: accepted and ignored.
    versions: [0xfefc, 0xfefd, 0x0303],
    srtp: [
      SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
      SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
      SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
      SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
    ],
  },
];

function fragmentsOf(datagrams: readonly Uint8Array[]): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  for (const d of datagrams) {
    const { records, error } = decodeRecords(d);
    expect(error).toBeUndefined();
    for (const r of records) {
      expect(r.contentType).toBe(ContentType.handshake);
      const f = decodeHandshakeFragments(r.fragment);
      if (!f.ok) throw new Error(f.error.code);
      out.push(...f.value);
    }
  }
  return out;
}

function reassemble(fragments: readonly HandshakeFragment[]): Uint8Array {
  const r = new HandshakeReassembly();
  for (const f of fragments) r.add(f, 0);
  const m = r.poll();
  if (m === undefined) throw new Error("incomplete");
  expect(m.msgType).toBe(HandshakeType.client_hello);
  return m.body;
}

/** Re-cuts a message into fragments at other boundaries, with overlaps (Firefox re-splits on retransmission). */
function resplit(whole: HandshakeFragment, cuts: readonly number[], overlap: number): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  const bounds = [0, ...cuts, whole.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = Math.max(0, (bounds[i] as number) - overlap);
    const end = bounds[i + 1] as number;
    out.push({ ...whole, fragmentOffset: start, fragment: whole.fragment.subarray(start, end) });
  }
  return out;
}

let certificate: DtlsCertificate;
beforeAll(async () => {
  certificate = await generateCertificate();
});

describe.each(browsers)("$name ClientHello capture", (b) => {
  it("reassembles to the captured body", () => {
    const fragments = fragmentsOf(b.datagrams);
    expect(fragments.length).toBe(2);
    expect(reassemble(fragments)).toEqual(b.body);
    expect(reassemble([...fragments].reverse())).toEqual(b.body);
  });

  it("reassembles when duplicated, overlapping and re-split at other boundaries", () => {
    const whole: HandshakeFragment = {
      msgType: HandshakeType.client_hello,
      length: b.body.length,
      messageSeq: 0,
      fragmentOffset: 0,
      fragment: b.body,
    };
    const first = fragmentsOf(b.datagrams);
    const second = resplit(whole, [1188], 0);
    const third = resplit(whole, [100, 700, 701, 1300], 37);
    const mixed = [third[3], first[1], second[0], third[0], third[0], first[0], third[2], third[1], third[4]];
    expect(reassemble(mixed.filter((f): f is HandshakeFragment => f !== undefined))).toEqual(b.body);
  });

  it("decodes: DTLS 1.2 client_version, DTLS 1.3 hints parsed to be ignored, use_srtp, EMS", () => {
    const d = decodeClientHello(b.body);
    if (!d.ok) throw new Error(`${d.error.code} at ${d.error.at}`);
    const ch = d.value;
    expect(ch.clientVersion).toBe(0xfefd);
    expect(ch.cipherSuites).toContain(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    expect([...(findExtension(ch.extensions, "supported_versions")?.versions ?? [])].sort()).toEqual(
      [...b.versions].sort(),
    );
    const keyShare = findExtension(ch.extensions, "key_share");
    const shares = keyShare?.form === "client_hello" ? keyShare.clientShares : [];
    const hybrid = shares.find((s) => s.group === NamedGroup.X25519MLKEM768);
    expect(hybrid?.keyExchange.length).toBe(1216);
    expect(shares.map((s) => s.group)).toContain(NamedGroup.x25519);
    expect(findExtension(ch.extensions, "supported_groups")?.groups.slice(0, 4)).toEqual([
      NamedGroup.X25519MLKEM768,
      NamedGroup.x25519,
      NamedGroup.secp256r1,
      NamedGroup.secp384r1,
    ]);
    expect(findExtension(ch.extensions, "use_srtp")?.profiles).toEqual(b.srtp);
    expect(findExtension(ch.extensions, "extended_master_secret")).toBeDefined();
    expect(findExtension(ch.extensions, "renegotiation_info")?.renegotiatedConnection.length).toBe(0);
  });

  it("a 1.2-only WebRTC server (no cookie) answers with a DTLS 1.2 ServerHello flight", () => {
    const server = new DtlsEndpoint({
      role: "server",
      versions: ["1.2"],
      certificate,
      helloVerifyRequest: false,
      srtpProfiles: [
        SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
        SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
      ],
      requestClientCertificate: true,
    });
    for (const d of b.datagrams) server.handleDatagram(0, d);
    expect(server.pollEvent()).toBeUndefined();
    const answer: Uint8Array[] = [];
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) {
      expect(d.length).toBeLessThanOrEqual(1200);
      answer.push(d);
    }
    const messages = new Map<number, Uint8Array>();
    const r = new HandshakeReassembly();
    for (const f of fragmentsOf(answer)) r.add(f, 0);
    for (let m = r.poll(); m !== undefined; m = r.poll()) messages.set(m.msgType, m.body);
    expect([...messages.keys()]).toEqual([
      HandshakeType.server_hello,
      HandshakeType.certificate,
      HandshakeType.server_key_exchange,
      HandshakeType.certificate_request,
      HandshakeType.server_hello_done,
    ]);
    const sh = decodeServerHello(messages.get(HandshakeType.server_hello) as Uint8Array);
    if (!sh.ok) throw new Error(sh.error.code);
    expect(sh.value.serverVersion).toBe(0xfefd);
    expect(sh.value.cipherSuite).toBe(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    expect(findExtension(sh.value.extensions, "supported_versions")).toBeUndefined();
    expect(findExtension(sh.value.extensions, "extended_master_secret")).toBeDefined();
    expect(findExtension(sh.value.extensions, "use_srtp")?.profiles).toEqual([
      SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
    ]);
    const ske = decodeServerKeyExchange(messages.get(HandshakeType.server_key_exchange) as Uint8Array);
    if (!ske.ok) throw new Error(ske.error.code);
    expect([NamedGroup.x25519, NamedGroup.secp256r1]).toContain(ske.value.namedCurve);
  });

  it("a standalone 1.2-only server answers with a HelloVerifyRequest first", () => {
    const server = new DtlsEndpoint({ role: "server", versions: ["1.2"], certificate });
    for (const d of b.datagrams) server.handleDatagram(0, d);
    const answer = server.pollTransmit();
    expect(answer).toBeDefined();
    expect(server.pollTransmit()).toBeUndefined();
    const [f] = fragmentsOf([answer as Uint8Array]);
    expect(f?.msgType).toBe(HandshakeType.hello_verify_request);
    const hvr = decodeHelloVerifyRequest(f?.fragment ?? new Uint8Array(0));
    expect(hvr.ok && hvr.value.cookie.length).toBe(32);
  });

  it("a default server answers with DTLS 1.3: ServerHello with X25519MLKEM768, then protected records", () => {
    const server = new DtlsEndpoint({
      role: "server",
      certificate,
      helloVerifyRequest: false,
      srtpProfiles: [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM],
      requestClientCertificate: true,
    });
    for (const d of b.datagrams) server.handleDatagram(0, d);
    expect(server.pollEvent()).toBeUndefined();
    const answer: Uint8Array[] = [];
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) answer.push(d);
    const all = answer.flatMap((d) => decodeDatagram13(d).records);
    const plain = all.filter((r) => r.form === "plaintext");
    const hs = plain.flatMap((r) => {
      const f = decodeHandshakeFragments(r.record.fragment);
      return f.ok ? f.value : [];
    });
    const r = new HandshakeReassembly();
    for (const f of hs) r.add(f, 0);
    const shMsg = r.poll();
    expect(shMsg?.msgType).toBe(HandshakeType.server_hello);
    const sh = decodeServerHello(shMsg?.body ?? new Uint8Array(0));
    if (!sh.ok) throw new Error(sh.error.code);
    expect(sh.value.serverVersion).toBe(0xfefd);
    expect(findExtension(sh.value.extensions, "supported_versions")?.versions).toEqual([0xfefc]);
    const ks = findExtension(sh.value.extensions, "key_share");
    expect(ks?.form === "server_hello" && ks.serverShare.group).toBe(NamedGroup.X25519MLKEM768);
    expect(ks?.form === "server_hello" && ks.serverShare.keyExchange.length).toBe(1088 + 32);
    // EncryptedExtensions … Finished travel in unified-header records of epoch 2.
    const protectedRecords = all.filter((x) => x.form === "ciphertext");
    expect(protectedRecords.length).toBeGreaterThan(0);
    expect(protectedRecords.every((x) => x.form === "ciphertext" && x.record.epochBits === 2)).toBe(true);
  });
});
