/**
 * Once connected, an endpoint drops its handshake state (transcript, flight logic, ECDHE keys, the peer's
 * certificate) and keeps only what RFC 6347 still needs: the server's final flight, resent whenever the
 * client retransmits flight 5 (§4.2.4), and the exporter's secrets (RFC 5705, RFC 5764 §4.2).
 */
import { queryObjects } from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import { ClientHandshake } from "../../src/machine/client-flights.js";
import { HandshakeContext } from "../../src/machine/handshake-context.js";
import { ServerHandshake } from "../../src/machine/server-flights.js";
import { twoCertificates } from "./certificates.js";
import { EndpointPair } from "./endpoint-pair.js";
import { SeededRandom } from "./seeded-random.js";

/** These are DTLS 1.2 (RFC 6347) behaviours: both sides pinned to 1.2. */
const V12 = ["1.2"] as const;

let a: DtlsCertificate;
let b: DtlsCertificate;
beforeAll(async () => {
  [a, b] = await twoCertificates();
});

function pair(seed: number): EndpointPair {
  const rng = new SeededRandom(seed);
  return new EndpointPair(
    {
      role: "client",
      versions: V12,
      certificate: a,
      random: rng.bytes,
      initialRetransmitMs: 200,
      remoteFingerprints: [certificateFingerprint(b.chain[0] as Uint8Array)],
    },
    {
      role: "server",
      versions: V12,
      certificate: b,
      helloVerifyRequest: false,
      remoteFingerprints: [certificateFingerprint(a.chain[0] as Uint8Array)],
      random: rng.bytes,
      initialRetransmitMs: 200,
    },
    { seed },
  );
}

/** Live instances (queryObjects collects garbage first). */
function alive(): number {
  return [HandshakeContext, ClientHandshake, ServerHandshake]
    .map((c) => queryObjects(c, { format: "count" }))
    .reduce((x, y) => x + y, 0);
}

const isServerFinalFlight = (d: Uint8Array): boolean => d[0] === 20; // starts with ChangeCipherSpec

describe("handshake state after the handshake", () => {
  it("is released once both sides are connected", () => {
    const before = alive();
    const p = pair(1);
    p.runUntil(() => p.a.state === "handshaking" || p.steps > 0);
    expect(alive()).toBe(before + 4); // two contexts, one client and one server handshake
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    expect(alive()).toBe(before);
    expect(p.a.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 60)).toEqual(
      p.b.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 60),
    );
  });

  it("the released server resends its final flight at each retransmission of flight 5", () => {
    const p = pair(2);
    let dropped = 0;
    p.link.tamper = (from, d) => {
      if (from === "b" && isServerFinalFlight(d) && dropped < 3) {
        dropped++;
        return undefined;
      }
      return d;
    };
    p.runUntil(p.settled);
    expect(dropped).toBe(3);
    expect(p.b.state).toBe("connected"); // connected since the first flight 5
    expect(p.a.counters["retransmitted-flight"]).toBe(3);
    expect(p.b.counters["resent-flight"]).toBe(3);
    expect(p.b.pollTimeout()).toBeUndefined();
    expect(p.kinds("a")).toEqual(["connected"]);
    const label = "EXTRACTOR-dtls_srtp";
    expect(p.a.exportKeyingMaterial(label, undefined, 60)).toEqual(
      p.b.exportKeyingMaterial(label, undefined, 60),
    );
    // application data still flows in both directions after that
    p.a.send(Uint8Array.of(1, 2));
    p.b.send(Uint8Array.of(3));
    p.runUntil((q) => q.events.a.length === 2 && q.events.b.length === 2);
    const last = (s: "a" | "b") => p.events[s].at(-1);
    expect(last("b")).toMatchObject({ kind: "application-data", data: Uint8Array.of(1, 2) });
    expect(last("a")).toMatchObject({ kind: "application-data", data: Uint8Array.of(3) });
  });

  it("a connected client counts a late copy of the server's final flight and sends nothing", () => {
    const p = pair(3);
    let late: Uint8Array | undefined;
    p.link.tamper = (from, d) => {
      if (from === "b" && isServerFinalFlight(d) && late === undefined) {
        late = d; // held back: the client retransmits flight 5 and the server resends its final flight
        return undefined;
      }
      return d;
    };
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.b.counters["resent-flight"]).toBe(1);
    const seen = p.a.counters["peer-retransmission"];
    p.a.handleDatagram(p.now + 1000, late as Uint8Array);
    expect(p.a.counters["peer-retransmission"]).toBe(seen + 1);
    expect(p.a.pollTransmit()).toBeUndefined();
    expect(p.a.pollTimeout()).toBeUndefined();
    expect(p.a.state).toBe("connected");
  });
});
