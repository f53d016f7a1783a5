/** The node:dgram adapter, Tern↔Tern on 127.0.0.1: connect, data both ways, SSLKEYLOGFILE, close_notify. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateCertificate } from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import { DtlsSocket } from "../../src/node/dtls-socket.js";

const sockets: DtlsSocket[] = [];
const savedKeyLog = process.env.SSLKEYLOGFILE;
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  if (savedKeyLog === undefined) delete process.env.SSLKEYLOGFILE;
  else process.env.SSLKEYLOGFILE = savedKeyLog;
});

describe("DtlsSocket", () => {
  it("connects over loopback UDP, carries data both ways, logs keys, and closes both sides", async () => {
    const keyLogFile = join(mkdtempSync(join(tmpdir(), "tern-dtls-")), "keys.log");
    process.env.SSLKEYLOGFILE = keyLogFile;
    const [a, b] = [await generateCertificate(), await generateCertificate()];
    const server = await DtlsSocket.open({
      dtls: {
        role: "server",
        certificate: b,
        srtpProfiles: [7],
        remoteFingerprints: [certificateFingerprint(a.chain[0] as Uint8Array)],
      },
    });
    sockets.push(server);
    const serverUp = server.connected();
    const client = await DtlsSocket.open({
      remote: { address: "127.0.0.1", port: server.socket.address().port },
      dtls: {
        role: "client",
        certificate: a,
        srtpProfiles: [7],
        remoteFingerprints: [certificateFingerprint(b.chain[0] as Uint8Array)],
      },
    });
    sockets.push(client);
    const [ci, si] = await Promise.all([client.connected(), serverUp]);
    expect(ci.srtpProfile).toBe(7);
    expect(si.peerCertificate?.fingerprint).toBe(
      `sha-256 ${certificateFingerprint(a.chain[0] as Uint8Array).value}`,
    );
    expect(client.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56)).toEqual(
      server.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56),
    );
    const atServer = new Promise<Uint8Array>((resolve) => server.once("data", resolve));
    client.send(new Uint8Array([1, 2]));
    expect([...(await atServer)]).toEqual([1, 2]);
    const atClient = new Promise<Uint8Array>((resolve) => client.once("data", resolve));
    server.send(new Uint8Array([3]));
    expect([...(await atClient)]).toEqual([3]);
    // DTLS 1.3: both endpoints appended the same five NSS lines (handshake, traffic and exporter secrets)
    expect(ci.version).toBe("DTLS 1.3");
    const lines = readFileSync(keyLogFile, "utf8").trim().split("\n").sort();
    expect(lines).toHaveLength(10);
    const labels = lines.map((l) => l.split(" ")[0]);
    expect(new Set(labels)).toEqual(
      new Set([
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
        "EXPORTER_SECRET",
      ]),
    );
    for (let i = 0; i < 10; i += 2) expect(lines[i]).toBe(lines[i + 1]);
    expect(lines[0]).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64}$/);
    const serverClosed = new Promise<void>((resolve) => server.once("close", resolve));
    client.close();
    await serverClosed;
    expect(server.endpoint.state).toBe("closed");
    expect(client.internalErrors + server.internalErrors).toBe(0);
  });
});
