/**
 * DTLS 1.2 handshakes in one process over an in-memory link: Tern↔Tern vs werift↔werift, same run.
 * Both sides: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDSA P-256 certificates, mutual auth, use_srtp
 * (AEAD_AES_128_GCM), extended master secret, no HelloVerifyRequest (the WebRTC setting).
 * Measures the wall time of each handshake (both sides' CPU, since the link delivers at once) and the rate.
 */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import {
  certificateFingerprint,
  type DtlsCertificate,
  DtlsEndpoint,
  generateCertificate,
} from "@tern/dtls-srtp";
import { median, writeReport } from "./report.js";

interface WeriftTransport {
  type: string;
  address: { address: string; port: number; family: string };
  closed: boolean;
  onData: (data: Buffer, addr: readonly [string, number]) => void;
  send: (data: Buffer) => Promise<void>;
  close: () => Promise<void>;
}
interface WeriftSocket {
  onConnect: { subscribe(f: () => void): void };
  close(): void;
  exportKeyingMaterial(label: string, length: number): Buffer;
}
interface WeriftDtlsModule {
  CipherContext: {
    createSelfSignedCertificateWithKey(
      sh: { hash: number; signature: number },
      curve: number,
    ): Promise<{ certPem: string; keyPem: string }>;
  };
  DtlsServer: new (options: object) => WeriftSocket;
  DtlsClient: new (options: object) => WeriftSocket & { connect(): Promise<void> };
}
const werift = createRequire(import.meta.url)("werift") as WeriftDtlsModule;

const HANDSHAKES = 60;
const WARMUP = 5;
const GCM = 7;

function ternHandshake(client: DtlsCertificate, server: DtlsCertificate): void {
  const c = new DtlsEndpoint({
    role: "client",
    certificate: client,
    srtpProfiles: [GCM],
    cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
    remoteFingerprints: [certificateFingerprint(server.chain[0] as Uint8Array)],
  });
  const s = new DtlsEndpoint({
    role: "server",
    certificate: server,
    srtpProfiles: [GCM],
    helloVerifyRequest: false,
    remoteFingerprints: [certificateFingerprint(client.chain[0] as Uint8Array)],
  });
  c.handleTimeout(0);
  for (let moved = true; moved; ) {
    moved = false;
    for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit(), moved = true)
      s.handleDatagram(0, d);
    for (let d = s.pollTransmit(); d !== undefined; d = s.pollTransmit(), moved = true)
      c.handleDatagram(0, d);
  }
  if (c.state !== "connected" || s.state !== "connected")
    throw new Error(`tern handshake ended ${c.state}/${s.state}`);
  c.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
}

function memoryTransports(): [WeriftTransport, WeriftTransport] {
  const make = (port: number): WeriftTransport => ({
    type: "memory",
    address: { address: "127.0.0.1", port, family: "IPv4" },
    closed: false,
    onData: () => {},
    send: async () => {},
    close: async () => {},
  });
  const a = make(1);
  const b = make(2);
  a.send = async (d) => void setImmediate(() => b.onData(d, ["127.0.0.1", 1]));
  b.send = async (d) => void setImmediate(() => a.onData(d, ["127.0.0.1", 2]));
  return [a, b];
}

async function weriftHandshake(cert: { certPem: string; keyPem: string }): Promise<void> {
  const [ta, tb] = memoryTransports();
  const signatureHash = { hash: 4, signature: 3 };
  const server = new werift.DtlsServer({
    transport: tb,
    cert: cert.certPem,
    key: cert.keyPem,
    signatureHash,
    srtpProfiles: [GCM],
    certificateRequest: true,
    extendedMasterSecret: true,
  });
  const client = new werift.DtlsClient({
    transport: ta,
    cert: cert.certPem,
    key: cert.keyPem,
    signatureHash,
    srtpProfiles: [GCM],
    extendedMasterSecret: true,
  });
  const serverUp = new Promise<void>((resolve) => server.onConnect.subscribe(resolve));
  await Promise.all([client.connect(), serverUp]);
  client.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 56);
  client.close();
  server.close();
}

export default async function (): Promise<void> {
  const [a, b] = [await generateCertificate(), await generateCertificate()];
  const wcert = await werift.CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23);

  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  const ternMs: number[] = [];
  const ternCpuMs: number[] = [];
  for (let i = 0; i < WARMUP + HANDSHAKES; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    ternHandshake(a, b);
    if (i >= WARMUP) {
      ternCpuMs.push(cpuMs(process.cpuUsage(c0)));
      ternMs.push(performance.now() - t0);
    }
  }
  const weriftMs: number[] = [];
  const weriftCpuMs: number[] = [];
  for (let i = 0; i < WARMUP + HANDSHAKES; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await weriftHandshake(wcert);
    if (i >= WARMUP) {
      weriftCpuMs.push(cpuMs(process.cpuUsage(c0)));
      weriftMs.push(performance.now() - t0);
    }
  }
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const notes = [
    `${HANDSHAKES} sequential handshakes each after ${WARMUP} warm-up; ECDHE_ECDSA_AES_128_GCM_SHA256, mutual auth,`,
    "use_srtp AEAD_AES_128_GCM, EMS; in-memory link (Tern: synchronous pump; werift: setImmediate delivery).",
    "werift's wall time is mostly its own polling sleeps (waitForReady: setTimeout 0/100/200… ms); the CPU rows",
    "(process.cpuUsage, both endpoints) compare the work done.",
  ];
  writeReport({
    name: "dtls-handshake-latency",
    unit: "ms",
    better: "lower",
    subject: "Tern",
    baselines: ["werift"],
    rows: [
      { case: "handshake wall time, median", values: { Tern: median(ternMs), werift: median(weriftMs) } },
      {
        case: "handshake CPU time, median",
        values: { Tern: median(ternCpuMs), werift: median(weriftCpuMs) },
      },
      {
        case: "handshake wall time, p90",
        values: {
          Tern: [...ternMs].sort((x, y) => x - y)[Math.floor(ternMs.length * 0.9)] as number,
          werift: [...weriftMs].sort((x, y) => x - y)[Math.floor(weriftMs.length * 0.9)] as number,
        },
      },
    ],
    notes,
  });
  writeReport({
    name: "dtls-handshake-rate",
    unit: "handshakes/s",
    better: "higher",
    subject: "Tern",
    baselines: ["werift"],
    rows: [
      {
        case: "sequential handshakes (wall)",
        values: {
          Tern: (1000 * ternMs.length) / sum(ternMs),
          werift: (1000 * weriftMs.length) / sum(weriftMs),
        },
      },
      {
        case: "handshakes per CPU-second",
        values: {
          Tern: (1000 * ternCpuMs.length) / sum(ternCpuMs),
          werift: (1000 * weriftCpuMs.length) / sum(weriftCpuMs),
        },
      },
    ],
    notes,
  });
}
