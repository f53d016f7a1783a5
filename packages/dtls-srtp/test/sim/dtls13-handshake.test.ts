/**
 * DTLS 1.3 (RFC 9147) between two Tern endpoints over the seeded simulated link: loss, reordering and
 * duplication (§5.8), HelloRetryRequest (RFC 8446 §4.1.4), KeyUpdate under traffic (§8), ACK-driven
 * retransmission of only what is missing (§7), and fragmentation at MTU 300 (§5.5).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import type { DtlsEvent } from "../../src/machine/dtls-event.js";
import { rsaCertificate, twoCertificates } from "./certificates.js";
import { webrtcPair } from "./dtls13-pair.js";
import type { EndpointPair } from "./endpoint-pair.js";

let certs: [DtlsCertificate, DtlsCertificate];
beforeAll(async () => {
  certs = await twoCertificates();
});

const connected = (p: EndpointPair, side: "a" | "b") =>
  p.events[side].find((e): e is Extract<DtlsEvent, { kind: "connected" }> => e.kind === "connected");
const srtpKeys = (p: EndpointPair, side: "a" | "b") =>
  p.endpoint(side).exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
const text = (e: DtlsEvent) => (e.kind === "application-data" ? new TextDecoder().decode(e.data) : undefined);

/** The message_seq of a plaintext ClientHello carried at the start of a datagram, else undefined. */
function clientHelloSeq(d: Uint8Array): number | undefined {
  if (d[0] !== 22 || d[13] !== 1) return undefined;
  return ((d[17] as number) << 8) | (d[18] as number);
}

