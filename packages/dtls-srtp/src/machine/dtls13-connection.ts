import { decodeAck, encodeAck } from "../wire/ack.js";
import { encodeAlert } from "../wire/alert.js";
import { type ClientHello, decodeClientHello } from "../wire/client-hello.js";
import { decodeHandshakeFragments } from "../wire/handshake.js";
import { AlertDescription, AlertLevel, ContentType, HandshakeType } from "../wire/tls-parameters.js";
import type { DowngradeTo12, DtlsConnection, DtlsState } from "./dtls-connection.js";
import { alertForError, DtlsError, type DtlsErrorCode, UsageError } from "./dtls-error.js";
import type { DtlsCounter, DtlsEvent } from "./dtls-event.js";
import type { ResolvedOptions } from "./dtls-options.js";
import { AckTracker } from "./dtls13-ack-tracker.js";
import { ClientHandshake13 } from "./dtls13-client-flights.js";
import { Dtls13Flight, type FlightMessage13 } from "./dtls13-flight.js";
import { Handshake13Context, type Handshake13Io } from "./dtls13-handshake-context.js";
import { type ApplicationTraffic13, protectionFor } from "./dtls13-key-update.js";
import { type PlainRecord13, RecordLayer13 } from "./dtls13-record-layer.js";
import { ServerHandshake13 } from "./dtls13-server-flights.js";
import type { Millis } from "./flight-buffer.js";
import {
  FRAGMENT_VERDICT_COUNTERS,
  type HandshakeMessage,
  HandshakeReassembly,
} from "./handshake-reassembly.js";
import { peerAlert } from "./peer-alert.js";

/** Datagrams a client keeps until the server's version is known (replayed into a 1.2 client on downgrade). */
const MAX_EARLY_DATAGRAMS = 16;

/**
 * A DTLS 1.3 association (RFC 9147), sans-IO, behind `DtlsEndpoint`: records (epochs 0, 2, 3+), reassembly,
 * flights resent only where unacknowledged (§5.8, §7), KeyUpdate (§8), alerts, data and the exporter.
 */
export class Dtls13Connection implements DtlsConnection {
  readonly role: "client" | "server";
  readonly #o: ResolvedOptions;
  readonly #records: RecordLayer13;
  readonly #reassembly = new HandshakeReassembly(undefined, () => this.counters["evicted-fragment"]++);
  readonly #flight: Dtls13Flight;
  #ctx: Handshake13Context | undefined;
  #client: ClientHandshake13 | undefined;
  #server: ServerHandshake13 | undefined;
  #app: ApplicationTraffic13 | undefined;
  readonly #transmits: Uint8Array[] = [];
  readonly #events: DtlsEvent[] = [];
  #state: DtlsState;
  #sendSeq = 0;
  #versionKnown: boolean;
  readonly #acks = new AckTracker();
  #early: Uint8Array[] | undefined;

