import type { ClientHello } from "../wire/client-hello.js";
import { type DtlsConnection, type DtlsState, MAX_PLAINTEXT } from "./dtls-connection.js";
import { UsageError } from "./dtls-error.js";
import { DTLS_COUNTERS, type DtlsCounter, type DtlsEvent } from "./dtls-event.js";
import { type DtlsOptions, type ResolvedOptions, resolveOptions } from "./dtls-options.js";
import { Dtls12Connection } from "./dtls12-connection.js";
import { Dtls13Connection } from "./dtls13-connection.js";
import type { Millis } from "./flight-buffer.js";
import type { HandshakeMessage } from "./handshake-reassembly.js";

export type { DtlsState } from "./dtls-connection.js";

/** RFC 5705 §4: labels the exporter must refuse (they are the DTLS 1.2 PRF's own). */
const RESERVED_LABELS = new Set([
  "client finished",
  "server finished",
  "master secret",
  "key expansion",
  "extended master secret",
]);

/**
 * A DTLS endpoint, sans-IO: feed it datagrams and timeouts with the current time, then drain
 * pollTransmit() and pollEvent() and arm one timer at pollTimeout(). It works over any datagram transport.
 *
 * It negotiates the version (RFC 8446 §4.2.1, RFC 9147 §5.3) among `options.versions` and runs a
 * `Dtls13Connection` (RFC 9147) or a `Dtls12Connection` (RFC 6347):
 * - a server reassembles the ClientHello as DTLS 1.2 does, then keeps 1.2 or hands the ClientHello to a
 *   DTLS 1.3 connection; a ClientHello offering no enabled version gets protocol_version;
 * - a client with 1.3 enabled sends a ClientHello for both (when 1.2 is enabled too) and hands it to a
 *   DTLS 1.2 connection when the server answers 1.2 (or with a HelloVerifyRequest).
 *
 * A client sends its first flight at the first handleTimeout(now) (pollTimeout() is 0 until then).
 */
export class DtlsEndpoint {
  readonly role: "client" | "server";
  readonly counters: Record<DtlsCounter, number>;
  readonly #o: ResolvedOptions;
  #impl: DtlsConnection;
  /** Output of a connection that was replaced, drained first. */
  readonly #carried: { transmits: Uint8Array[]; events: DtlsEvent[] } = { transmits: [], events: [] };

  constructor(options: DtlsOptions) {
    this.#o = resolveOptions(options);
    this.role = this.#o.role;
    this.counters = Object.fromEntries(DTLS_COUNTERS.map((c) => [c, 0])) as Record<DtlsCounter, number>;
    if (this.role === "server") {
      this.#impl = new Dtls12Connection(this.#o, this.counters, (now, msg, hello) =>
        this.#upgrade(now, msg, hello),
      );
    } else if (this.#o.versions.includes("1.3")) {
      this.#impl = Dtls13Connection.client(this.#o, this.counters, (now, hello, seq, datagrams) =>
        this.#downgrade(now, hello, seq, datagrams),
      );
    } else {
      this.#impl = new Dtls12Connection(this.#o, this.counters, undefined);
    }
  }

  get state(): DtlsState {
    return this.#impl.state;
  }

  /** The negotiated version once known ("DTLS 1.3" / "DTLS 1.2"), undefined before. */
  get version(): "DTLS 1.3" | "DTLS 1.2" | undefined {
    if (this.state !== "connected") return undefined;
    return this.#impl instanceof Dtls13Connection ? "DTLS 1.3" : "DTLS 1.2";
  }

  /** DTLS 1.3: the epochs we read and write application data in (3, then one more per KeyUpdate). */
  get keyEpochs(): { readonly read: number; readonly write: number } | undefined {
    return this.#impl instanceof Dtls13Connection ? this.#impl.epochs : undefined;
  }

  handleDatagram(now: Millis, data: Uint8Array): void {
    this.#impl.handleDatagram(now, data);
  }

  handleTimeout(now: Millis): void {
    this.#impl.handleTimeout(now);
  }

  pollTransmit(): Uint8Array | undefined {
    return this.#carried.transmits.shift() ?? this.#impl.pollTransmit();
  }

  pollEvent(): DtlsEvent | undefined {
    return this.#carried.events.shift() ?? this.#impl.pollEvent();
  }

  pollTimeout(): Millis | undefined {
    return this.#impl.pollTimeout();
  }

  /** Sends application data (one record). Throws UsageError unless connected. */
  send(data: Uint8Array): void {
    if (this.state !== "connected") throw new UsageError(`send() in state ${this.state}`);
    if (data.length > MAX_PLAINTEXT) throw new UsageError(`application data of ${data.length} bytes > 2^14`);
    this.#impl.send(data);
  }

  /** Sends close_notify and ends the association. */
  close(): void {
    this.#impl.close();
  }

  /**
   * DTLS 1.3 KeyUpdate (RFC 9147 §8): new sending keys once the peer acknowledges, and with `requestPeer`
   * new keys the other way too. Throws UsageError unless connected in DTLS 1.3.
   */
  updateKeys(now: Millis, requestPeer = true): void {
    const impl = this.#impl;
    if (!(impl instanceof Dtls13Connection)) throw new UsageError("KeyUpdate needs DTLS 1.3");
    impl.keyUpdate(now, requestPeer);
  }

  /**
   * The keying material exporter: RFC 5705 in DTLS 1.2, RFC 8446 §7.5 in DTLS 1.3. "EXTRACTOR-dtls_srtp"
   * with no context gives the SRTP keys (RFC 5764 §4.2).
   */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    if (this.state !== "connected") throw new UsageError(`exportKeyingMaterial() in state ${this.state}`);
    if (RESERVED_LABELS.has(label)) throw new UsageError(`label "${label}" is reserved`);
    if (!Number.isInteger(length) || length < 0 || length > 65535)
      throw new UsageError(`bad length ${length}`);
    if (context !== undefined && context.length > 65535)
      throw new UsageError("context longer than 65535 bytes");
    return this.#impl.exportKeyingMaterial(label, context, length);
  }

  #carry(old: DtlsConnection): void {
    for (let d = old.pollTransmit(); d !== undefined; d = old.pollTransmit()) this.#carried.transmits.push(d);
    for (let e = old.pollEvent(); e !== undefined; e = old.pollEvent()) this.#carried.events.push(e);
  }

  #upgrade(now: Millis, msg: HandshakeMessage, hello: ClientHello): void {
    this.#carry(this.#impl);
    this.#impl = Dtls13Connection.server(now, this.#o, this.counters, msg, hello);
  }

  #downgrade(now: Millis, hello: ClientHello, nextRecordSeq: number, datagrams: readonly Uint8Array[]): void {
    this.#carry(this.#impl);
    const c = Dtls12Connection.resumeClient(now, this.#o, this.counters, hello, nextRecordSeq);
    this.#impl = c;
    for (const d of datagrams) c.handleDatagram(now, d);
  }
}
