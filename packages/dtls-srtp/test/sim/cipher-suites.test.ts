/**
 * Every cipher suite (RFC 5289, RFC 7905), ECDHE group (RFC 8422, RFC 7748) and DTLS-SRTP profile
 * (RFC 5764, RFC 7714) completes Tern↔Tern over a lossy link, with identical exported keys on both sides.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import type { EcdheGroup } from "../../src/crypto/ecdhe.js";
import { CIPHER_SUITES } from "../../src/wire/cipher-suite.js";
import { SrtpProtectionProfile, srtpKeyingMaterialLength } from "../../src/wire/extensions/use-srtp.js";
import { rsaCertificate, twoCertificates } from "./certificates.js";
import { EndpointPair } from "./endpoint-pair.js";
import { SeededRandom } from "./seeded-random.js";

/** These are DTLS 1.2 (RFC 6347) behaviours: both sides pinned to 1.2. */
const V12 = ["1.2"] as const;

let ec: DtlsCertificate;
let ecClient: DtlsCertificate;
let rsa: DtlsCertificate;
beforeAll(async () => {
  [ec, ecClient] = await twoCertificates();
  rsa = await rsaCertificate();
});

function handshake(
  seed: number,
  server: Partial<Parameters<typeof run>[1]>,
  client: Partial<Parameters<typeof run>[1]> = {},
) {
  return run(seed, server, client);
}

function run(
  seed: number,
  server: {
    certificate?: DtlsCertificate;
    cipherSuites?: (typeof CIPHER_SUITES)[number]["name"][];
    srtpProfiles?: number[];
    namedGroups?: EcdheGroup[];
  },
  client: {
    cipherSuites?: (typeof CIPHER_SUITES)[number]["name"][];
    srtpProfiles?: number[];
    namedGroups?: EcdheGroup[];
  },
) {
  const rng = new SeededRandom(seed);
  const p = new EndpointPair(
    {
      role: "client",
      versions: V12,
      certificate: ecClient,
      random: rng.bytes,
      initialRetransmitMs: 100,
      ...client,
    },
    {
      role: "server",
      versions: V12,
      certificate: ec,
      helloVerifyRequest: false,
      random: rng.bytes,
      initialRetransmitMs: 100,
      ...server,
    },
    { seed, loss: 0.2, reorder: 0.2, duplicate: 0.1 },
  );
  p.runUntil(p.settled);
  return p;
}

describe("cipher suites, groups and SRTP profiles", () => {
  it.each(CIPHER_SUITES.map((s) => [s.name, s] as const))("%s", (_, suite) => {
    const p = handshake(suite.code, {
      certificate: suite.auth === "rsa" ? rsa : ec,
      cipherSuites: [suite.name],
    });
    const c = p.events.a[0];
    expect(c?.kind === "connected" && c.cipherSuite).toBe(suite.name);
    const s = p.events.b[0];
    expect(s?.kind === "connected" && s.cipherSuite).toBe(suite.name);
    expect(p.a.exportKeyingMaterial("EXPORTER-x", undefined, 32)).toEqual(
      p.b.exportKeyingMaterial("EXPORTER-x", undefined, 32),
    );
    p.a.send(new Uint8Array([suite.code & 0xff]));
    p.runUntil((q) => q.events.b.length === 2 || q.link.nextDeliveryAt() === undefined);
    const d = p.events.b[1];
    // application data is unreliable over the lossy link: when it arrives, it is intact
    if (d !== undefined) expect(d.kind === "application-data" && [...d.data]).toEqual([suite.code & 0xff]);
  });

  it("a server with an RSA certificate picks an ECDHE_RSA suite from the client's default list", () => {
    const p = handshake(101, { certificate: rsa });
    const c = p.events.a[0];
    expect(c?.kind === "connected" && c.cipherSuite).toBe("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  });

  it.each(["x25519", "secp256r1", "secp384r1"] as const)("ECDHE over %s", (group) => {
    const p = handshake(102, { namedGroups: [group] });
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.a.exportKeyingMaterial("EXPORTER-x", undefined, 16)).toEqual(
      p.b.exportKeyingMaterial("EXPORTER-x", undefined, 16),
    );
  });

  it.each(Object.entries(SrtpProtectionProfile))("SRTP profile %s", (_, profile) => {
    const p = handshake(103 + profile, { srtpProfiles: [profile] }, { srtpProfiles: [8, 7, 1, 2, 5, 6] });
    const c = p.events.a[0];
    expect(c?.kind === "connected" && c.srtpProfile).toBe(profile);
    const n = srtpKeyingMaterialLength(profile) as number;
    const km = p.a.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, n);
    expect(km).toHaveLength(n);
    expect(km).toEqual(p.b.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, n));
  });

  it("the server's SRTP preference wins (as Chromium does)", () => {
    const p = handshake(120, { srtpProfiles: [1, 7] }, { srtpProfiles: [7, 1] });
    const c = p.events.a[0];
    expect(c?.kind === "connected" && c.srtpProfile).toBe(1);
  });
});
