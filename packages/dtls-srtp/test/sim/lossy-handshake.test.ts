/**
 * The handshake completes over a bad network (30 % loss, reordering, duplication) and both sides export
 * identical keys — RFC 6347 §4.2.4 retransmission, §4.2.3 reassembly, §4.1.2.6 anti-replay at work.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import { SrtpProtectionProfile } from "../../src/wire/extensions/use-srtp.js";
import { twoCertificates } from "./certificates.js";
import { EndpointPair } from "./endpoint-pair.js";
import { SeededRandom } from "./seeded-random.js";

/** These are DTLS 1.2 (RFC 6347) behaviours: both sides pinned to 1.2. */
const V12 = ["1.2"] as const;

let client: DtlsCertificate;
let server: DtlsCertificate;
beforeAll(async () => {
  [client, server] = await twoCertificates();
});

function webrtcPair(
  seed: number,
  link: ConstructorParameters<typeof EndpointPair>[2],
  mtu = 1200,
  helloVerifyRequest = false,
) {
  const rng = new SeededRandom(seed ^ 0x5eed);
  const common = {
    srtpProfiles: [
      SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
      SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    ],
    random: rng.bytes,
    mtu,
    initialRetransmitMs: 100,
    maxRetransmissions: 12,
  };
  return new EndpointPair(
    {
      ...common,
      role: "client",
      versions: V12,
      certificate: client,
      remoteFingerprints: [certificateFingerprint(server.chain[0] as Uint8Array)],
    },
    {
      ...common,
      role: "server",
      versions: V12,
      certificate: server,
      helloVerifyRequest,
      remoteFingerprints: [certificateFingerprint(client.chain[0] as Uint8Array)],
    },
    link,
  );
}

describe("handshake over a lossy, reordering, duplicating link", () => {
  it("completes for 16 seeds at 30 % loss and both sides export identical keys", () => {
    let lost = 0;
    let retransmitted = 0;
    let duplicates = 0;
    for (let seed = 1; seed <= 16; seed++) {
      const p = webrtcPair(seed, {
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
      const ka = p.a.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
      const kb = p.b.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
      expect(ka, `seed ${seed}`).toEqual(kb);
      lost += p.link.stats.lost;
      retransmitted += p.a.counters["retransmitted-flight"] + p.b.counters["retransmitted-flight"];
      duplicates += p.a.counters["replayed-record"] + p.b.counters["replayed-record"];
    }
    // The network really was bad: datagrams were lost, flights retransmitted, duplicates dropped.
    expect(lost).toBeGreaterThan(10);
    expect(retransmitted).toBeGreaterThan(5);
    expect(duplicates).toBeGreaterThan(0);
  });

  it("a small MTU fragments every flight and still completes", () => {
    const p = webrtcPair(11, { seed: 11, loss: 0.1, reorder: 0.5, reorderMs: 40, mtu: 300 }, 300);
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    expect(p.link.stats.oversize).toBe(0);
  });

  it("with a HelloVerifyRequest cookie (standalone server) over loss", () => {
    const p = webrtcPair(21, { seed: 21, loss: 0.3, duplicate: 0.1, reorder: 0.2 }, 1200, true);
    let helloVerifyRequests = 0;
    p.link.tamper = (from, d) => {
      // record header (13 bytes), then the handshake msg_type: 3 = hello_verify_request
      if (from === "b" && d[0] === 22 && d[13] === 3) helloVerifyRequests++;
      return d;
    };
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    expect(helloVerifyRequests).toBeGreaterThan(0);
  });

  it("application data flows both ways after the handshake", () => {
    const p = webrtcPair(31, { seed: 31 });
    p.runUntil(p.settled);
    p.a.send(new TextEncoder().encode("from client"));
    p.b.send(new TextEncoder().encode("from server"));
    p.runUntil((q) => q.events.a.length === 2 && q.events.b.length === 2);
    const text = (e: (typeof p.events.a)[number] | undefined) =>
      e?.kind === "application-data" ? new TextDecoder().decode(e.data) : undefined;
    expect(text(p.events.b[1])).toBe("from client");
    expect(text(p.events.a[1])).toBe("from server");
  });

  it("is deterministic: the same seed gives the same run", () => {
    const run = () => {
      const p = webrtcPair(41, { seed: 41, loss: 0.3, duplicate: 0.2, reorder: 0.3 });
      p.runUntil(p.settled);
      return { now: p.now, steps: p.steps, stats: { ...p.link.stats } };
    };
    expect(run()).toEqual(run());
  });
});
