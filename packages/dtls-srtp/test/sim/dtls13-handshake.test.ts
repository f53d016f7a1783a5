/** DTLS 1.3 (RFC 9147) between two Tern endpoints over a simulated link. */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { twoCertificates } from "./certificates.js";
import { webrtcPair } from "./dtls13-pair.js";

let certs: [DtlsCertificate, DtlsCertificate];
beforeAll(async () => {
  certs = await twoCertificates();
});

const connected = (p: ReturnType<typeof webrtcPair>, side: "a" | "b") =>
  p.events[side].find((e) => e.kind === "connected");

describe("DTLS 1.3 handshake", () => {
  it("negotiates 1.3 with X25519MLKEM768 by default and both sides export the same SRTP keys", () => {
    const p = webrtcPair(certs, 1, { seed: 1 });
    p.runUntil(p.settled);
    expect(p.kinds("a")).toEqual(["connected"]);
    expect(p.kinds("b")).toEqual(["connected"]);
    const a = connected(p, "a");
    expect(a).toMatchObject({
      version: "DTLS 1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      group: "X25519MLKEM768",
    });
    expect(connected(p, "b")).toMatchObject({ version: "DTLS 1.3", group: "X25519MLKEM768", srtpProfile: 7 });
    const ka = p.a.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
    expect(ka).toEqual(p.b.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56));
  });
});
