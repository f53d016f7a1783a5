import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { DtlsEndpoint } from "../machine/dtls-endpoint.js";
import type { DtlsError } from "../machine/dtls-error.js";
import type { DtlsEvent } from "../machine/dtls-event.js";
import type { DtlsOptions } from "../machine/dtls-options.js";

export interface DtlsSocketOptions {
  readonly dtls: DtlsOptions;
  /** A bound UDP socket to use; default: a new udp4 socket bound to `bindAddress`:`bindPort`. */
  readonly socket?: Socket;
  readonly bindAddress?: string;
  readonly bindPort?: number;
  /** Where to send. A server may omit it: it answers the first peer that sends a datagram. */
  readonly remote?: { readonly address: string; readonly port: number };
}

type ConnectedInfo = Extract<DtlsEvent, { kind: "connected" }>;

export interface DtlsSocketEvents {
  connected: [ConnectedInfo];
  data: [Uint8Array];
  close: [];
  error: [DtlsError | Error];
}

/**
 * A DtlsEndpoint over node:dgram, for one peer: the thin adapter (clock, socket, one timer). Every socket and
 * timer callback runs through one guard; an exception there is our bug: it is counted, the association is
 * closed and the error reported (only to an 'error' listener, never thrown at nobody).
 */
export class DtlsSocket extends EventEmitter<DtlsSocketEvents> {
  readonly endpoint: DtlsEndpoint;
  readonly socket: Socket;
  /** Bugs caught by the guard. */
  internalErrors = 0;
  #remote: { address: string; port: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #ownsSocket: boolean;
  readonly #onMessage = (msg: Buffer, rinfo: RemoteInfo) => this.#guard(() => this.#receive(msg, rinfo));

  private constructor(options: DtlsSocketOptions, socket: Socket, ownsSocket: boolean) {
    super();
    // SSLKEYLOGFILE (NSS key log format) when the caller did not ask for the lines itself.
    const keyLogFile = process.env.SSLKEYLOGFILE;
    const keyLog =
      options.dtls.keyLog ??
      (keyLogFile === undefined || keyLogFile === ""
        ? undefined
        : (line: string) => appendFileSync(keyLogFile, `${line}\n`));
    this.endpoint = new DtlsEndpoint({ ...options.dtls, keyLog });
    this.socket = socket;
    this.#ownsSocket = ownsSocket;
    this.#remote = options.remote === undefined ? undefined : { ...options.remote };
    socket.on("message", this.#onMessage);
    this.#guard(() => {
      if (this.endpoint.role === "client") this.endpoint.handleTimeout(performance.now());
    });
  }

  /** Creates (and binds, unless a socket is given) the socket and starts the endpoint (a client sends its hello). */
  static async open(options: DtlsSocketOptions): Promise<DtlsSocket> {
    let socket = options.socket;
    const owns = socket === undefined;
    if (socket === undefined) {
      const s = createSocket("udp4");
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.bind(options.bindPort ?? 0, options.bindAddress ?? "127.0.0.1", () => {
          s.off("error", reject);
          resolve();
        });
      });
      socket = s;
    }
    return new DtlsSocket(options, socket, owns);
  }

  /** Resolves when connected; rejects on failure or close before that. */
  connected(): Promise<ConnectedInfo> {
    return new Promise((resolve, reject) => {
      const onConnected = (info: ConnectedInfo) => {
        this.off("error", onError);
        this.off("close", onClose);
        resolve(info);
      };
      const onError = (e: Error) => {
        this.off("connected", onConnected);
        this.off("close", onClose);
        reject(e);
      };
      const onClose = () => {
        this.off("connected", onConnected);
        this.off("error", onError);
        reject(new Error("closed before connected"));
      };
      this.once("connected", onConnected);
      this.once("error", onError);
      this.once("close", onClose);
    });
  }

  send(data: Uint8Array): void {
    this.endpoint.send(data);
    this.#guard(() => undefined);
  }

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return this.endpoint.exportKeyingMaterial(label, context, length);
  }

  close(): void {
    this.#guard(() => this.endpoint.close());
  }

  #receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.#remote === undefined) this.#remote = { address: rinfo.address, port: rinfo.port };
    if (rinfo.address !== this.#remote.address || rinfo.port !== this.#remote.port) return;
    this.endpoint.handleDatagram(performance.now(), new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
  }

  /** Runs `f`, then drains transmits and events and re-arms the timer. */
  #guard(f: () => void): void {
    if (this.#closed) return;
    try {
      f();
      this.#drain();
    } catch (e) {
      this.internalErrors++;
      this.#shutdown();
      if (this.listenerCount("error") > 0) this.emit("error", e instanceof Error ? e : new Error(String(e)));
      this.emit("close");
    }
  }

  #drain(): void {
    const remote = this.#remote;
    for (let d = this.endpoint.pollTransmit(); d !== undefined; d = this.endpoint.pollTransmit()) {
      if (remote !== undefined) this.socket.send(d, remote.port, remote.address);
    }
    let ended = false;
    for (let e = this.endpoint.pollEvent(); e !== undefined; e = this.endpoint.pollEvent()) {
      if (e.kind === "connected") this.emit("connected", e);
      else if (e.kind === "application-data") this.emit("data", e.data);
      else if (e.kind === "failed") {
        ended = true;
        if (this.listenerCount("error") > 0) this.emit("error", e.error);
      } else ended = true;
    }
    if (ended) {
      this.#shutdown();
      this.emit("close");
      return;
    }
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const at = this.endpoint.pollTimeout();
    if (at !== undefined) {
      const delay = Math.max(0, at - performance.now());
      this.#timer = setTimeout(
        () => this.#guard(() => this.endpoint.handleTimeout(performance.now())),
        delay,
      );
    }
  }

  #shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.socket.off("message", this.#onMessage);
    // Let the final datagrams (close_notify, fatal alert) leave before closing our own socket.
    if (this.#ownsSocket) setImmediate(() => this.socket.close());
  }
}
