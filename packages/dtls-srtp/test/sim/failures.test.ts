/**
 * Failures end both sides cleanly with a typed error: fingerprint mismatch (RFC 8122 §5 / RFC 8827 §6.5,
 * answered with a fatal bad_certificate alert), no common parameters, handshake timeout (RFC 6347 §4.2.4),
 * extended master secret required (RFC 7627 §5.3).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import type { DtlsError } from "../../src/machine/dtls-error.js";
import type { DtlsEvent } from "../../src/machine/dtls-event.js";
import { AlertDescription } from "../../src/wire/tls-parameters.js";
import { twoCertificates } from "./certificates.js";
import { EndpointPair } from "./endpoint-pair.js";
import { SeededRandom } from "./seeded-random.js";

/** These are DTLS 1.2 (RFC 6347) behaviours: both sides pinned to 1.2. */
const V12 = ["1.2"] as const;

let a: DtlsCertificate;
let b: DtlsCertificate;
let stranger: DtlsCertificate;
beforeAll(async () => {
  [a, b] = await twoCertificates();
  [stranger] = await twoCertificates();
});

const fp = (c: DtlsCertificate) => certificateFingerprint(c.chain[0] as Uint8Array);

function errorOf(events: readonly DtlsEvent[]): DtlsError | undefined {
  const f = events.find((e) => e.kind === "failed");
  return f?.kind === "failed" ? f.error : undefined;
}