  private constructor(
    options: ResolvedOptions,
    readonly counters: Record<DtlsCounter, number>,
    downgrade: DowngradeTo12 | undefined,
  ) {
    this.#o = options;
    this.role = options.role;
    this.#records = new RecordLayer13((r) => this.counters[r]++);
    const o = options;
    this.#flight = new Dtls13Flight(o.initialRetransmitMs, o.maxRetransmitMs, o.maxRetransmissions);
    const ctx = new Handshake13Context(options);
    this.#ctx = ctx;
    const io = this.#io();
    if (this.role === "client") {
      this.#client = new ClientHandshake13(ctx, io, (now, hello) => {
        const early = this.#early ?? [];
        this.#state = "closed";
        downgrade?.(now, hello, this.#records.nextSequence(0), early);
      });
      this.#state = "new";
      this.#versionKnown = false;
      this.#early = [];
    } else {
      this.#server = new ServerHandshake13(ctx, io);
      this.#state = "handshaking";
      this.#versionKnown = true;
    }
  }

  static client(
    options: ResolvedOptions,
    counters: Record<DtlsCounter, number>,
    downgrade: DowngradeTo12,
  ): Dtls13Connection {
    return new Dtls13Connection(options, counters, downgrade);
  }

  /** A server whose (1.2-shaped) ClientHello selected DTLS 1.3. */
  static server(
    now: Millis,
    options: ResolvedOptions,
    counters: Record<DtlsCounter, number>,
    msg: HandshakeMessage,
    hello: ClientHello,
  ): Dtls13Connection {
    const c = new Dtls13Connection(options, counters, undefined);
    c.#reassembly.skipTo(msg.messageSeq + 1);
    c.#sendSeq = msg.messageSeq;
    c.#server?.handle(now, msg, hello);
    return c;
  }

  get state(): DtlsState {
    return this.#state;
  }

  get #live(): boolean {
    return this.#state === "handshaking" || this.#state === "connected";
  }

  handleDatagram(now: Millis, data: Uint8Array): void {
    if (!this.#live) {
      this.counters[this.#state === "new" ? "not-started" : "after-close"]++;
      return;
    }
    if (this.#early !== undefined && this.#early.length < MAX_EARLY_DATAGRAMS) this.#early.push(data.slice());
    let peerRetransmitted = false;
    const pending = this.#records.open(data);
    for (let rec = pending.shift(); rec !== undefined && this.#live; rec = pending.shift()) {
      if (this.#process(now, rec)) peerRetransmitted = true;
      pending.push(...this.#records.takeReadyFuture());
    }
    if (!this.#live) return;
    if (peerRetransmitted) this.#onPeerRetransmission(now);
    if (this.#acks.hasPending) {
      if (this.#state === "connected") this.#sendAck();
      else if (this.#versionKnown) this.#acks.schedule(now, this.#flight.rtoMs / 4);
    }
  }

  handleTimeout(now: Millis): void {
    if (this.#state === "new") {
      this.#state = "handshaking";
      this.#client?.start(now);
      return;
    }
    if (!this.#live) return;
    const ackAt = this.#acks.deadline;
    if (ackAt !== undefined && now >= ackAt) this.#sendAck();
    const r = this.#flight.expire(now, this.#records, this.#o.mtu);
    if (r.kind === "retransmit") {
      this.counters["retransmitted-flight"]++;
      if (this.#flight.partlyAcked) this.counters["partial-retransmission"]++;
      this.#transmits.push(...r.datagrams);
    } else if (r.kind === "exhausted") {
      this.#fail("handshake-timeout", `no answer or ACK after ${this.#o.maxRetransmissions} retransmissions`);
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
    if (!this.#live) return undefined;
    const flight = this.#flight.deadline; // asked after every datagram: no array per call
    const acks = this.#acks.deadline;
    return flight === undefined || (acks !== undefined && acks < flight) ? acks : flight;
  }

  send(data: Uint8Array): void {
    if (this.#state !== "connected") throw new UsageError(`send() in state ${this.#state}`);
    this.#transmits.push(this.#records.seal(ContentType.application_data, data).bytes);
  }

  close(): void {
    if (this.#state === "closed" || this.#state === "failed") return;
    if (this.#state !== "new") this.#sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.#terminate("closed");
    this.#events.push({ kind: "closed", by: "local" });
  }

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    if (this.#state !== "connected" || this.#app === undefined)
      throw new UsageError(`exportKeyingMaterial() in state ${this.#state}`);
    return this.#app.exportKeyingMaterial(label, context, length);
  }

  /** RFC 9147 §8: new sending keys once the peer acknowledges, and with `requestPeer` new keys its way. */
  keyUpdate(now: Millis, requestPeer: boolean): void {
    if (this.#state !== "connected") throw new UsageError(`keyUpdate() in state ${this.#state}`);
    const m = this.#app?.request(requestPeer, this.#flight.complete);
    if (m === undefined) return;
    this.counters["key-update-sent"]++;
    this.#sendFlight(now, [m], true);
  }

  /** The read epoch after the peer's KeyUpdates, and ours (3 at first). */
  get epochs(): { read: number; write: number } {
    return { read: this.#app?.readEpoch ?? this.#records.readEpoch, write: this.#records.writeEpoch };
  }

  #io(): Handshake13Io {
    return {
      sendFlight: (now, messages, armTimer) => this.#sendFlight(now, messages, armTimer),
      installRead: (epoch, secret) => this.#records.installRead(epoch, this.#protection(secret)),
      installWrite: (epoch, secret) => this.#records.installWrite(epoch, this.#protection(secret)),
      peerFlightStarted: () => this.#flight.disarm(),
      versionSelected: () => {
        this.#versionKnown = true;
        this.#early = undefined;
      },
      fail: (code, cause) => {
        this.#fail(code, cause);
        return undefined;
      },
      connected: () => this.#connected(),
    };
  }

  #protection(secret: Uint8Array) {
    const suite = this.#ctx?.suite;
    if (suite === undefined) throw new Error("keys before the cipher suite");
    return protectionFor(suite, secret);
  }

  #sendFlight(
    now: Millis,
    messages: ReadonlyArray<{ readonly epoch: number; readonly msgType: number; readonly body: Uint8Array }>,
    armTimer: boolean,
  ): void {
    const numbered: FlightMessage13[] = messages.map((m) => ({ ...m, messageSeq: this.#sendSeq++ }));
    // Our next flight acknowledges the peer's (RFC 9147 §7).
    if (this.#state !== "connected") this.#acks.clear();
    const recordVersion = this.role === "client" && numbered[0]?.messageSeq === 0 ? 0xfeff : 0xfefd;
    this.#transmits.push(
      ...this.#flight.send(now, numbered, armTimer, this.#records, this.#o.mtu, recordVersion),
    );
  }

  /** Returns true when the record repeated a handshake message we already processed. */
  #process(now: Millis, rec: PlainRecord13): boolean {
    switch (rec.contentType) {
      case ContentType.handshake:
        return this.#onHandshakeRecord(now, rec);
      case ContentType.ack:
        this.#onAck(now, rec);
        return false;
      case ContentType.alert:
        this.#onAlert(rec);
        return false;
      case ContentType.application_data:
        if (this.#state === "connected" && rec.epoch >= 3)
          this.#events.push({ kind: "application-data", data: rec.payload });
        else this.counters["early-application-data"]++;
        return false;
      default:
        this.counters["unknown-content-type"]++;
        return false;
    }
  }

  #onHandshakeRecord(now: Millis, rec: PlainRecord13): boolean {
    const d = decodeHandshakeFragments(rec.payload);
    if (!d.ok) {
      this.counters["malformed-handshake-fragment"]++;
      return false;
    }
    let old = false;
    let held = false;
    for (const f of d.value) {
      const verdict = this.#reassembly.add(f, rec.epoch, rec.sequenceNumber);
      if (verdict === "old") old = true;
      if (verdict === "buffered" || verdict === "duplicate" || verdict === "old") held = true;
      const counter = FRAGMENT_VERDICT_COUNTERS[verdict];
      if (counter !== undefined && verdict !== "duplicate") this.counters[counter]++;
    }
    if (held) this.#acks.note(rec.epoch, rec.sequenceNumber);
    for (let msg = this.#reassembly.poll(); msg !== undefined && this.#live; msg = this.#reassembly.poll()) {
      this.#onMessage(now, msg);
    }
    return old;
  }

  #onMessage(now: Millis, msg: HandshakeMessage): void {
    if (this.#state === "connected") {
      if (msg.msgType === HandshakeType.key_update && msg.epoch >= 3) this.#onKeyUpdate(now, msg);
      else this.counters["unexpected-post-handshake"]++; // NewSessionTicket and the like: acknowledged, unused
      return;
    }
    const hello = msg.msgType === HandshakeType.client_hello || msg.msgType === HandshakeType.server_hello;
    const helloVerify = msg.msgType === HandshakeType.hello_verify_request;
    if (msg.epoch !== (hello || helloVerify ? 0 : 2)) {
      this.#fail("unexpected-message", `handshake message ${msg.msgType} in epoch ${msg.epoch}`);
      return;
    }
    if (this.#client !== undefined) {
      this.#client.handle(now, msg);
      return;
    }
    if (msg.msgType === HandshakeType.client_hello && this.#server?.expectsClientHello === true) {
      const d = decodeClientHello(msg.body);
      if (d.ok) this.#server.handle(now, msg, d.value);
      else this.#fail("decode-error", `ClientHello: ${d.error.code}`);
      return;
    }
    this.#server?.handle(now, msg);
  }

  #onKeyUpdate(now: Millis, msg: HandshakeMessage): void {
    const r = this.#app?.peerUpdate(msg) ?? { kind: "bad" };
    if (r.kind === "ok") {
      this.#records.installRead(r.install.epoch, r.install.protection);
      this.#records.dropReadBelow(r.install.epoch - 1);
      this.counters["key-update-received"]++;
      if (r.respond) this.keyUpdate(now, false);
    } else if (r.kind === "stale") this.counters["unexpected-post-handshake"]++;
    else this.#fail("decode-error", "KeyUpdate");
  }

  #onAck(now: Millis, rec: PlainRecord13): void {
    if (!this.#versionKnown) return; // RFC 9147 §7: ignored until 1.3 is known
    const d = decodeAck(rec.payload);
    if (!d.ok) this.counters["bad-ack"]++;
    else if (d.value.recordNumbers.some((n) => n.epoch > rec.epoch))
      this.#fail("illegal-parameter", "ACK for a record of a later epoch");
    else {
      this.counters["ack-received"]++;
      const r = this.#flight.onAck(now, d.value.recordNumbers, this.#records, this.#o.mtu);
      if (r.resent !== undefined) {
        this.counters["partial-retransmission"]++;
        this.#transmits.push(...r.resent);
      } else if (r.result === "complete") this.#onFlightAcknowledged(now);
    }
  }

  #onFlightAcknowledged(now: Millis): void {
    const r = this.#app?.acknowledged();
    if (r?.install !== undefined) this.#records.installWrite(r.install.epoch, r.install.protection);
    if (r?.queued !== undefined && this.#state === "connected") this.keyUpdate(now, r.queued);
  }

  /** The peer repeated a flight we answered: our answer was lost. */
  #onPeerRetransmission(now: Millis): void {
    this.counters["peer-retransmission"]++;
    const gap = this.#o.initialRetransmitMs / 2;
    const resent = this.#flight.onPeerRetransmission(now, gap, this.#records, this.#o.mtu);
    if (resent === undefined) return;
    this.counters["resent-flight"]++;
    this.#transmits.push(...resent);
  }

  #sendAck(): void {
    const recordNumbers = this.#acks.take(this.#state === "connected");
    if (this.#records.writeEpoch === 0) return;
    this.counters["ack-sent"]++;
    this.#transmits.push(this.#records.seal(ContentType.ack, encodeAck({ recordNumbers })).bytes);
  }

  #onAlert(rec: PlainRecord13): void {
    const stale = this.#state === "connected" && rec.epoch === 0;
    const a = peerAlert(rec.payload, stale, true, (c) => this.counters[c]++);
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
    this.#transmits.push(this.#records.seal(ContentType.alert, encodeAlert({ level, description })).bytes);
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
    this.#acks.cancel();
  }

  #connected(): void {
    const c = this.#ctx?.connectedState(this.role);
    if (c === undefined) return;
    this.#state = "connected";
    this.#app = c.app;
    if (this.role === "server") {
      this.#records.installWrite(3, protectionFor(c.app.suite, c.writeSecret));
      this.#flight.release();
    }
    this.#events.push(c.event);
    this.#ctx = undefined;
    this.#client = undefined;
    this.#server = undefined;
    if (this.#acks.hasPending) this.#sendAck();
  }
}