describe("DTLS 1.3 handshake", () => {
  it("negotiates 1.3 with X25519MLKEM768 by default and both sides export the same SRTP keys", () => {
    const p = webrtcPair(certs, 1, { seed: 1 });
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    expect(connected(p, "a")).toMatchObject({
      version: "DTLS 1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      group: "X25519MLKEM768",
    });
    expect(connected(p, "b")).toMatchObject({ version: "DTLS 1.3", group: "X25519MLKEM768", srtpProfile: 7 });
    expect(srtpKeys(p, "a")).toEqual(srtpKeys(p, "b"));
    // The client's final flight is acknowledged (§7): its timer stops, nothing is left to retransmit.
    p.runUntil((q) => q.a.pollTimeout() === undefined && q.link.nextDeliveryAt() === undefined);
    expect(p.b.counters["ack-sent"]).toBeGreaterThan(0);
    expect(p.a.counters["ack-received"]).toBeGreaterThan(0);
  });

  it.each([
    ["TLS_AES_128_GCM_SHA256", "x25519"],
    ["TLS_AES_256_GCM_SHA384", "secp256r1"],
    ["TLS_CHACHA20_POLY1305_SHA256", "X25519MLKEM768"],
  ] as const)("%s with %s", (suite, group) => {
    const only = { tls13CipherSuites: [suite], namedGroups: [group], versions: ["1.3"] } as const;
    const p = webrtcPair(certs, 2, { seed: 2 }, only);
    p.runUntil(p.settled);
    expect(connected(p, "a")).toMatchObject({ cipherSuite: suite, group });
    expect(srtpKeys(p, "a")).toEqual(srtpKeys(p, "b"));
    p.a.send(new TextEncoder().encode("ping"));
    p.runUntil((q) => q.events.b.length === 2);
    expect(text(p.events.b[1] as DtlsEvent)).toBe("ping");
  });

  // TLS 1.3 has no PKCS#1 v1.5 CertificateVerify: with RSA keys only rsa_pss_rsae_* can sign and verify.
  it("RSA certificates: CertificateVerify with RSA-PSS both ways (mutual auth)", async () => {
    const rsa: [DtlsCertificate, DtlsCertificate] = [await rsaCertificate(), await rsaCertificate()];
    const p = webrtcPair(rsa, 4, { seed: 4 }, { versions: ["1.3"] });
    p.runUntil(p.settled);
    expect(connected(p, "a")).toMatchObject({ version: "DTLS 1.3" });
    expect(connected(p, "b")?.peerCertificate).toBeDefined();
    expect(srtpKeys(p, "a")).toEqual(srtpKeys(p, "b"));
  });

  it("completes for 16 seeds at 30 % loss, reordering and duplication, with identical keys on both sides", () => {
    let lost = 0;
    let retransmitted = 0;
    let acks = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const p = webrtcPair(certs, seed, {
        seed,
        loss: 0.3,
        duplicate: 0.2,
        reorder: 0.3,
        reorderMs: 80,
        delayMs: 15,
      });
      p.runUntil(p.settled);
      expect(p.kinds("a"), `seed ${seed}`).toEqual(["connected"]);
      expect(p.kinds("b"), `seed ${seed}`).toEqual(["connected"]);
      expect(connected(p, "a")?.version, `seed ${seed}`).toBe("DTLS 1.3");
      expect(srtpKeys(p, "a"), `seed ${seed}`).toEqual(srtpKeys(p, "b"));
      lost += p.link.stats.lost;
      retransmitted += p.a.counters["retransmitted-flight"] + p.b.counters["retransmitted-flight"];
      acks += p.a.counters["ack-sent"] + p.b.counters["ack-sent"];
    }
    expect(lost).toBeGreaterThan(10);
    expect(retransmitted).toBeGreaterThan(5);
    expect(acks).toBeGreaterThan(5);
  });

  it("HelloRetryRequest for a group the client supports but did not share", () => {
    const p = webrtcPair(
      certs,
      5,
      { seed: 5, loss: 0.2, reorder: 0.2 },
      {},
      {},
      { namedGroups: ["secp256r1"] },
    );
    const hellos: number[] = [];
    p.link.tamper = (from, d) => {
      const seq = from === "a" ? clientHelloSeq(d) : undefined;
      if (seq !== undefined) hellos.push(seq);
      return d;
    };
    p.runUntil(p.settled);
    expect(connected(p, "a")).toMatchObject({ version: "DTLS 1.3", group: "secp256r1" });
    expect(hellos).toContain(0);
    expect(hellos).toContain(1); // the second ClientHello, with a P-256 share
    expect(srtpKeys(p, "a")).toEqual(srtpKeys(p, "b"));
  });

  it("stateless HelloRetryRequest cookie (address validation) over loss", () => {
    const p = webrtcPair(
      certs,
      6,
      { seed: 6, loss: 0.3, duplicate: 0.1 },
      {},
      {},
      { helloVerifyRequest: true },
    );
    const hellos: number[] = [];
    p.link.tamper = (from, d) => {
      const seq = from === "a" ? clientHelloSeq(d) : undefined;
      if (seq !== undefined) hellos.push(seq);
      return d;
    };
    p.runUntil(p.settled);
    expect(connected(p, "a")).toMatchObject({ version: "DTLS 1.3", group: "X25519MLKEM768" });
    expect(hellos).toContain(1);
    expect(srtpKeys(p, "a")).toEqual(srtpKeys(p, "b"));
  });

  it("KeyUpdate under traffic: both sides move to new epochs and data keeps flowing both ways", () => {
    const p = webrtcPair(certs, 7, { seed: 7, loss: 0.1, reorder: 0.2, reorderMs: 30 });
    p.runUntil(p.settled);
    let sent = 0;
    const pump = (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        p.a.send(new TextEncoder().encode(`a${sent}`));
        p.b.send(new TextEncoder().encode(`b${sent}`));
        sent++;
        const until = p.now + 5;
        p.runUntil(
          (q) =>
            q.now >= until ||
            (q.link.nextDeliveryAt() === undefined &&
              q.a.pollTimeout() === undefined &&
              q.b.pollTimeout() === undefined),
        );
      }
    };
    pump(20);
    const before = { a: p.events.a.length, b: p.events.b.length };
    p.a.updateKeys(p.now, true); // a updates its keys and asks b to update its own
    pump(60);
    expect(p.a.keyEpochs).toEqual({ read: 4, write: 4 });
    expect(p.b.keyEpochs).toEqual({ read: 4, write: 4 });
    expect(p.a.counters["key-update-sent"]).toBe(1);
    expect(p.b.counters["key-update-received"]).toBe(1);
    expect(p.b.counters["key-update-sent"]).toBe(1);
    // Data sent after both updates arrived in the new epochs: the last messages made it.
    const lastA = p.events.b
      .slice(before.b)
      .map(text)
      .filter((t) => t?.startsWith("a"));
    const lastB = p.events.a
      .slice(before.a)
      .map(text)
      .filter((t) => t?.startsWith("b"));
    expect(lastA.length).toBeGreaterThan(20);
    expect(lastB.length).toBeGreaterThan(20);
    expect(p.kinds("a").filter((k) => k !== "application-data")).toEqual(["connected"]);
    expect(p.kinds("b").filter((k) => k !== "application-data")).toEqual(["connected"]);
    // A second update goes to epoch 5 on a's side.
    p.a.updateKeys(p.now, false);
    pump(10);
    expect(p.a.keyEpochs?.write).toBe(5);
    expect(p.b.keyEpochs?.read).toBe(5);
  });

  it("ACK-driven retransmission resends only the lost part of a flight, not the whole flight", () => {
    const small = { mtu: 300, initialRetransmitMs: 400, namedGroups: ["x25519"] } as const;
    const p = webrtcPair(certs, 8, { seed: 8, mtu: 300 }, small);
    const fromServer: Uint8Array[] = [];
    let protectedSeen = 0;
    let dropped: Uint8Array | undefined;
    p.link.tamper = (from, d) => {
      if (from !== "b" || p.kinds("a").length > 0) return d;
      fromServer.push(d);
      // Lose the second protected datagram of the server's flight (part of its Certificate).
      if ((d[0] as number) >> 5 === 1 && ++protectedSeen === 2 && dropped === undefined) {
        dropped = d;
        return undefined;
      }
      return d;
    };
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.a.counters["ack-sent"]).toBeGreaterThan(0); // the client reported what it had
    expect(p.b.counters["partial-retransmission"]).toBe(1);
    expect(p.b.counters["retransmitted-flight"]).toBe(0); // the timer never had to resend the flight
    const firstFlight = fromServer.slice(0, fromServer.indexOf(dropped as Uint8Array) + 1);
    const resent = fromServer.slice(firstFlight.length).filter((d) => d.length > 100);
    const bytes = (ds: Uint8Array[]) => ds.reduce((s, d) => s + d.length, 0);
    expect(resent.length).toBe(1); // about one datagram's worth went again
    expect(bytes(resent)).toBeLessThanOrEqual((dropped as Uint8Array).length + 60);
  });

  it("MTU 300: every flight is fragmented (the hybrid ClientHello is 1.5 KB) and still completes under loss", () => {
    const p = webrtcPair(
      certs,
      11,
      { seed: 11, loss: 0.1, reorder: 0.5, reorderMs: 40, mtu: 300 },
      { mtu: 300 },
    );
    let largest = 0;
    p.link.tamper = (_, d) => {
      largest = Math.max(largest, d.length);
      return d;
    };
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    expect(connected(p, "a")?.group).toBe("X25519MLKEM768");
    expect(p.link.stats.oversize).toBe(0);
    expect(largest).toBeLessThanOrEqual(300);
  });

  it("application data and close_notify both ways; the same seed gives the same run", () => {
    const run = () => {
      const p = webrtcPair(certs, 41, { seed: 41, loss: 0.3, duplicate: 0.2, reorder: 0.3 });
      p.runUntil(p.settled);
      return { now: p.now, steps: p.steps, stats: { ...p.link.stats } };
    };
    expect(run()).toEqual(run());
    const p = webrtcPair(certs, 42, { seed: 42 });
    p.runUntil(p.settled);
    p.b.send(new TextEncoder().encode("from server"));
    p.runUntil((q) => q.events.a.length === 2);
    expect(text(p.events.a[1] as DtlsEvent)).toBe("from server");
    p.a.close();
    p.runUntil((q) => q.events.b.some((e) => e.kind === "closed"));
    expect(p.b.state).toBe("closed");
  });
});
