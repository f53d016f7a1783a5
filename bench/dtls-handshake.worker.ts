/**
 * One contender of `pnpm bench dtls`, in its own process (dtls.bench.ts forks one per contender): runs
 * sequential DTLS handshakes over an in-memory link and prints {wallMs, cpuMs, mlKem} as JSON on stdout.
 * Every contender: ECDSA P-256 certificates, mutual auth, use_srtp AEAD_AES_128_GCM, AES-128-GCM.
 *
 *   tern-1.2-hvr       Tern DTLS 1.2, x25519, the server sends a HelloVerifyRequest (as werift's always does)
 *   werift             werift 0.25 DTLS 1.2, both sides (its server always sends a HelloVerifyRequest)
 *   tern-1.2           Tern DTLS 1.2, x25519, no HelloVerifyRequest (the WebRTC setting)
 *   tern-1.3-x25519    Tern DTLS 1.3, x25519, no HelloRetryRequest cookie
 *   tern-1.3-hybrid    Tern DTLS 1.3, X25519MLKEM768, no HelloRetryRequest cookie
 */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import {
  certificateFingerprint,
  type DtlsCertificate,
  DtlsEndpoint,
  type DtlsOptions,
  generateCertificate,
  mlKem768,
} from "@tern/dtls-srtp";

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

const GCM = 7;
const variant = process.argv[2] ?? "";
const handshakes = Number(process.argv[3] ?? 60);
const warmup = Number(process.argv[4] ?? 5);

type Setting = Pick<DtlsOptions, "versions" | "namedGroups" | "helloVerifyRequest">;
const TERN: Record<string, Setting> = {
  "tern-1.2-hvr": { versions: ["1.2"], namedGroups: ["x25519"], helloVerifyRequest: true },
  "tern-1.2": { versions: ["1.2"], namedGroups: ["x25519"], helloVerifyRequest: false },
  "tern-1.3-x25519": { versions: ["1.3"], namedGroups: ["x25519"], helloVerifyRequest: false },
  "tern-1.3-hybrid": { versions: ["1.3"], namedGroups: ["X25519MLKEM768"], helloVerifyRequest: false },
};

function ternHandshake(client: DtlsCertificate, server: DtlsCertificate, s: Setting): void {
  const common = { srtpProfiles: [GCM], versions: s.versions, namedGroups: s.namedGroups };
  const c = new DtlsEndpoint({
    ...common,
    role: "client",
    certificate: client,
    cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
    tls13CipherSuites: ["TLS_AES_128_GCM_SHA256"],
    remoteFingerprints: [certificateFingerprint(server.chain[0] as Uint8Array)],
  });
  const sv = new DtlsEndpoint({
    ...common,
    role: "server",
    certificate: server,
    helloVerifyRequest: s.helloVerifyRequest,
    remoteFingerprints: [certificateFingerprint(client.chain[0] as Uint8Array)],
  });
  c.handleTimeout(0);
  for (let moved = true; moved; ) {
    moved = false;
    for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit(), moved = true)
      sv.handleDatagram(0, d);
    for (let d = sv.pollTransmit(); d !== undefined; d = sv.pollTransmit(), moved = true)
      c.handleDatagram(0, d);
  }
  if (c.state !== "connected" || sv.state !== "connected")
    throw new Error(`tern handshake ended ${c.state}/${sv.state}`);
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

async function weriftHandshake(
  werift: WeriftDtlsModule,
  cert: { certPem: string; keyPem: string },
): Promise<void> {
  const [ta, tb] = memoryTransports();
  const signatureHash = { hash: 4, signature: 3 };
  const common = {
    cert: cert.certPem,
    key: cert.keyPem,
    signatureHash,
    srtpProfiles: [GCM],
    extendedMasterSecret: true,
  };
  const server = new werift.DtlsServer({ ...common, transport: tb, certificateRequest: true });
  const client = new werift.DtlsClient({ ...common, transport: ta });
  const serverUp = new Promise<void>((resolve) => server.onConnect.subscribe(resolve));
  await Promise.all([client.connect(), serverUp]);
  client.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 56);
  client.close();
  server.close();
}

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const wallMs: number[] = [];
const cpu: number[] = [];
const measure = async (once: () => Promise<void> | void) => {
  for (let i = 0; i < warmup + handshakes; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await once();
    if (i >= warmup) {
      cpu.push(cpuMs(process.cpuUsage(c0)));
      wallMs.push(performance.now() - t0);
    }
  }
};

const setting = TERN[variant];
if (setting !== undefined) {
  const [a, b] = [await generateCertificate(), await generateCertificate()];
  await measure(() => ternHandshake(a, b, setting));
} else if (variant === "werift") {
  const werift = createRequire(import.meta.url)("werift") as WeriftDtlsModule;
  const cert = await werift.CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature: 3 }, 23);
  await measure(() => weriftHandshake(werift, cert));
} else {
  throw new Error(`unknown contender ${variant}`);
}
process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: cpu, mlKem: mlKem768.name })}\n`);
process.exit(0);
