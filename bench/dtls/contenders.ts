/**
 * The DTLS bench's contenders. Each makes one handshake over a `MemoryLink` (client on end a, server on
 * end b) and resolves when both ends are connected and the client has exported the SRTP keying material.
 * Every contender is configured alike: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDSA P-256 certificates,
 * mutual authentication, use_srtp AEAD_AES_128_GCM, extended master secret, and a HelloVerifyRequest
 * round trip (werift's server always sends one, so Tern's does too). The wire facts check it.
 *
 * Adding a contender (a DTLS 1.3 row, say): one more entry in CONTENDERS whose `prepare` returns its
 * handshake function; the bench runs it in its own process and checks its wire facts like the others'.
 */
import { createRequire } from "node:module";
import { certificateFingerprint, DtlsEndpoint, generateCertificate } from "@tern/dtls-srtp";
import type { MemoryLink } from "./dtls-link.js";

export type Handshake = (link: MemoryLink) => Promise<void>;

export interface DtlsContender {
  /** What the bench's rows call it. */
  readonly name: string;
  /** Once per process, not timed (certificates): the handshake function. */
  prepare(): Promise<Handshake>;
}

const GCM = 0x0007;

// ---- Tern --------------------------------------------------------------------------------------------------

/** A DtlsEndpoint on a link end: datagrams in, transmits drained out after each input. */
function attach(e: DtlsEndpoint, end: MemoryLink["a"]): void {
  const drain = (): void => {
    for (let d = e.pollTransmit(); d !== undefined; d = e.pollTransmit()) end.send(d);
  };
  end.onData = (d) => {
    e.handleDatagram(performance.now(), d);
    drain();
  };
  e.handleTimeout(performance.now());
  drain();
}

const ternDtls12: DtlsContender = {
  name: "tern",
  async prepare() {
    const [client, server] = [await generateCertificate(), await generateCertificate()];
    return (link) =>
      new Promise<void>((resolve, reject) => {
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
          cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
          helloVerifyRequest: true,
          remoteFingerprints: [certificateFingerprint(client.chain[0] as Uint8Array)],
        });
        const check = (): void => {
          if (c.state === "failed" || s.state === "failed")
            reject(new Error(`tern handshake ${c.state}/${s.state}`));
          else if (c.state === "connected" && s.state === "connected") {
            c.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
            resolve();
          }
        };
        attach(s, link.b);
        const onB = link.b.onData;
        link.b.onData = (d) => {
          onB(d);
          check();
        };
        attach(c, link.a);
        const onA = link.a.onData;
        link.a.onData = (d) => {
          onA(d);
          check();
        };
      });
  },
};

// ---- werift ------------------------------------------------------------------------------------------------

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

function weriftTransport(end: MemoryLink["a"], port: number): WeriftTransport {
  const t: WeriftTransport = {
    type: "memory",
    address: { address: "127.0.0.1", port, family: "IPv4" },
    closed: false,
    onData: () => undefined,
    send: async (d) => end.send(d),
    close: async () => undefined,
  };
  end.onData = (d) => t.onData(Buffer.from(d.buffer, d.byteOffset, d.byteLength), ["127.0.0.1", port ^ 3]);
  return t;
}

const werift: DtlsContender = {
  name: "werift",
  async prepare() {
    const w = createRequire(import.meta.url)("werift") as WeriftDtlsModule;
    const signatureHash = { hash: 4, signature: 3 }; // sha256, ecdsa
    const [client, server] = [
      await w.CipherContext.createSelfSignedCertificateWithKey(signatureHash, 23),
      await w.CipherContext.createSelfSignedCertificateWithKey(signatureHash, 23),
    ];
    return async (link) => {
      const s = new w.DtlsServer({
        transport: weriftTransport(link.b, 2),
        cert: server.certPem,
        key: server.keyPem,
        signatureHash,
        srtpProfiles: [GCM],
        certificateRequest: true,
        extendedMasterSecret: true,
      });
      const c = new w.DtlsClient({
        transport: weriftTransport(link.a, 1),
        cert: client.certPem,
        key: client.keyPem,
        signatureHash,
        srtpProfiles: [GCM],
        extendedMasterSecret: true,
      });
      const serverUp = new Promise<void>((resolve) => s.onConnect.subscribe(resolve));
      await Promise.all([c.connect(), serverUp]);
      c.exportKeyingMaterial("EXTRACTOR-dtls_srtp", 56);
      c.close();
      s.close();
    };
  },
};

export const CONTENDERS: readonly DtlsContender[] = [ternDtls12, werift];
