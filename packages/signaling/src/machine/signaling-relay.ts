/**
 * The signaling server as a sans-IO machine: connections come and go through `handleOpen` /
 * `handleClose`, frames through `handleMessage`, pongs through `handlePong`, time through `handleTimeout`.
 * Drain `pollTransmit()` (JSON text to send to a connection) and `pollEvent()` (pings to send, connections
 * to close, what happened) after each, then arm one timer at `pollTimeout()`.
 *
 * The relay's rules all live here: schemas and size bounds (through the codec), rate limits, auth, who may
 * join and speak in which room, resume, heartbeats. Where rooms, sessions and the message bus live is the
 * `RoomDirectory` below it: in memory by default, in Redis for several instances. A directory answers
 * through callbacks (at once in memory, later from Redis) and its events come in through the sink the
 * relay attaches; the adapter drains after both. A rejected message is answered with one `error` and
 * changes nothing.
 */

import { decodeClientMessage } from "../wire/signaling-codec.js";
import { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type { ClientMessage } from "../wire/signaling-message.js";
import { LocalRooms } from "./local-rooms.js";
import { MemoryRoomDirectory } from "./memory-room-directory.js";
import { type Connection, newConnection } from "./relay-connection.js";
import { RelayHandshake } from "./relay-handshake.js";
import { RelayRooms } from "./relay-rooms.js";
import { RelayState } from "./relay-state.js";
import type { RoomDirectory } from "./room-directory.js";
import type { ConnId } from "./room-table.js";
import { UsageError } from "./signaling-error.js";
import { type Millis, resolveSignalingLimits, type SignalingLimits } from "./signaling-limits.js";
import {
  SignalingCloseCode,
  type SignalingRelayCounter,
  type SignalingRelayEvent,
  type Transmit,
} from "./signaling-relay-types.js";

export interface SignalingRelayConfig {
  readonly limits?: Partial<SignalingLimits>;
  /** Ping period; a connection that has not answered the previous ping is dropped. 0 disables. */
  readonly heartbeatMs?: number;
  /** How long a disconnected peer's id stays claimable with its resume secret. Default 60 s. */
  readonly resumeGraceMs?: number;
  /** Random bytes (peer ids, resume secrets). */
  readonly random: (n: number) => Uint8Array;
  /** Constant-time string equality (resume secrets, in the default directory). */
  readonly secretEquals: (a: string, b: string) => boolean;
  /** Present when a shared-secret token is configured: checks one (in constant time). */
  readonly authorize?: (token: string) => boolean;
  /** Where rooms and sessions live. Default: a `MemoryRoomDirectory` (this process only). */
  readonly directory?: RoomDirectory;
}

/** Frames a connection may send while its resume is being looked up; more are refused. */
const MAX_HELD_WHILE_OPENING = 32;

export class SignalingRelay {
  readonly limits: SignalingLimits;
  readonly heartbeatMs: number;
  readonly resumeGraceMs: number;
  readonly counters: Record<SignalingRelayCounter, number>;
  readonly directory: RoomDirectory;
  private readonly s: RelayState;
  private readonly handshake: RelayHandshake;
  private readonly rooms: RelayRooms;
  private nextConn: ConnId = 1;
  private nextHeartbeatAt: Millis | undefined;

  constructor(private readonly config: SignalingRelayConfig) {
    this.limits = resolveSignalingLimits(config.limits);
    this.heartbeatMs = config.heartbeatMs ?? 30_000;
    if (!(this.heartbeatMs >= 0)) throw new UsageError("heartbeatMs must be >= 0");
    this.resumeGraceMs = config.resumeGraceMs ?? 60_000;
    if (!(this.resumeGraceMs >= 0)) throw new UsageError("resumeGraceMs must be >= 0");
    this.directory =
      config.directory ??
      new MemoryRoomDirectory({
        graceMs: this.resumeGraceMs,
        maxDormant: this.limits.maxConnections,
        secretEquals: config.secretEquals,
      });
    const counters: Partial<Record<SignalingRelayCounter, number>> = {};
    for (const code of Object.values(SignalingErrorCode)) counters[code] = 0;
    for (const k of [
      "relayed",
      "joins",
      "leaves",
      "resumed",
      "heartbeat-timeouts",
      "connections-refused",
      "undeliverable",
    ]) {
      counters[k as SignalingRelayCounter] = 0;
    }
    this.counters = counters as Record<SignalingRelayCounter, number>;
    this.s = new RelayState(this.limits, this.counters, this.directory, new LocalRooms());
    this.s.onEmpty = () => {
      this.nextHeartbeatAt = undefined;
    };
    this.handshake = new RelayHandshake(this.s, { ...config, heartbeatMs: this.heartbeatMs }, (now, c, msg) =>
      this.onDecoded(now, c, msg),
    );
    this.rooms = new RelayRooms(this.s);
    this.directory.attach((e) => this.rooms.onDirectoryEvent(e));
  }

  get connectionCount(): number {
    return this.s.conns.size;
  }

  /** Rooms with at least one peer on this server. */
  get roomCount(): number {
    return this.s.local.roomCount;
  }

  /** This server's peers in `room`, for inspection (with one server, all of them). */
  roomSize(room: string): number {
    return this.s.local.size(room);
  }

  /**
   * A connection opened, with the `?token=` of its URL if it had one. Returns its id, or `undefined` when
   * the server is full or shutting down (the adapter closes it with 1013).
   */
  handleOpen(now: Millis, opts: { readonly token?: string } = {}): ConnId | undefined {
    if (this.s.conns.size >= this.limits.maxConnections || this.s.shuttingDown) {
      this.counters["connections-refused"]++;
      return undefined;
    }
    const conn = this.nextConn++;
    const authenticated =
      this.config.authorize === undefined || (opts.token !== undefined && this.config.authorize(opts.token));
    this.s.conns.set(conn, newConnection(conn, authenticated, this.limits, now));
    if (this.heartbeatMs > 0 && this.nextHeartbeatAt === undefined) {
      this.nextHeartbeatAt = now + this.heartbeatMs;
    }
    return conn;
  }

  /** One frame from a connection. Unknown connections are ignored. */
  handleMessage(now: Millis, conn: ConnId, data: Uint8Array, isBinary: boolean): void {
    const c = this.s.conns.get(conn);
    if (c === undefined) return;
    c.awaitingPong = false;
    // Charged by message and by byte before anything is decoded: parsing costs by the byte.
    if (!c.bucket.has(now) || !c.byteBucket.has(now, data.byteLength)) {
      this.s.refuse(c, { code: SignalingErrorCode.RateLimited, message: "too many messages: slow down" });
      this.throttle(now, c);
      return;
    }
    c.bucket.take(now);
    c.byteBucket.take(now, data.byteLength);
    const decoded = decodeClientMessage(data, isBinary, this.limits.maxMessageBytes);
    if (!decoded.ok) {
      this.s.refuse(c, decoded.error);
      return;
    }
    this.onDecoded(now, c, decoded.value);
  }

  /**
   * Over budget: the adapter stops reading the connection until both buckets could take one more frame
   * of the largest size, so a flooder is held back by TCP flow control rather than read and refused.
   */
  private throttle(now: Millis, c: Connection): void {
    const waitMs = Math.max(
      c.bucket.msUntil(now, 1),
      c.byteBucket.msUntil(now, Math.min(this.limits.maxMessageBytes, this.limits.byteBurst)),
    );
    if (waitMs > 0 && Number.isFinite(waitMs)) {
      this.s.events.push({ kind: "throttle", conn: c.conn, untilMs: now + Math.ceil(waitMs) });
    }
  }

  handlePong(_now: Millis, conn: ConnId): void {
    const c = this.s.conns.get(conn);
    if (c !== undefined) c.awaitingPong = false;
  }

  /** The connection is gone (closed by the peer, or errored). Its rooms hear `peer-left`. */
  handleClose(now: Millis, conn: ConnId): void {
    this.s.drop(now, conn, "disconnected");
  }

  /**
   * Drops the peer now (closes its connection with 4001): its rooms hear `peer-left` with reason
   * "dropped". Its id stays resumable for the grace period. Returns whether the peer was connected here.
   */
  dropPeer(now: Millis, peerId: string): boolean {
    const conn = this.s.peers.get(peerId);
    if (conn === undefined) return false;
    this.s.drop(now, conn, "dropped");
    this.s.closeConn(conn, SignalingCloseCode.Dropped, "dropped", false);
    return true;
  }

  /**
   * Graceful shutdown: refuse new connections and close every one with 1012 (service restart) so its
   * client reconnects elsewhere. Rooms and sessions stay in the directory, so the clients resume on
   * another instance and their peers see nothing. What a client sent before it saw the close is still
   * relayed; when its socket closes it is forgotten here, not announced as gone.
   */
  handleShutdown(_now: Millis): void {
    this.s.shuttingDown = true;
    for (const c of this.s.conns.values()) {
      this.s.closeConn(c.conn, SignalingCloseCode.ServiceRestart, "server restarting: reconnect", false);
    }
    this.nextHeartbeatAt = undefined;
  }

  /** Heartbeats (RFC 6455 §5.5.2 pings) and the directory's timed work (dormant sessions expiring). */
  handleTimeout(now: Millis): void {
    this.directory.handleTimeout(now);
    if (this.nextHeartbeatAt === undefined || now < this.nextHeartbeatAt) return;
    for (const c of [...this.s.conns.values()]) {
      if (c.awaitingPong) {
        this.counters["heartbeat-timeouts"]++;
        this.s.drop(now, c.conn, "timeout");
        this.s.closeConn(c.conn, 1001, "heartbeat timeout", true);
      } else {
        c.awaitingPong = true;
        this.s.events.push({ kind: "ping", conn: c.conn });
      }
    }
    this.nextHeartbeatAt = this.s.conns.size > 0 ? now + this.heartbeatMs : undefined;
  }

  pollTransmit(): Transmit | undefined {
    return this.s.transmits.shift();
  }

  pollEvent(): SignalingRelayEvent | undefined {
    return this.s.events.shift();
  }

  pollTimeout(): Millis | undefined {
    const directory = this.directory.pollTimeout();
    if (this.nextHeartbeatAt === undefined) return directory;
    return directory === undefined ? this.nextHeartbeatAt : Math.min(directory, this.nextHeartbeatAt);
  }

  private onDecoded(now: Millis, c: Connection, msg: ClientMessage): void {
    if (c.held !== undefined) {
      // A resume is being looked up: what follows the hello waits for its welcome.
      if (c.held.length >= MAX_HELD_WHILE_OPENING) {
        this.s.refuse(c, {
          code: SignalingErrorCode.RateLimited,
          message: "too many messages before welcome",
        });
      } else c.held.push(msg);
      return;
    }
    if (msg.type === "hello") {
      this.handshake.onHello(now, c, msg);
      return;
    }
    if (c.session === undefined)
      this.handshake.welcome(c, this.handshake.openSession(now, c), false, undefined);
    this.rooms.onRequest(now, c, msg);
  }
}
