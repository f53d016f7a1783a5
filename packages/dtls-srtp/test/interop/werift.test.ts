/**
 * Interop with werift 0.25 (TypeScript WebRTC) on 127.0.0.1, Tern in each role: mutual auth with pinned
 * fingerprints, use_srtp, extended master secret; both sides export the same EXTRACTOR-dtls_srtp keys.
 */

import { withTimeout } from "@tern/test-support";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  certificateFromPem,
  type DtlsCertificate,
  generateCertificate,
} from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import { DtlsSocket } from "../../src/node/dtls-socket.js";
import { SrtpProtectionProfile } from "../../src/wire/extensions/use-srtp.js";
import { weriftCertificate, weriftClient, weriftServer, weriftTransport } from "./werift-peer.js";

let tern: DtlsCertificate;
let werift: { certPem: string; keyPem: string };
let weriftFingerprint: ReturnType<typeof certificateFingerprint>;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  tern = await generateCertificate();
  werift = await weriftCertificate();
  weriftFingerprint = certificateFingerprint(
    certificateFromPem(werift.certPem, werift.keyPem).chain[0] as Uint8Array,
  );
});

afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const GCM = SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM;
const CM80 = SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;

describe("werift", () => {
  it.each([GCM, CM80])("Tern client ↔ werift server (SRTP profile %i)", async (profile) => {
    const transport = await weriftTransport(undefined);
    const server = weriftServer(transport, werift, [profile]);
    cleanups.push(
      () => server.close(),
      () => void transport.close(),
    );
    const weriftConnected = new Promise<void>((resolve) => server.onConnect.subscribe(() => resolve()));
    const socket = await DtlsSocket.open({
      remote: { address: "127.0.0.1", port: transport.address.port },
      dtls: {
        role: "client",
        certificate: tern,
        srtpProfiles: [profile],
        remoteFingerprints: [weriftFingerprint],
      },
    });
    cleanups.push(() => socket.close());
    const info = await withTimeout(socket.connected(), 8000, "Tern connect");
    await withTimeout(weriftConnected, 8000, "werift connect");
    expect(info.srtpProfile).toBe(profile);
    expect(info.extendedMasterSecret).toBe(true);
    // werift 0.25 speaks DTLS 1.2 only: Tern offered 1.3 and 1.2 and took the 1.2 answer.
    expect(info.version).toBe("DTLS 1.2");
    const ours = socket.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 60);
    expect(Buffer.from(ours)).toEqual(server.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 60));
    const got = new Promise<Buffer>((resolve) => server.onData.subscribe((d) => resolve(d)));
    socket.send(new TextEncoder().encode("to werift"));
    expect((await withTimeout(got, 8000, "werift data")).toString()).toBe("to werift");
    const back = new Promise<Uint8Array>((resolve) => socket.once("data", resolve));
    await server.send(Buffer.from("to tern"));
    expect(Buffer.from(await withTimeout(back, 8000, "tern data")).toString()).toBe("to tern");
  });

  it.each([GCM, CM80])("werift client ↔ Tern server (SRTP profile %i)", async (profile) => {
    const socket = await DtlsSocket.open({
      dtls: {
        role: "server",
        certificate: tern,
        helloVerifyRequest: true,
        srtpProfiles: [profile],
        remoteFingerprints: [weriftFingerprint],
      },
    });
    cleanups.push(() => socket.close());
    const connected = socket.connected();
    const transport = await weriftTransport(socket.socket.address().port);
    const client = weriftClient(transport, werift, [profile]);
    cleanups.push(
      () => client.close(),
      () => void transport.close(),
    );
    await withTimeout(client.connect(), 8000, "werift connect");
    const info = await withTimeout(connected, 8000, "Tern connect");
    expect(info.srtpProfile).toBe(profile);
    expect(info.peerCertificate?.fingerprint).toBe(`sha-256 ${weriftFingerprint.value}`);
    expect(info.version).toBe("DTLS 1.2");
    // RFC 7627: Tern requires extended master secret by default, so the werift client negotiated it.
    expect(info.extendedMasterSecret).toBe(true);
    const ours = socket.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 60);
    expect(Buffer.from(ours)).toEqual(client.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 60));
    // Application data both ways over the association (the record layer, not only the exporter).
    const atWerift = new Promise<Buffer>((resolve) => client.onData.subscribe((d) => resolve(d)));
    socket.send(new TextEncoder().encode("to the werift client"));
    expect((await withTimeout(atWerift, 8000, "werift data")).toString()).toBe("to the werift client");
    const atTern = new Promise<Uint8Array>((resolve) => socket.once("data", resolve));
    await client.send(Buffer.from("to the Tern server"));
    expect(Buffer.from(await withTimeout(atTern, 8000, "tern data")).toString()).toBe("to the Tern server");
  });

  it("werift client without extended master secret is refused by a Tern server (RFC 7627 §5.3)", async () => {
    const socket = await DtlsSocket.open({
      dtls: { role: "server", certificate: tern, helloVerifyRequest: true, srtpProfiles: [GCM] },
    });
    cleanups.push(() => socket.close());
    const failed = new Promise<Error>((resolve) => socket.once("error", resolve));
    const transport = await weriftTransport(socket.socket.address().port);
    const client = weriftClient(transport, werift, [GCM], false);
    cleanups.push(
      () => client.close(),
      () => void transport.close(),
    );
    void client.connect().catch(() => undefined);
    const e = await withTimeout(failed, 8000, "Tern refusal");
    expect(e.message).toMatch(/insufficient-security/);
  });
});
