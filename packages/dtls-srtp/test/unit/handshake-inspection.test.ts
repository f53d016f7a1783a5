/** inspectHandshake reads a captured handshake (both directions) and the key log, as the browser cells do. */
import { beforeAll, describe, expect, it } from "vitest";
import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { type CapturedDatagram, inspectHandshake } from "../../src/machine/handshake-inspection.js";
import { twoCertificates } from "../sim/certificates.js";
import { webrtcPair } from "../sim/dtls13-pair.js";

let certs: [DtlsCertificate, DtlsCertificate];
beforeAll(async () => {
  certs = await twoCertificates();
});

function captured(versions: readonly ("1.3" | "1.2")[], serverGroups?: readonly ("x25519" | "secp256r1")[]) {
  const keyLog: string[] = [];
  const p = webrtcPair(
    certs,
    3,
    { seed: 3 },
    { versions, keyLog: (l) => keyLog.push(l) },
    {},
    serverGroups === undefined ? {} : { namedGroups: serverGroups },
  );
  const capture: CapturedDatagram[] = [];
  p.link.tamper = (from, data) => {
    capture.push({ from: from === "a" ? "client:1" : "server:2", data });
    return data;
  };
  p.runUntil(p.settled);
  return { inspection: inspectHandshake(capture, keyLog), capture };
}

describe("inspectHandshake", () => {
  it("DTLS 1.3: roles, version, hybrid group and the SRTP profile from the encrypted extensions", () => {
    const { inspection } = captured(["1.3", "1.2"]);
    expect(inspection).toMatchObject({
      client: "client:1",
      server: "server:2",
      version: "DTLS 1.3",
      cipherSuite: 0x1301,
      group: 0x11ec,
      srtpProfile: 7,
      helloRetryRequest: false,
    });
    expect(inspection.offeredVersions).toEqual([0xfefc, 0xfefd]);
    expect(inspection.offeredKeyShares).toEqual([0x11ec, 29]);
  });

  it("DTLS 1.3 after a HelloRetryRequest (the server wants P-256)", () => {
    const { inspection } = captured(["1.3"], ["secp256r1"]);
    expect(inspection).toMatchObject({
      version: "DTLS 1.3",
      group: 23,
      srtpProfile: 7,
      helloRetryRequest: true,
    });
  });

  it("DTLS 1.2: the ServerHello's use_srtp and the ServerKeyExchange's curve", () => {
    const { inspection } = captured(["1.2"]);
    expect(inspection).toMatchObject({ version: "DTLS 1.2", cipherSuite: 0xc02b, group: 29, srtpProfile: 7 });
  });

  it("never throws on garbage", () => {
    const junk = [
      { from: "x", data: Uint8Array.of(22, 0xfe, 0xfd, 0, 0) },
      { from: "y", data: new Uint8Array(40).fill(0x2c) },
    ];
    expect(inspectHandshake(junk, ["SERVER_HANDSHAKE_TRAFFIC_SECRET zz"]).version).toBeUndefined();
  });
});