describe("failures", () => {
  it("client sees a server fingerprint mismatch: both sides fail, the server by a bad_certificate alert", () => {
    const rng = new SeededRandom(1);
    const p = new EndpointPair(
      {
        role: "client",
        versions: V12,
        certificate: a,
        remoteFingerprints: [fp(stranger)],
        random: rng.bytes,
      },
      {
        role: "server",
        versions: V12,
        certificate: b,
        helloVerifyRequest: false,
        remoteFingerprints: [fp(a)],
        random: rng.bytes,
      },
      { seed: 1 },
    );
    p.runUntil(p.settled);
    const ea = errorOf(p.events.a);
    const eb = errorOf(p.events.b);
    expect(ea?.code).toBe("fingerprint-mismatch");
    expect(ea?.message).toContain(fp(b).value);
    expect(eb?.code).toBe("peer-alert");
    expect(eb?.alert).toBe(AlertDescription.bad_certificate);
    expect(p.kinds("a")).toEqual(["failed"]);
    expect(p.kinds("b")).toEqual(["failed"]);
    expect(p.a.state).toBe("failed");
    expect(p.b.state).toBe("failed");
    expect(p.a.pollTimeout()).toBeUndefined();
    expect(p.b.pollTimeout()).toBeUndefined();
  });

  it("server sees a client fingerprint mismatch: both sides fail", () => {
    const rng = new SeededRandom(2);
    const p = new EndpointPair(
      { role: "client", versions: V12, certificate: a, remoteFingerprints: [fp(b)], random: rng.bytes },
      {
        role: "server",
        versions: V12,
        certificate: b,
        remoteFingerprints: [fp(stranger)],
        random: rng.bytes,
      },
      { seed: 2 },
    );
    p.runUntil(p.settled);
    expect(errorOf(p.events.b)?.code).toBe("fingerprint-mismatch");
    expect(errorOf(p.events.a)?.code).toBe("peer-alert");
    expect(errorOf(p.events.a)?.alert).toBe(AlertDescription.bad_certificate);
  });

  it("a server expecting a fingerprint fails a client without certificate", () => {
    const p = new EndpointPair(
      { role: "client", versions: V12 },
      { role: "server", versions: V12, certificate: b, remoteFingerprints: [fp(a)] },
      { seed: 3 },
    );
    p.runUntil(p.settled);
    expect(errorOf(p.events.b)?.code).toBe("bad-certificate");
    expect(errorOf(p.events.a)?.code).toBe("peer-alert");
  });

  it("no SRTP profile in common: handshake_failure on both sides", () => {
    const p = new EndpointPair(
      { role: "client", versions: V12, certificate: a, srtpProfiles: [1] },
      { role: "server", versions: V12, certificate: b, srtpProfiles: [7] },
      { seed: 4 },
    );
    p.runUntil(p.settled);
    expect(errorOf(p.events.b)?.code).toBe("handshake-failure");
    expect(errorOf(p.events.a)?.alert).toBe(AlertDescription.handshake_failure);
  });

  it("srtpOptional: a peer that does not negotiate use_srtp is no failure, both ways; no profile results", () => {
    for (const [client, server] of [
      [{ srtpProfiles: [1], srtpOptional: true }, {}],
      [{}, { srtpProfiles: [7], srtpOptional: true }],
      [
        { srtpProfiles: [1], srtpOptional: true },
        { srtpProfiles: [7], srtpOptional: true },
      ],
    ] as const) {
      const p = new EndpointPair(
        { role: "client", certificate: a, ...client },
        { role: "server", certificate: b, ...server },
        { seed: 7 },
      );
      p.runUntil(p.settled);
      for (const side of ["a", "b"] as const) {
        const connected = p.events[side].find((e) => e.kind === "connected");
        expect(connected?.kind).toBe("connected");
        expect(connected?.kind === "connected" ? connected.srtpProfile : "none").toBeUndefined();
      }
    }
  });

  it("no cipher suite in common", () => {
    const p = new EndpointPair(
      {
        role: "client",
        versions: V12,
        certificate: a,
        cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
      },
      { role: "server", versions: V12, certificate: b },
      { seed: 5 },
    );
    p.runUntil(p.settled);
    expect(errorOf(p.events.b)?.code).toBe("handshake-failure");
    expect(errorOf(p.events.a)?.code).toBe("peer-alert");
  });

  it("handshake timeout after maxRetransmissions with the RFC 6347 §4.2.4.1 doubling timer", () => {
    const p = new EndpointPair(
      { role: "client", versions: V12, certificate: a, initialRetransmitMs: 1000, maxRetransmissions: 7 },
      { role: "server", versions: V12, certificate: b },
      { seed: 6, loss: 1 },
    );
    const sendTimes: number[] = [];
    p.link.tamper = (from, d) => {
      if (from === "a") sendTimes.push(p.now);
      return d;
    };
    p.runUntil((q) => q.events.a.length > 0);
    expect(errorOf(p.events.a)?.code).toBe("handshake-timeout");
    // 1 s, doubling, capped at 60 s: sent at 0, 1, 3, 7, 15, 31, 63, 123 s; given up at 183 s.
    expect(sendTimes).toEqual([0, 1000, 3000, 7000, 15000, 31000, 63000, 123000]);
    expect(p.now).toBe(183000);
    expect(p.kinds("b")).toEqual([]);
  });

  it("the retransmission timer can start at 50 ms", () => {
    const p = new EndpointPair(
      { role: "client", versions: V12, certificate: a, initialRetransmitMs: 50, maxRetransmissions: 3 },
      { role: "server", versions: V12, certificate: b },
      { seed: 7, loss: 1 },
    );
    p.runUntil((q) => q.events.a.length > 0);
    expect(errorOf(p.events.a)?.code).toBe("handshake-timeout");
    expect(p.now).toBe(50 + 100 + 200 + 400);
  });

  it("a server that does not require extended master secret still negotiates it when offered", () => {
    const ok = new EndpointPair(
      { role: "client", versions: V12, certificate: a },
      { role: "server", versions: V12, certificate: b, requireExtendedMasterSecret: false },
      { seed: 8 },
    );
    ok.runUntil(ok.settled);
    const c = ok.events.a[0];
    expect(c?.kind === "connected" && c.extendedMasterSecret).toBe(true);
  });
});
