import { Tls12Exporter } from "../crypto/prf.js";
import type { RecordCipher } from "../crypto/record-protection.js";
import { encodeAlert } from "../wire/alert.js";
import { decodeChangeCipherSpec } from "../wire/change-cipher-spec.js";
import type { ClientHello } from "../wire/client-hello.js";
import { decodeHandshakeFragments } from "../wire/handshake.js";
import { AlertDescription, AlertLevel, ContentType, HandshakeType } from "../wire/tls-parameters.js";
import { ClientHandshake } from "./client-flights.js";
import { type DtlsConnection, type DtlsState, MAX_PLAINTEXT, type UpgradeTo13 } from "./dtls-connection.js";
import { alertForError, DtlsError, type DtlsErrorCode, UsageError } from "./dtls-error.js";
import { type DtlsCounter, type DtlsEvent, peerCertificateInfo } from "./dtls-event.js";
import type { ResolvedOptions } from "./dtls-options.js";
import { FlightBuffer, type FlightEntry, type Millis } from "./flight-buffer.js";
import { HandshakeContext, type HandshakeIo } from "./handshake-context.js";
import {
  FRAGMENT_VERDICT_COUNTERS,
  type HandshakeMessage,
  HandshakeReassembly,
} from "./handshake-reassembly.js";
import { peerAlert } from "./peer-alert.js";
import { type PlainRecord, RecordLayer } from "./record-layer.js";
import { ServerHandshake } from "./server-flights.js";

/**
 * A DTLS 1.2 association (RFC 6347), sans-IO, behind `DtlsEndpoint`. A server's endpoint starts as one of
 * these whatever versions are enabled: it reassembles the ClientHello, and `ServerHandshake` hands a
 * ClientHello that selects DTLS 1.3 to `upgradeTo13`.
 *
 * A client sends its first flight at the first handleTimeout(now) (pollTimeout() is 0 until then); a client
 * made by `resumeClient` takes over a ClientHello a DTLS 1.3 client already sent (the server answered 1.2).
 *
 * Once connected, the handshake state (transcript, flight logic, ECDHE keys, the peer's certificate) is
 * dropped: only the exporter's secrets, the record layer, the reassembly's message_seq (to notice the
 * peer retransmitting) and — on a server — its final flight (to resend it then, RFC 6347 §4.2.4) are kept.
 * A connected client keeps no flight: it never resends one.
 */
export class Dtls12Connection implements DtlsConnection {
  readonly role: "client" | "server";
  readonly #o: ResolvedOptions;
  /** Until connected. */
  #ctx: HandshakeContext | undefined;
  /** Set when connected. */
  #exporter: Tls12Exporter | undefined;
  readonly #records: RecordLayer;
  readonly #reassembly = new HandshakeReassembly(undefined, () => this.counters["evicted-fragment"]++);
  readonly #flight: FlightBuffer;
  #flightRecordVersion: number | undefined;
  #client: ClientHandshake | undefined;
  #server: ServerHandshake | undefined;
  readonly #transmits: Uint8Array[] = [];
  readonly #events: DtlsEvent[] = [];
  #state: DtlsState;

  constructor(
    options: ResolvedOptions,
    readonly counters: Record<DtlsCounter, number>,
    private readonly upgradeTo13: UpgradeTo13 | undefined,
  ) {
    this.#o = options;
    this.role = this.#o.role;
    this.#records = new RecordLayer(this.#o.mtu, (r) => this.counters[r]++);
    this.#flight = new FlightBuffer(
      this.#o.initialRetransmitMs,
      this.#o.maxRetransmitMs,
      this.#o.maxRetransmissions,
    );
    const ctx = new HandshakeContext(this.#o);
    this.#ctx = ctx;
    const io = this.#io();
    if (this.role === "client") {
      this.#client = new ClientHandshake(ctx, io);
      this.#state = "new";
    } else {
      this.#server = new ServerHandshake(ctx, io);
      this.#state = "handshaking";
      this.#reassembly.awaitFirst(HandshakeType.client_hello);
    }
  }

