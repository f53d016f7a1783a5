/**
 * The node adapter of the TURN client (RFC 8656): one TurnAllocation driven by a node:dgram socket
 * (UDP), a node:net connection (TCP, RFC 8656 §12.5 framing) or a node:tls one (TURNS), one timer and
 * the monotonic clock. Every socket and timer callback runs through one guard; what it catches is a bug
 * in Tern: it is counted, the client fails with code "internal", and `error` is emitted only when listened.
 * `connectTurn` (connect-turn.ts) opens the socket and makes one.
 */
import type { Socket as UdpSocket } from "node:dgram";
import { EventEmitter } from "node:events";
import type { Socket as TcpSocket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { TurnAllocation } from "../machine/turn-allocation.js";
import type { TurnAllocationConfig, TurnEvent } from "../machine/turn-allocation-config.js";
import { type TurnCounters, TurnError } from "../machine/turn-error.js";
import { TurnStreamFramer } from "../machine/turn-stream-framer.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { DeadlineTimer } from "./deadline-timer.js";
import { silentLogger } from "./silent-logger.js";

export interface TurnClientEvents {
  /** Data relayed from `peer` (Data indication or ChannelData). */
  data: [data: Buffer, peer: TransportAddr];
  /** Fatal: the allocation is gone and the socket closed. */
  failed: [error: TurnError];
  /** After close(): `deallocated` when the server confirmed the deletion of the allocation. */
  closed: [deallocated: boolean];
  refreshed: [lifetimeSec: number];
  "permission-failed": [peerAddress: string, error: TurnError];
  "channel-failed": [peer: TransportAddr, error: TurnError];
  /** A bug in Tern, caught by the guard (the client has failed). Only emitted when listened to. */
  error: [error: Error];
}

type Waiter = (e: TurnEvent) => boolean;

/** A TURN allocation on one server; create it with connectTurn(). */
export class TurnClient extends EventEmitter<TurnClientEvents> {
  readonly allocation: TurnAllocation;
  private readonly log: Logger;
  private readonly t0 = performance.now();
  private udp: UdpSocket | undefined;
  private stream: TcpSocket | undefined;
  private readonly framer = new TurnStreamFramer();
  private readonly timer = new DeadlineTimer(
    () => this.guard(() => this.allocation.handleTimeout(this.now())),
    () => this.now(),
  );
  private waiters: Waiter[] = [];
  private done = false;
  private local: TransportAddr | undefined;
  internalErrors = 0;

  constructor(config: TurnAllocationConfig, logger: Logger | undefined) {
    super();
    this.log = logger ?? silentLogger();
    this.allocation = new TurnAllocation(config);
  }

  /** XOR-RELAYED-ADDRESS: where peers send to reach us. */
  get relayedAddress(): TransportAddr {
    const a = this.allocation.relayedAddress;
    if (a === undefined) throw new TurnError("protocol-error", "not allocated");
    return a;
  }
  /** XOR-MAPPED-ADDRESS: our address as the server sees it (a server-reflexive candidate). */
  get mappedAddress(): TransportAddr | undefined {
    return this.allocation.mappedAddress;
  }
  get lifetimeSec(): number {
    return this.allocation.lifetimeSec;
  }
  get counters(): Readonly<TurnCounters> {
    return this.allocation.counters;
  }
  /** The local transport address of the socket to the server (the base of the relayed candidate). */
  get localAddress(): TransportAddr | undefined {
    return this.local;
  }

  now(): number {
    return performance.now() - this.t0;
  }

  /** @internal connectTurn() calls it once the socket is open. */
  attachUdp(socket: UdpSocket): void {
    this.udp = socket;
    const a = socket.address();
    this.local = { address: a.address, port: a.port };
    const server = this.allocation.server;
    socket.on("message", (msg, rinfo) => {
      if (rinfo.address !== server.address || rinfo.port !== server.port) {
        this.log.debug({ from: rinfo }, "datagram not from the TURN server");
        return;
      }
      const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      this.guard(() => this.allocation.handleDatagram(this.now(), bytes));
    });
    socket.on("error", (err) => {
      this.log.debug({ err: err.message }, "UDP socket error");
      this.guard(() =>
        this.allocation.handleTransportClosed(
          this.now(),
          new TurnError("server-unreachable", err.message, { cause: err }),
        ),
      );
    });
  }

  /** @internal */
  attachStream(socket: TcpSocket): void {
    this.stream = socket;
    if (socket.localAddress !== undefined && socket.localPort !== undefined) {
      this.local = { address: socket.localAddress, port: socket.localPort };
    }
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.guard(() => {
        this.framer.handleData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        for (let f = this.framer.pollFrame(); f !== undefined; f = this.framer.pollFrame()) {
          this.allocation.handleDatagram(this.now(), f);
        }
        const err = this.framer.error;
        if (err !== undefined) {
          const e = new TurnError("connection-closed", `TURN stream framing lost: ${err.code} at ${err.at}`);
          this.allocation.handleTransportClosed(this.now(), e);
        }
      });
    });
    const onGone = (why: string, cause?: Error): void => {
      this.guard(() =>
        this.allocation.handleTransportClosed(this.now(), new TurnError("connection-closed", why, { cause })),
      );
    };
    socket.on("error", (err) => onGone(`connection error: ${err.message}`, err));
    socket.on("close", () => onGone("the server closed the connection"));
  }

  /** @internal Sends the Allocate; resolves once allocated, rejects with the TurnError. */
  start(): Promise<void> {
    const p = this.wait<void>((e, resolve, reject) => {
      if (e.kind === "allocated") resolve();
      else if (e.kind === "failed") reject(e.error);
      else if (e.kind === "closed") reject(new TurnError("connection-closed", "closed while allocating"));
      else return false;
      return true;
    });
    this.guard(() => this.allocation.allocate(this.now()));
    return p;
  }

  /**
   * Sends `data` to `peer` through the relay (creating the permission, and binding a channel, as
   * needed). False when dropped (limits; counted). Throws UsageError when not allocated.
   */
  sendTo(peer: TransportAddr, data: Uint8Array): boolean {
    let sent = false;
    this.guard(() => {
      sent = this.allocation.sendTo(this.now(), peer, data);
    });
    return sent;
  }

  /** RFC 8656 §10: installs a permission for a peer IP; resolves once the server confirms it. */
  createPermission(peerAddress: string): Promise<void> {
    if (this.allocation.hasPermission(peerAddress)) return Promise.resolve();
    let ok = false;
    this.guard(() => {
      ok = this.allocation.createPermission(this.now(), peerAddress);
    });
    if (!ok) return Promise.reject(new TurnError("forbidden", "permission limit reached"));
    // No response can arrive synchronously, so waiting after the request is started misses nothing.
    return this.wait<void>((e, resolve, reject) => {
      if (e.kind === "permission-created" && e.peerAddress === peerAddress) resolve();
      else if (e.kind === "permission-failed" && e.peerAddress === peerAddress) reject(e.error);
      else return false;
      return true;
    });
  }

  /** RFC 8656 §12: binds a channel to `peer`; resolves with its number once bound. */
  bindChannel(peer: TransportAddr): Promise<number> {
    const bound = this.allocation.channelNumberOf(peer);
    if (bound !== undefined) return Promise.resolve(bound);
    let channel: number | undefined;
    this.guard(() => {
      channel = this.allocation.bindChannel(this.now(), peer);
    });
    if (channel === undefined) return Promise.reject(new TurnError("forbidden", "channel limit reached"));
    const same = (a: TransportAddr): boolean => a.address === peer.address && a.port === peer.port;
    return this.wait<number>((e, resolve, reject) => {
      if (e.kind === "channel-bound" && same(e.peer)) resolve(e.channelNumber);
      else if (e.kind === "channel-failed" && same(e.peer)) reject(e.error);
      else return false;
      return true;
    });
  }

  /** RFC 8656 §8: refreshes now (the timer does it before expiry anyway); resolves with the new lifetime. */
  refresh(lifetimeSec?: number): Promise<number> {
    this.guard(() => this.allocation.refresh(this.now(), lifetimeSec));
    return this.wait<number>((e, resolve) => {
      if (e.kind !== "refreshed") return false;
      resolve(e.lifetimeSec);
      return true;
    });
  }

  /** Deletes the allocation (Refresh LIFETIME 0, RFC 8656 §8) and closes the socket. */
  async close(): Promise<void> {
    if (this.done) return;
    const p = this.wait<void>((e, resolve) => {
      if (e.kind !== "closed") return false;
      resolve();
      return true;
    });
    this.guard(() => this.allocation.close(this.now()));
    await p.catch(() => undefined);
  }

  /**
   * A promise settled by the first event `match` handles. Every waiter is rejected when the client
   * fails or closes before that.
   */
  private wait<T>(
    match: (e: TurnEvent, resolve: (v: T) => void, reject: (e: Error) => void) => boolean,
  ): Promise<T> {
    if (this.done) return Promise.reject(new TurnError("connection-closed", "TURN client closed"));
    return new Promise<T>((resolve, reject) => {
      this.waiters.push((e) => {
        if (match(e, resolve, reject)) return true;
        if (e.kind === "failed") reject(e.error);
        else if (e.kind === "closed") reject(new TurnError("connection-closed", "TURN client closed"));
        else return false;
        return true;
      });
    });
  }

  private guard(fn: () => void): void {
    if (this.done) return;
    try {
      fn();
      this.flush();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (e.name === "UsageError" || e.name === "TurnError") throw e;
      this.internalErrors++;
      this.log.error({ err: e }, "internal error in the TURN client; failing");
      this.dispatch({ kind: "failed", error: new TurnError("internal", e.message, { cause: e }) });
      if (this.listenerCount("error") > 0) this.emit("error", e);
    }
  }

  /** A datagram that could not be sent (ENOBUFS, EMSGSIZE…) is a loss, like any other on UDP. */
  private readonly onSendError = (err: Error | null): void => {
    if (err !== null) this.log.debug({ err: err.message }, "TURN datagram not sent");
  };

  private flush(): void {
    for (let t = this.allocation.pollTransmit(); t !== undefined; t = this.allocation.pollTransmit()) {
      if (this.udp !== undefined) this.udp.send(t.data, t.to.port, t.to.address, this.onSendError);
      else this.stream?.write(t.data);
    }
    for (let e = this.allocation.pollEvent(); e !== undefined; e = this.allocation.pollEvent()) {
      this.dispatch(e);
      if (this.done) return;
    }
    this.arm();
  }

  private dispatch(e: TurnEvent): void {
    this.waiters = this.waiters.filter((w) => !w(e));
    switch (e.kind) {
      case "data":
        this.emit("data", Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength), e.peer);
        return;
      case "refreshed":
        this.emit("refreshed", e.lifetimeSec);
        return;
      case "permission-failed":
        this.log.debug({ peer: e.peerAddress, err: e.error.message }, "TURN permission failed");
        this.emit("permission-failed", e.peerAddress, e.error);
        return;
      case "channel-failed":
        this.log.debug({ peer: e.peer, err: e.error.message }, "TURN channel bind failed");
        this.emit("channel-failed", e.peer, e.error);
        return;
      case "failed":
        this.log.debug({ code: e.error.code, err: e.error.message }, "TURN allocation failed");
        this.teardown();
        this.emit("failed", e.error);
        return;
      case "closed":
        this.teardown();
        this.emit("closed", e.deallocated);
        return;
      default:
        return;
    }
  }

  private teardown(): void {
    if (this.done) return;
    this.done = true;
    this.timer.clear();
    this.udp?.close();
    this.stream?.destroy();
  }

  private arm(): void {
    if (this.done) this.timer.clear();
    else this.timer.arm(this.allocation.pollTimeout());
  }
}
