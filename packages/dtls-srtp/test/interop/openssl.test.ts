/**
 * Interop with OpenSSL 3.0 on 127.0.0.1, Tern in each role: the DTLS 1.2 handshake completes for every
 * cipher suite and SRTP profile (mutual auth, HelloVerifyRequest cookie, extended master secret), and the
 * "Keying material:" OpenSSL exports for EXTRACTOR-dtls_srtp equals Tern's exportKeyingMaterial().
 */
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  certificateFromPem,
  type DtlsCertificate,
  generateCertificate,
} from "../../src/crypto/certificate.js";
import type { EcdheGroup } from "../../src/crypto/ecdhe.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import { DtlsSocket } from "../../src/node/dtls-socket.js";
import type { CipherSuiteName } from "../../src/wire/cipher-suite.js";
import { SrtpProtectionProfile, srtpKeyingMaterialLength } from "../../src/wire/extensions/use-srtp.js";
import {
  KEYING_MATERIAL,
  type KeyPairFiles,
  makeTempDir,
  OpensslPeer,
  opensslSelfSigned,
  requireOpenssl,
} from "./openssl-peer.js";

const suites: ReadonlyArray<{ tern: CipherSuiteName; openssl: string; key: "ec" | "rsa" }> = [
  { tern: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", openssl: "ECDHE-ECDSA-AES128-GCM-SHA256", key: "ec" },
  { tern: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", openssl: "ECDHE-ECDSA-AES256-GCM-SHA384", key: "ec" },
  {
    tern: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    openssl: "ECDHE-ECDSA-CHACHA20-POLY1305",
    key: "ec",
  },
  { tern: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", openssl: "ECDHE-RSA-AES128-GCM-SHA256", key: "rsa" },
  { tern: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", openssl: "ECDHE-RSA-AES256-GCM-SHA384", key: "rsa" },
  { tern: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", openssl: "ECDHE-RSA-CHACHA20-POLY1305", key: "rsa" },
];

const profiles: ReadonlyArray<{ code: number; openssl: string }> = [
  { code: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, openssl: "SRTP_AEAD_AES_128_GCM" },
  { code: SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM, openssl: "SRTP_AEAD_AES_256_GCM" },
  { code: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, openssl: "SRTP_AES128_CM_SHA1_80" },
  { code: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32, openssl: "SRTP_AES128_CM_SHA1_32" },
];

interface Case {
  readonly suite: (typeof suites)[number];
  readonly profile: (typeof profiles)[number];
  /** ECDHE group forced on both sides (default: x25519, Tern's first choice). */
  readonly group?: {
    readonly tern: readonly EcdheGroup[];
    readonly openssl: string;
    readonly tempKey: string;
  };
}

const cases: Case[] = [
  ...suites.map((suite) => ({ suite, profile: profiles[0] as Case["profile"] })),
  ...profiles.slice(1).map((profile) => ({ suite: suites[0] as Case["suite"], profile })),
  {
    suite: suites[0] as Case["suite"],
    profile: profiles[0] as Case["profile"],
    group: { tern: ["secp256r1"], openssl: "P-256", tempKey: "ECDH, prime256v1" },
  },
  // In TLS 1.2 (RFC 8422 §5.1.1) the groups list also covers ECDSA certificate curves: both sides hold P-256 certificates.
  {
    suite: suites[1] as Case["suite"],
    profile: profiles[2] as Case["profile"],
    group: { tern: ["secp384r1", "secp256r1"], openssl: "P-384:P-256", tempKey: "ECDH, secp384r1" },
  },
];

let dir: string;
let ternEc: DtlsCertificate;
let ternRsa: DtlsCertificate;
const files: Partial<Record<"ec" | "rsa", KeyPairFiles>> = {};
let peer: OpensslPeer | undefined;
let socket: DtlsSocket | undefined;

beforeAll(async () => {
  requireOpenssl();
  dir = makeTempDir();
  files.ec = opensslSelfSigned(dir, "ec");
  files.rsa = opensslSelfSigned(dir, "rsa");
  ternEc = await generateCertificate({ commonName: "tern-interop" });
  // Tern's RSA side uses a supplied PEM pair (RSA certificates are only ever supplied).
  const rsa = opensslSelfSigned(makeTempDir(), "rsa");
  ternRsa = certificateFromPem(readFileSync(rsa.cert, "utf8"), readFileSync(rsa.key, "utf8"));
});

afterEach(() => {
  socket?.close();
  socket = undefined;
  peer?.stop();
  peer = undefined;
});

function fingerprintOf(pemFile: string) {
  const leaf = certificateFromPem(
    readFileSync(pemFile, "utf8"),
    readFileSync(pemFile.replace("cert", "key"), "utf8"),
  );
  return certificateFingerprint(leaf.chain[0] as Uint8Array);
}

function name(c: Case): string {
  return `${c.suite.openssl} + ${c.profile.openssl}${c.group === undefined ? "" : ` on ${c.group.tern[0]}`}`;
}

describe("Tern client ↔ openssl s_server", () => {
  it.each(cases.map((c) => [name(c), c] as const))("%s", async (_, c) => {
    const kmLength = srtpKeyingMaterialLength(c.profile.code) as number;
    const pair = files[c.suite.key] as KeyPairFiles;
    const tag = `server-${c.suite.openssl}-${c.profile.openssl}-${c.group?.tern[0] ?? "x25519"}`;
    const keylog = join(dir, `${tag}.keylog`);
    peer = new OpensslPeer(
      [
        "s_server",
        "-dtls1_2",
        "-accept",
        "127.0.0.1:0",
        "-naccept",
        "1",
        "-cert",
        pair.cert,
        "-key",
        pair.key,
        "-Verify",
        "1",
        "-cipher",
        c.suite.openssl,
        "-use_srtp",
        c.profile.openssl,
        "-keymatexport",
        "EXTRACTOR-dtls_srtp",
        "-keymatexportlen",
        String(kmLength),
        "-keylogfile",
        keylog,
        ...(c.group === undefined ? [] : ["-groups", c.group.openssl]),
      ],
      join(dir, `${tag}.log`),
    );
    const port = Number((await peer.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/))[1]);
    socket = await DtlsSocket.open({
      remote: { address: "127.0.0.1", port },
      dtls: {
        role: "client",
        certificate: ternEc,
        cipherSuites: [c.suite.tern],
        srtpProfiles: [c.profile.code],
        ...(c.group === undefined ? {} : { namedGroups: c.group.tern }),
        remoteFingerprints: [fingerprintOf(pair.cert)],
        keyLog: (line) => appendFileSync(keylog, `${line}\n`),
      },
    });
    const info = await socket.connected();
    // Downgrade: Tern offers DTLS 1.3 and 1.2 (the default); OpenSSL 3.0 has no DTLS 1.3.
    expect(info.version).toBe("DTLS 1.2");
    expect(info.cipherSuite).toBe(c.suite.tern);
    expect(info.srtpProfile).toBe(c.profile.code);
    expect(info.extendedMasterSecret).toBe(true);
    const km = (await peer.waitFor(KEYING_MATERIAL))[1];
    const ours = Buffer.from(socket.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, kmLength));
    expect(ours.toString("hex").toUpperCase()).toBe(km);
    // Application data both ways: OpenSSL prints what it reads and sends its stdin.
    socket.send(new TextEncoder().encode("ping from tern\n"));
    await peer.waitFor(/ping from tern/);
    const got = new Promise<string>((resolve) =>
      socket?.once("data", (d) => resolve(Buffer.from(d).toString())),
    );
    peer.write("pong from openssl\n");
    expect(await got).toContain("pong from openssl");
  });
});

describe("openssl s_client ↔ Tern server", () => {
  it.each(cases.map((c) => [name(c), c] as const))("%s", async (_, c) => {
    const kmLength = srtpKeyingMaterialLength(c.profile.code) as number;
    const tag = `client-${c.suite.openssl}-${c.profile.openssl}-${c.group?.tern[0] ?? "x25519"}`;
    const keylog = join(dir, `${tag}.keylog`);
    const ec = files.ec as KeyPairFiles;
    socket = await DtlsSocket.open({
      dtls: {
        role: "server",
        certificate: c.suite.key === "ec" ? ternEc : ternRsa,
        cipherSuites: [c.suite.tern],
        srtpProfiles: [c.profile.code],
        ...(c.group === undefined ? {} : { namedGroups: c.group.tern }),
        remoteFingerprints: [fingerprintOf(ec.cert)],
        keyLog: (line) => appendFileSync(keylog, `${line}\n`),
      },
    });
    const connected = socket.connected();
    const port = socket.socket.address().port;
    peer = new OpensslPeer(
      [
        "s_client",
        "-dtls1_2",
        "-connect",
        `127.0.0.1:${port}`,
        "-cert",
        ec.cert,
        "-key",
        ec.key,
        "-cipher",
        c.suite.openssl,
        "-use_srtp",
        c.profile.openssl,
        "-keymatexport",
        "EXTRACTOR-dtls_srtp",
        "-keymatexportlen",
        String(kmLength),
        "-keylogfile",
        keylog,
        ...(c.group === undefined ? [] : ["-groups", c.group.openssl]),
      ],
      join(dir, `${tag}.log`),
    );
    const info = await connected;
    expect(info.version).toBe("DTLS 1.2");
    await peer.waitFor(new RegExp(`Server Temp Key: ${c.group?.tempKey ?? "X25519"}`));
    expect(info.cipherSuite).toBe(c.suite.tern);
    expect(info.srtpProfile).toBe(c.profile.code);
    expect(info.peerCertificate?.fingerprint).toBe(`sha-256 ${fingerprintOf(ec.cert).value}`);
    const km = (await peer.waitFor(KEYING_MATERIAL))[1];
    const ours = Buffer.from(socket.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, kmLength));
    expect(ours.toString("hex").toUpperCase()).toBe(km);
    const got = new Promise<string>((resolve) =>
      socket?.once("data", (d) => resolve(Buffer.from(d).toString())),
    );
    peer.write("ping from openssl\n");
    expect(await got).toContain("ping from openssl");
    socket.send(new TextEncoder().encode("pong from tern\n"));
    await peer.waitFor(/pong from tern/);
  });
});
