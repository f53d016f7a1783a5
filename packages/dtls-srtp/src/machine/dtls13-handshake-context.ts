import type { PeerCertificate } from "../crypto/certificate.js";
import type { KeyExchangeGroup } from "../crypto/key-exchange.js";
import { hashOf, KeySchedule } from "../crypto/key-schedule.js";
import { HandshakeType } from "../wire/tls-parameters.js";
import type { Tls13CipherSuiteInfo } from "../wire/tls13-cipher-suite.js";
import type { DtlsErrorCode } from "./dtls-error.js";
import { type DtlsEvent, peerCertificateInfo } from "./dtls-event.js";
import type { ResolvedOptions } from "./dtls-options.js";
import { ApplicationTraffic13 } from "./dtls13-key-update.js";
import type { Millis } from "./flight-buffer.js";
import { hex } from "./handshake-context.js";

/** What the DTLS 1.3 client and server flights ask of the connection. */
export interface Handshake13Io {
  /** Sends a new flight (message_seq assigned in order); `armTimer` when an answer or ACK is expected. */
  sendFlight(
    now: Millis,
    messages: ReadonlyArray<{ readonly epoch: number; readonly msgType: number; readonly body: Uint8Array }>,
    armTimer: boolean,
  ): void;
  /** Installs the keys of a traffic secret for reading or writing `epoch`. */
  installRead(epoch: number, secret: Uint8Array): void;
  installWrite(epoch: number, secret: Uint8Array): void;
  /** The peer's flight has started arriving: stop retransmitting ours (implicit acknowledgement). */
  peerFlightStarted(): void;
  /** The server selected DTLS 1.3 (a client may send ACKs from now on). */
  versionSelected(): void;
  fail(code: DtlsErrorCode, cause: string): undefined;
  connected(): void;
}

/**
 * One DTLS 1.3 handshake's shared state: the transcript (RFC 9147 §5.2: TLS 1.3 handshake headers, without
 * message_seq and fragment fields), the negotiated parameters, the key schedule and traffic secrets.
 */
export class Handshake13Context {
  readonly #messages: Uint8Array[] = [];
  clientRandom: Uint8Array = new Uint8Array(32);
  suite: Tls13CipherSuiteInfo | undefined;
  group: KeyExchangeGroup | undefined;
  schedule: KeySchedule | undefined;
  srtpProfile: number | undefined;
  peerCertificate: PeerCertificate | undefined;
  clientHandshakeSecret: Uint8Array | undefined;
  serverHandshakeSecret: Uint8Array | undefined;
  clientApplicationSecret: Uint8Array | undefined;
  serverApplicationSecret: Uint8Array | undefined;
  exporterSecret: Uint8Array | undefined;

  constructor(readonly options: ResolvedOptions) {}

  /** Adds a whole message: msg_type, uint24 length, body. */
  add(msgType: number, body: Uint8Array): void {
    const m = new Uint8Array(4 + body.length);
    m[0] = msgType;
    m[1] = body.length >>> 16;
    m[2] = (body.length >>> 8) & 0xff;
    m[3] = body.length & 0xff;
    m.set(body, 4);
    this.#messages.push(m);
  }

  /**
   * RFC 8446 §4.4.1: after a HelloRetryRequest the first ClientHello is replaced by
   * message_hash(254) || 00 00 || Hash.length || Hash(ClientHello1).
   */
  replaceWithMessageHash(hash: "sha256" | "sha384", clientHello1Hash?: Uint8Array): void {
    const h = clientHello1Hash ?? hashOf(hash, ...this.#messages);
    this.#messages.length = 0;
    this.add(HandshakeType.message_hash, h);
  }

  transcriptHash(): Uint8Array {
    const suite = this.suite;
    if (suite === undefined) throw new Error("cipher suite not negotiated yet");
    return hashOf(suite.hash, ...this.#messages);
  }

  /** Starts the key schedule from the (EC)DHE or hybrid shared secret, transcript = ClientHello…ServerHello. */
  deriveHandshakeSecrets(sharedSecret: Uint8Array): void {
    const suite = this.suite;
    if (suite === undefined) throw new Error("cipher suite not negotiated yet");
    const schedule = new KeySchedule(suite.hash);
    schedule.deriveHandshakeSecret(sharedSecret);
    const th = this.transcriptHash();
    this.schedule = schedule;
    this.clientHandshakeSecret = schedule.handshakeTrafficSecret("client", th);
    this.serverHandshakeSecret = schedule.handshakeTrafficSecret("server", th);
    this.#log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", this.clientHandshakeSecret);
    this.#log("SERVER_HANDSHAKE_TRAFFIC_SECRET", this.serverHandshakeSecret);
  }

  /** Application and exporter secrets, transcript = ClientHello…server Finished. */
  deriveApplicationSecrets(): void {
    const schedule = this.schedule;
    if (schedule === undefined) throw new Error("handshake secrets first");
    schedule.deriveMasterSecret();
    const th = this.transcriptHash();
    this.clientApplicationSecret = schedule.masterDerived("c ap traffic", th);
    this.serverApplicationSecret = schedule.masterDerived("s ap traffic", th);
    this.exporterSecret = schedule.masterDerived("exp master", th);
    this.#log("CLIENT_TRAFFIC_SECRET_0", this.clientApplicationSecret);
    this.#log("SERVER_TRAFFIC_SECRET_0", this.serverApplicationSecret);
    this.#log("EXPORTER_SECRET", this.exporterSecret);
  }

  /** verify_data of `side`'s Finished over the transcript as it stands. */
  finished(side: "client" | "server"): Uint8Array {
    const schedule = this.schedule;
    const base = side === "client" ? this.clientHandshakeSecret : this.serverHandshakeSecret;
    if (schedule === undefined || base === undefined) throw new Error("handshake secrets first");
    return schedule.finishedVerifyData(base, this.transcriptHash());
  }

  /** The connected state (secrets each way, the exporter) and the `connected` event. */
  connectedState(
    role: "client" | "server",
  ):
    | { readonly app: ApplicationTraffic13; readonly writeSecret: Uint8Array; readonly event: DtlsEvent }
    | undefined {
    const { suite, clientApplicationSecret: c, serverApplicationSecret: s, exporterSecret: e } = this;
    if (suite === undefined || c === undefined || s === undefined || e === undefined) return undefined;
    const [mine, theirs] = role === "client" ? [c, s] : [s, c];
    const event: DtlsEvent = {
      kind: "connected",
      version: "DTLS 1.3",
      cipherSuite: suite.name,
      group: this.group,
      srtpProfile: this.srtpProfile,
      peerCertificate: peerCertificateInfo(this.peerCertificate),
      extendedMasterSecret: true,
    };
    return { app: new ApplicationTraffic13(suite, theirs, mine, e), writeSecret: mine, event };
  }

  /** NSS key log lines (Wireshark decrypts DTLS 1.3 with these). */
  #log(label: string, secret: Uint8Array): void {
    this.options.keyLog?.(`${label} ${hex(this.clientRandom)} ${hex(secret)}`);
  }
}