  /**
   * A client that continues from a ClientHello already sent (by a DTLS 1.3 client whose server answered
   * with DTLS 1.2 or a HelloVerifyRequest): its flight is that ClientHello, its next epoch-0 record number
   * `nextRecordSeq`. Feed it the datagrams the 1.3 client received.
   */
  static resumeClient(
    now: Millis,
    options: ResolvedOptions,
    counters: Record<DtlsCounter, number>,
    hello: ClientHello,
    nextRecordSeq: number,
  ): Dtls12Connection {
    const c = new Dtls12Connection(options, counters, undefined);
    c.#state = "handshaking";
    c.#records.bumpSequence(0, nextRecordSeq);
    c.#client?.resume(now, hello);
    return c;
  }

  get state(): DtlsState {
    return this.#state;
  }

  handleDatagram(now: Millis, data: Uint8Array): void {
    if (this.#state === "closed" || this.#state === "failed") {
      this.counters["after-close"]++;
      return;
    }
    if (this.#state === "new") {
      this.counters["not-started"]++;
      return;
    }
    let peerRetransmitted = false;
    for (const record of this.#records.split(data)) {
      if (this.#state !== "handshaking" && this.#state !== "connected") return;
      const rec = this.#records.open(record);
      if (rec !== undefined && this.#processRecord(now, rec)) peerRetransmitted = true;
      for (const ready of this.#records.takeReadyFuture()) {
        if (this.#processRecord(now, ready)) peerRetransmitted = true;
      }
    }
    if (peerRetransmitted && (this.#state === "handshaking" || this.#state === "connected")) {
      this.#onPeerRetransmission(now);
    }
  }

  handleTimeout(now: Millis): void {
    if (this.#state === "new") {
      this.#state = "handshaking";
      this.#client?.start(now);
      return;
    }
    if (this.#state !== "handshaking" && this.#state !== "connected") return;
    const r = this.#flight.expire(now);
    if (r === "retransmit") {
      this.counters["retransmitted-flight"]++;
      this.#transmitFlight(this.#flight.entries);
    } else if (r === "exhausted") {
      this.#fail("handshake-timeout", `no answer after ${this.#o.maxRetransmissions} retransmissions`);
    }
  }

  pollTransmit(): Uint8Array | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): DtlsEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.#state === "new") return 0;
    if (this.#state !== "handshaking" && this.#state !== "connected") return undefined;
    return this.#flight.deadline;
  }

  /** Sends application data (one record). Throws UsageError unless connected. */
  send(data: Uint8Array): void {
    if (this.#state !== "connected") throw new UsageError(`send() in state ${this.#state}`);
    if (data.length > MAX_PLAINTEXT) throw new UsageError(`application data of ${data.length} bytes > 2^14`);
    this.#transmits.push(this.#records.seal(ContentType.application_data, data));
  }

  /** Sends close_notify and ends the association (RFC 5246 §7.2.1). */
  close(): void {
    if (this.#state === "closed" || this.#state === "failed") return;
    if (this.#state !== "new") this.#sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.#terminate("closed");
    this.#events.push({ kind: "closed", by: "local" });
  }

  /** RFC 5705 keying material exporter (the endpoint checked the arguments). */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const secrets = this.#exporter;
    if (this.#state !== "connected" || secrets === undefined) {
      throw new UsageError(`exportKeyingMaterial() in state ${this.#state}`);
    }
    return secrets.export(label, context, length);
  }

  #io(): HandshakeIo {
    return {
      sendFlight: (now, entries, armTimer, recordVersion, transmit = true) => {
        this.#flightRecordVersion = recordVersion;
        this.#flight.send(now, entries, armTimer);
        if (transmit) this.#transmitFlight(entries);
      },
      peerFlightStarted: () => this.#flight.disarm(),
      installEpoch: (epoch: number, read: RecordCipher, write: RecordCipher) =>
        this.#records.installEpoch(epoch, read, write),
      bumpSequence: (epoch, seq) => this.#records.bumpSequence(epoch, seq),
      fail: (code, cause) => {
        this.#fail(code, cause);
        return undefined;
      },
      connected: () => this.#connected(),
    };
  }

  #transmitFlight(entries: readonly FlightEntry[]): void {
    for (const d of this.#records.encodeFlight(entries, this.#flightRecordVersion)) this.#transmits.push(d);
  }

  /** Returns true when the record repeated a handshake message we already processed. */
  #processRecord(now: Millis, rec: PlainRecord): boolean {
    if (this.#state !== "handshaking" && this.#state !== "connected") return false;
    switch (rec.contentType) {
      case ContentType.handshake:
        return this.#onHandshakeRecord(now, rec);
      case ContentType.change_cipher_spec:
        // The epoch switch is carried by the records themselves; the CCS only has to be well-formed.
        if (!decodeChangeCipherSpec(rec.payload).ok) this.counters["bad-change-cipher-spec"]++;
        return false;
      case ContentType.alert:
        this.#onAlert(rec);
        return false;
      case ContentType.application_data:
        if (this.#state === "connected" && rec.epoch >= 1) {
          this.#events.push({ kind: "application-data", data: rec.payload });
        } else {
          this.counters["early-application-data"]++;
        }
        return false;
      default:
        this.counters["unknown-content-type"]++;
        return false;
    }
  }

  /** Returns true when the record repeated a message we already processed (the peer retransmitted). */
  #onHandshakeRecord(now: Millis, rec: PlainRecord): boolean {
    const d = decodeHandshakeFragments(rec.payload);
    if (!d.ok) {
      this.counters["malformed-handshake-fragment"]++;
      return false;
    }
    let old = false;
    for (const f of d.value) {
      const verdict = this.#reassembly.add(f, rec.epoch, rec.sequenceNumber);
      if (verdict === "old") old = true;
      const counter = FRAGMENT_VERDICT_COUNTERS[verdict];
      if (counter !== undefined) this.counters[counter]++;
    }
    for (let msg = this.#reassembly.poll(); msg !== undefined; msg = this.#reassembly.poll()) {
      if (this.#state !== "handshaking" && this.#state !== "connected") break;
      if (this.#reassembly.awaitingFirst) {
        if (!this.#onFirstClientHello(now, msg)) continue;
        return old;
      }
      this.#onMessage(now, msg);
    }
    return old;
  }

  /**
   * A complete ClientHello before one was accepted (a stateless-cookie client may start at message_seq 1,
   * RFC 6347 §4.2.2). One that does not decode, or is answered statelessly, is forgotten without touching
   * the association; false when the caller should look for another candidate.
   */
  #onFirstClientHello(now: Millis, msg: HandshakeMessage): boolean {
    if (msg.epoch !== 0) {
      this.#reassembly.discard(msg);
      this.counters["rejected-client-hello"]++;
      return false;
    }
    const verdict = this.#server?.handleClientHello(now, msg);
    if (verdict === "rejected" || verdict === "stateless") {
      if (verdict === "rejected") this.counters["rejected-client-hello"]++;
      this.#reassembly.discard(msg);
      return false;
    }
    if (verdict !== undefined && verdict !== "accepted" && verdict !== "failed") {
      this.#terminate("closed");
      this.upgradeTo13?.(now, msg, verdict.upgrade);
      return true;
    }
    this.#reassembly.accept(msg.messageSeq);
    return true;
  }

  #onMessage(now: Millis, msg: HandshakeMessage): void {
    if (this.#state === "connected") {
      // RFC 5746 §4.5: renegotiation refused with a no_renegotiation warning.
      const renegotiation =
        (this.role === "server" && msg.msgType === HandshakeType.client_hello) ||
        (this.role === "client" && msg.msgType === HandshakeType.hello_request);
      if (renegotiation) {
        this.counters["renegotiation-refused"]++;
        this.#sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
      } else {
        this.counters["unexpected-post-handshake"]++;
      }
      return;
    }
    if (this.role === "client" && msg.msgType === HandshakeType.hello_request) return; // RFC 5246 §7.4.1.1: ignored during a handshake
    // Finished is the only handshake message after ChangeCipherSpec (epoch 1); every other one is in epoch 0.
    const expectedEpoch = msg.msgType === HandshakeType.finished ? 1 : 0;
    if (msg.epoch !== expectedEpoch) {
      this.#fail("unexpected-message", `handshake message ${msg.msgType} in epoch ${msg.epoch}`);
      return;
    }
    if (this.role === "client") this.#client?.handle(now, msg);
    else this.#server?.handle(now, msg);
  }

  /**
   * RFC 6347 §4.2.4: when the peer retransmits its previous flight, our last flight was lost: send it again.
   * A client that has finished never does (the server's final flight answered it); rate-limited to one
   * resend per half initial timeout so duplicated datagrams do not multiply flights (exact duplicates are
   * already dropped by the replay window).
   */
  #onPeerRetransmission(now: Millis): void {
    this.counters["peer-retransmission"]++;
    if (this.#flight.entries.length === 0) return;
    if (this.#state === "connected" && this.role === "client") return;
    // A HelloVerifyRequest is answered every time, like a stateless server would (it is smaller than the
    // ClientHello that asked for it, so it amplifies nothing).
    const first = this.#flight.entries[0];
    const helloVerify = first?.kind === "handshake" && first.msgType === HandshakeType.hello_verify_request;
    if (!helloVerify && now - this.#flight.lastSentAt < this.#o.initialRetransmitMs / 2) return;
    this.counters["resent-flight"]++;
    this.#flight.resent(now);
    this.#transmitFlight(this.#flight.entries);
  }

  #onAlert(rec: PlainRecord): void {
    // Once protected records flow, an unprotected alert could be forged by anyone on the path.
    const stale = this.#state === "connected" && rec.epoch < this.#records.writeEpoch;
    const a = peerAlert(rec.payload, stale, false, (c) => this.counters[c]++);
    if (a.kind === "close-notify") {
      this.#sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.#terminate("closed");
      this.#events.push({ kind: "closed", by: "peer" });
    } else if (a.kind === "fatal") {
      this.#terminate("failed");
      this.#events.push({ kind: "failed", error: a.error });
    }
  }

  #sendAlert(level: number, description: number): void {
    this.#transmits.push(this.#records.seal(ContentType.alert, encodeAlert({ level, description })));
  }

  #fail(code: DtlsErrorCode, cause: string): void {
    if (this.#state === "failed" || this.#state === "closed") return;
    const alert = alertForError(code);
    if (alert !== undefined) this.#sendAlert(AlertLevel.fatal, alert);
    this.#terminate("failed");
    this.#events.push({ kind: "failed", error: new DtlsError(code, cause, alert) });
  }

  #terminate(state: "closed" | "failed"): void {
    this.#state = state;
    this.#flight.disarm();
  }

  #connected(): void {
    const ctx = this.#ctx;
    const suite = ctx?.suite;
    const masterSecret = ctx?.masterSecret;
    if (ctx === undefined || suite === undefined || masterSecret === undefined) return;
    this.#state = "connected";
    const peer = ctx.peerCertificate;
    this.#events.push({
      kind: "connected",
      version: "DTLS 1.2",
      cipherSuite: suite.name,
      group: ctx.group,
      srtpProfile: ctx.srtpProfile,
      peerCertificate: peerCertificateInfo(peer),
      extendedMasterSecret: ctx.extendedMasterSecret,
    });
    // The handshake is over: keep what the exporter needs, drop the rest (see the class comment).
    this.#exporter = new Tls12Exporter(suite.prfHash, ctx.clientRandom, ctx.serverRandom, masterSecret);
    this.#ctx = undefined;
    this.#client = undefined;
    this.#server = undefined;
    if (this.role === "client") this.#flight.release();
  }
}
