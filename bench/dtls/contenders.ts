/**
 * The DTLS bench's contenders. Each makes one handshake over a `MemoryLink` (client on end a, server on
 * end b) and resolves when both ends are connected and the client has exported the SRTP keying material.
 * Every contender: ECDSA P-256 certificates, mutual authentication, use_srtp AEAD_AES_128_GCM, extended
 * master secret (DTLS 1.3's key schedule always binds the transcript), AES-128-GCM.
 *
 * Two sets of rows (`rows`):
 * - "werift": Tern's DTLS 1.2 against werift's, ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over x25519 and a
 *   HelloVerifyRequest round trip (werift's server always sends one, so Tern's does too).
 * - "dtls13": Tern's DTLS 1.3 with X25519 and with X25519MLKEM768, TLS_AES_128_GCM_SHA256, against Tern's
 *   own DTLS 1.2 (x25519), all three without a cookie round trip (the WebRTC setting).
 *
 * Adding a contender: one more entry in CONTENDERS whose `prepare` returns its handshake function; the
 * bench runs it in its own process and checks its wire facts against its set's first contender.
 */
import { createRequire } from "node:module";
import {
  certificateFingerprint,
  type DtlsCertificate,
  DtlsEndpoint,
  type DtlsEvent,
  type DtlsOptions,
  generateCertificate,
} from "@tern/dtls-srtp";
import type { MemoryLink } from "./dtls-link.js";

/**
 * What the stack reported about the handshake it made (Tern's `connected` events: the version, group and
 * SRTP profile of DTLS 1.3 are encrypted on the wire); werift reports nothing beyond the wire.
 */
export interface HandshakeFacts {
  /** "DTLS 1.3" / "DTLS 1.2" (webrtc-stats' tlsVersion wording) */
  readonly tlsVersion?: string;
  readonly tlsGroup?: string;
  readonly srtpProfile?: number;
  readonly mutualAuth?: boolean;
  readonly extendedMasterSecret?: boolean;
}

export type Handshake = (link: MemoryLink) => Promise<HandshakeFacts>;

export interface DtlsContender {
  /** What the bench's rows call it. */
  readonly name: string;
  /** The set of rows it belongs to; the first contender of a set is the subject its facts are checked against. */
  readonly rows: "werift" | "dtls13";
  /** What its handshakes must report (its facts, read back); a contender that differs is dropped. */
  readonly expect?: Readonly<Record<string, unknown>>;
  /** Once per process, not timed (certificates): the handshake function. */
  prepare(): Promise<Handshake>;
}

const GCM = 0x0007;

// ---- Tern --------------------------------------------------------------------------------------------------

type TernSetting = Pick<DtlsOptions, "versions" | "namedGroups" | "helloVerifyRequest">;
type Connected = Extract<DtlsEvent, { kind: "connected" }>;

/** A DtlsEndpoint on a link end: datagrams in, transmits and events drained after each input. */
function attach(e: DtlsEndpoint, end: MemoryLink["a"], onConnected: (c: Connected) => void): void {
  const drain = (): void => {
    for (let d = e.pollTransmit(); d !== undefined; d = e.pollTransmit()) end.send(d);
    for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent())
      if (ev.kind === "connected") onConnected(ev);
  };
  end.onData = (d) => {
    e.handleDatagram(performance.now(), d);
    drain();
  };
  e.handleTimeout(performance.now());
  drain();
}

function ternHandshake(client: DtlsCertificate, server: DtlsCertificate, setting: TernSetting): Handshake {
  const common = {
    srtpProfiles: [GCM],
    versions: setting.versions,
    namedGroups: setting.namedGroups,
    cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
    tls13CipherSuites: ["TLS_AES_128_GCM_SHA256"],
  } as const;
  return (link) =>
    new Promise<HandshakeFacts>((resolve, reject) => {
      const c = new DtlsEndpoint({
        ...common,
        role: "client",
        certificate: client,
        remoteFingerprints: [certificateFingerprint(server.chain[0] as Uint8Array)],
      });
      const s = new DtlsEndpoint({
        ...common,
        role: "server",
        certificate: server,
        helloVerifyRequest: setting.helloVerifyRequest,
        remoteFingerprints: [certificateFingerprint(client.chain[0] as Uint8Array)],
      });
      let atClient: Connected | undefined;
      let atServer: Connected | undefined;
      const check = (): void => {
        if (c.state === "failed" || s.state === "failed")
          reject(new Error(`tern handshake ${c.state}/${s.state}`));
        else if (atClient !== undefined && atServer !== undefined) {
          c.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, 56);
          resolve({
            tlsVersion: atClient.version,
            ...(atClient.group !== undefined ? { tlsGroup: atClient.group } : {}),
            ...(atClient.srtpProfile !== undefined ? { srtpProfile: atClient.srtpProfile } : {}),
            mutualAuth: atClient.peerCertificate !== undefined && atServer.peerCertificate !== undefined,
            extendedMasterSecret: atClient.extendedMasterSecret && atServer.extendedMasterSecret,
          });
        }
      };
      attach(s, link.b, (e) => {
        atServer = e;
      });
      const onB = link.b.onData;
      link.b.onData = (d) => {
        onB(d);
        check();
      };
      attach(c, link.a, (e) => {
        atClient = e;
      });
      const onA = link.a.onData;
      link.a.onData = (d) => {
        onA(d);
        check();
      };
    });
}

function tern(
  name: string,
  rows: DtlsContender["rows"],
  setting: TernSetting,
  expect: Readonly<Record<string, unknown>>,
): DtlsContender {
  return {
    name,
    rows,
    expect,
    async prepare() {
      const [client, server] = [await generateCertificate(), await generateCertificate()];
      return ternHandshake(client, server, setting);
    },
  };
}

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
  rows: "werift",
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
      return {};
    };
  },
};

export const CONTENDERS: readonly DtlsContender[] = [
  tern(
    "tern",
    "werift",
    { versions: ["1.2"], namedGroups: ["x25519"], helloVerifyRequest: true },
    { tlsVersion: "DTLS 1.2", tlsGroup: "x25519", cipherSuite: "0xC02B" },
  ),
  werift,
  tern(
    "tern-1.2",
    "dtls13",
    { versions: ["1.2"], namedGroups: ["x25519"], helloVerifyRequest: false },
    { tlsVersion: "DTLS 1.2", tlsGroup: "x25519", cipherSuite: "0xC02B" },
  ),
  tern(
    "tern-1.3-x25519",
    "dtls13",
    { versions: ["1.3"], namedGroups: ["x25519"], helloVerifyRequest: false },
    { tlsVersion: "DTLS 1.3", tlsGroup: "x25519", cipherSuite: "0x1301", namedGroup: 29 },
  ),
  tern(
    "tern-1.3-x25519mlkem768",
    "dtls13",
    { versions: ["1.3"], namedGroups: ["X25519MLKEM768"], helloVerifyRequest: false },
    { tlsVersion: "DTLS 1.3", tlsGroup: "X25519MLKEM768", cipherSuite: "0x1301", namedGroup: 4588 },
  ),
];
