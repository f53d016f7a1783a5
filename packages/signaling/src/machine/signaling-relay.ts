/**
 * The signaling server as a sans-IO machine: connections come and go through `handleOpen` /
 * `handleClose`, frames through `handleMessage`, pongs through `handlePong`, time through `handleTimeout`.
 * Drain `pollTransmit()` (JSON text to send to a connection) and `pollEvent()` (pings to send, connections
 * to close, what happened) after each, then arm one timer at `pollTimeout()`.
 *
 * Rooms, peer ids and resume secrets live here; the adapter owns sockets, the clock and the randomness.
 * A rejected message is answered with one `error` and changes nothing: no room state, nothing relayed.
 */

import { toRelayedMessage } from "../wire/relayed-message.js";
import {
  decodeClientMessage,
  encodeServerMessage,
  type SignalingDecodeError,
} from "../wire/signaling-codec.js";
import { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type {
  ClientMessage,
  HelloMessage,
  JoinMessage,
  PeerLeftReason,
  ServerMessage,
} from "../wire/signaling-message.js";
import { type PeerSession, PeerSessions } from "./peer-session.js";
import { type ConnId, RoomTable } from "./room-table.js";
import { UsageError } from "./signaling-error.js";
import { type Millis, resolveSignalingLimits, type SignalingLimits } from "./signaling-limits.js";
import {
  newSignalingRelayCounters,
  type RefusedError,
  type RelayConnection,
  SignalingCloseCode,
  type SignalingRelayCounter,
  type SignalingRelayEvent,
  type Transmit,
} from "./signaling-relay-types.js";
import { TokenBucket } from "./token-bucket.js";

export interface SignalingRelayConfig {
  readonly limits?: Partial<SignalingLimits>;
  /** Ping period; a connection that has not answered the previous ping is dropped. 0 disables. */
  readonly heartbeatMs?: number;
  /** How long a disconnected peer's id stays claimable with its resume secret. Default 60 s. */
  readonly resumeGraceMs?: number;
  /** Random bytes (peer ids, resume secrets). */
  readonly random: (n: number) => Uint8Array;
  /** Constant-time string equality (resume secrets). */
  readonly secretEquals: (a: string, b: string) => boolean;
  /** Present when a shared-secret token is configured: checks one (in constant time). */
  readonly authorize?: (token: string) => boolean;
}

export class SignalingRelay {
  readonly limits: SignalingLimits;
  readonly heartbeatMs: number;
  readonly counters: Record<SignalingRelayCounter, number>;
  private readonly conns = new Map<ConnId, RelayConnection>();
  private readonly rooms = new RoomTable();
  private readonly sessions: PeerSessions;
  private readonly transmits: Transmit[] = [];
  private readonly events: SignalingRelayEvent[] = [];
  private nextConn: ConnId = 1;
  private nextHeartbeatAt: Millis | undefined;

  constructor(private readonly config: SignalingRelayConfig) {
    this.limits = resolveSignalingLimits(config.limits);
    this.heartbeatMs = config.heartbeatMs ?? 30_000;
    if (!(this.heartbeatMs >= 0)) throw new UsageError("heartbeatMs must be >= 0");
    const graceMs = config.resumeGraceMs ?? 60_000;
    if (!(graceMs >= 0)) throw new UsageError("resumeGraceMs must be >= 0");
    this.sessions = new PeerSessions(graceMs, this.limits.maxConnections, config.random, config.secretEquals);
    this.counters = newSignalingRelayCounters();
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  get roomCount(): number {
    return this.rooms.roomCount;
  }

  /** Peers in `room`, for inspection. */
  roomSize(room: string): number {
    return this.rooms.size(room);
  }

  /**
   * A connection opened, with the `?token=` of its URL if it had one. Returns its id, or `undefined` when
   * the server is full (the adapter closes it with 1013).
   */
  handleOpen(now: Millis, opts: { readonly token?: string } = {}): ConnId | undefined {
    if (this.conns.size >= this.limits.maxConnections) {
      this.counters["connections-refused"]++;
      return undefined;
    }
    const conn = this.nextConn++;
    const authenticated =
      this.config.authorize === undefined || (opts.token !== undefined && this.config.authorize(opts.token));
    this.conns.set(conn, {
      conn,
      session: undefined,
      authenticated,
      name: null,
      rooms: new Set(),
      bucket: new TokenBucket(this.limits.messagesPerSecond, this.limits.messageBurst, now),
      awaitingPong: false,
    });
    if (this.heartbeatMs > 0 && this.nextHeartbeatAt === undefined) {
      this.nextHeartbeatAt = now + this.heartbeatMs;
    }
    return conn;
  }

  /** One frame from a connection. Unknown connections are ignored. */
  handleMessage(now: Millis, conn: ConnId, data: Uint8Array, isBinary: boolean): void {
    const c = this.conns.get(conn);
    if (c === undefined) return;
    c.awaitingPong = false;
    if (!c.bucket.take(now)) {
      this.refuse(c, { code: SignalingErrorCode.RateLimited, message: "too many messages: slow down" });
      return;
    }
    const decoded = decodeClientMessage(data, isBinary, this.limits.maxMessageBytes);
    if (!decoded.ok) {
      this.refuse(c, decoded.error);
      return;
    }
    const msg = decoded.value;
    if (msg.type === "hello") {
      this.onHello(c, msg);
      return;
    }
    if (c.session === undefined) this.welcome(c, this.sessions.create(conn), false, undefined);
    this.onMessage(c, msg);
  }

  handlePong(_now: Millis, conn: ConnId): void {
    const c = this.conns.get(conn);
    if (c !== undefined) c.awaitingPong = false;
  }

  /** The connection is gone (closed by the peer, or errored). Its rooms hear `peer-left`. */
  handleClose(now: Millis, conn: ConnId): void {
    this.drop(now, conn, "disconnected");
  }

  /**
   * Drops the peer now (closes its connection with 4001): its rooms hear `peer-left` with reason
   * "dropped". Its id stays resumable for the grace period. Returns whether the peer was connected.
   */
  dropPeer(now: Millis, peerId: string): boolean {
    const conn = this.sessions.get(peerId)?.conn;
    if (conn === undefined || !this.conns.has(conn)) return false;
    this.drop(now, conn, "dropped");
    this.events.push({
      kind: "close",
      conn,
      code: SignalingCloseCode.Dropped,
      reason: "dropped",
      terminate: false,
    });
    return true;
  }

  /** Heartbeats (RFC 6455 §5.5.2 pings) and the expiry of dormant sessions. */
  handleTimeout(now: Millis): void {
    this.sessions.expire(now);
    if (this.nextHeartbeatAt === undefined || now < this.nextHeartbeatAt) return;
    for (const c of [...this.conns.values()]) {
      if (c.awaitingPong) {
        this.counters["heartbeat-timeouts"]++;
        this.drop(now, c.conn, "timeout");
        this.events.push({
          kind: "close",
          conn: c.conn,
          code: 1001,
          reason: "heartbeat timeout",
          terminate: true,
        });
      } else {
        c.awaitingPong = true;
        this.events.push({ kind: "ping", conn: c.conn });
      }
    }
    this.nextHeartbeatAt = this.conns.size > 0 ? now + this.heartbeatMs : undefined;
  }

  pollTransmit(): Transmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): SignalingRelayEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): Millis | undefined {
    const expiry = this.sessions.nextExpiry();
    if (this.nextHeartbeatAt === undefined) return expiry;
    return expiry === undefined ? this.nextHeartbeatAt : Math.min(expiry, this.nextHeartbeatAt);
  }

  private onHello(c: RelayConnection, msg: HelloMessage): void {
    if (c.session !== undefined) {
      this.refuse(c, {
        code: SignalingErrorCode.UnexpectedHello,
        message: "hello must be the first message",
        offendingType: "hello",
        ...(msg.id !== undefined ? { id: msg.id } : {}),
      });
      return;
    }
    if (msg.token !== undefined && this.config.authorize !== undefined) {
      if (!this.config.authorize(msg.token)) {
        this.refuse(c, {
          code: SignalingErrorCode.Unauthorized,
          message: "wrong token",
          offendingType: "hello",
          ...(msg.id !== undefined ? { id: msg.id } : {}),
        });
        return;
      }
      c.authenticated = true;
    }
    c.name = msg.name ?? null;
    let session: PeerSession | undefined;
    // Only an authenticated connection may take a peer id back (it may take over rooms with it).
    if (msg.resume !== undefined && c.authenticated) {
      const claim = this.sessions.check(msg.resume.peerId, msg.resume.secret);
      if (claim.kind === "live") session = this.takeOver(claim.conn, c);
      else if (claim.kind === "dormant") session = this.sessions.resume(msg.resume.peerId, c.conn);
      if (session !== undefined) this.counters.resumed++;
    }
    this.welcome(c, session ?? this.sessions.create(c.conn), session !== undefined, msg.id);
  }

  /**
   * A resumed peer id still held by a live (probably dead but not yet noticed) connection: the new
   * connection inherits its rooms silently — the other peers see no leave and no join — and the old one
   * is closed with 4000.
   */
  private takeOver(oldConn: ConnId, c: RelayConnection): PeerSession {
    const old = this.conns.get(oldConn);
    const session = old?.session;
    if (old === undefined || session === undefined) return this.sessions.create(c.conn);
    for (const room of old.rooms) {
      const member = this.rooms.member(room, session.peerId);
      if (member !== undefined) member.conn = c.conn;
      c.rooms.add(room);
    }
    old.rooms.clear();
    old.session = undefined;
    this.conns.delete(oldConn);
    this.events.push({
      kind: "close",
      conn: oldConn,
      code: SignalingCloseCode.Replaced,
      reason: "replaced by a resumed session",
      terminate: false,
    });
    return this.sessions.resume(session.peerId, c.conn);
  }

  private welcome(c: RelayConnection, session: PeerSession, resumed: boolean, id: string | undefined): void {
    c.session = session;
    this.send(c.conn, {
      type: "welcome",
      ...(id !== undefined ? { id } : {}),
      peerId: session.peerId,
      resumeSecret: session.secret,
      resumed,
      authenticated: c.authenticated,
      heartbeatMs: this.heartbeatMs,
      maxMessageBytes: this.limits.maxMessageBytes,
    });
  }

  private onMessage(c: RelayConnection, msg: Exclude<ClientMessage, HelloMessage>): void {
    const peerId = c.session?.peerId;
    if (peerId === undefined) return;
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    const refuse = (code: SignalingErrorCode, message: string): void =>
      this.refuse(c, { code, message, offendingType: msg.type, ...idPart });
    switch (msg.type) {
      case "join":
        this.onJoin(c, peerId, msg, refuse);
        return;
      case "leave":
        if (!c.rooms.has(msg.room)) {
          refuse(SignalingErrorCode.NotInRoom, `not in room "${msg.room}"`);
          return;
        }
        this.leave(c, peerId, msg.room, "left");
        this.counters.leaves++;
        this.send(c.conn, { type: "left", ...idPart, room: msg.room });
        return;
      default: {
        if (!c.rooms.has(msg.room)) {
          refuse(SignalingErrorCode.NotInRoom, `not in room "${msg.room}"`);
          return;
        }
        const target = msg.to === peerId ? undefined : this.rooms.member(msg.room, msg.to);
        if (target === undefined) {
          refuse(SignalingErrorCode.PeerNotInRoom, `no peer "${msg.to}" in room "${msg.room}"`);
          return;
        }
        this.counters.relayed++;
        this.send(target.conn, toRelayedMessage(msg, peerId));
      }
    }
  }

  private onJoin(
    c: RelayConnection,
    peerId: string,
    msg: JoinMessage,
    refuse: (code: SignalingErrorCode, m: string) => void,
  ): void {
    if (!c.authenticated) {
      refuse(SignalingErrorCode.Unauthorized, "joining a room needs the token");
      return;
    }
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    if (c.rooms.has(msg.room)) {
      // Idempotent: a client rejoining after a resume gets the room's peers, and nobody hears a thing.
      this.send(c.conn, {
        type: "joined",
        ...idPart,
        room: msg.room,
        peerId,
        peers: this.rooms.peersExcept(msg.room, peerId),
      });
      return;
    }
    if (c.rooms.size >= this.limits.roomsPerConnection) {
      refuse(
        SignalingErrorCode.TooManyRooms,
        `at most ${this.limits.roomsPerConnection} rooms per connection`,
      );
      return;
    }
    if (this.rooms.size(msg.room) >= this.limits.peersPerRoom) {
      refuse(SignalingErrorCode.RoomFull, `room "${msg.room}" holds ${this.limits.peersPerRoom} peers`);
      return;
    }
    const name = msg.name ?? c.name;
    const peers = this.rooms.peersExcept(msg.room, peerId);
    this.rooms.add(msg.room, peerId, { conn: c.conn, name });
    c.rooms.add(msg.room);
    this.counters.joins++;
    this.send(c.conn, { type: "joined", ...idPart, room: msg.room, peerId, peers });
    const announce = encodeServerMessage({ type: "peer-joined", room: msg.room, peer: { peerId, name } });
    for (const [, m] of this.rooms.others(msg.room, peerId))
      this.transmits.push({ conn: m.conn, data: announce });
    this.events.push({ kind: "joined", conn: c.conn, peerId, room: msg.room });
  }

  /** Removes the connection from one room and tells the room. */
  private leave(c: RelayConnection, peerId: string, room: string, reason: PeerLeftReason): void {
    c.rooms.delete(room);
    if (!this.rooms.remove(room, peerId)) return;
    const announce = encodeServerMessage({ type: "peer-left", room, peerId, reason });
    for (const [, m] of this.rooms.others(room, peerId))
      this.transmits.push({ conn: m.conn, data: announce });
    this.events.push({ kind: "left", peerId, room, reason });
  }

  /** Forgets the connection: leaves every room with `reason`; its session goes dormant (resumable). */
  private drop(now: Millis, conn: ConnId, reason: PeerLeftReason): void {
    const c = this.conns.get(conn);
    if (c === undefined) return;
    this.conns.delete(conn);
    const peerId = c.session?.peerId;
    if (peerId !== undefined) {
      for (const room of [...c.rooms]) this.leave(c, peerId, room, reason);
      this.sessions.release(peerId, now);
    }
    if (this.conns.size === 0) this.nextHeartbeatAt = undefined;
  }

  private refuse(c: RelayConnection, error: SignalingDecodeError | RefusedError): void {
    this.counters[error.code]++;
    this.events.push({ kind: "rejected", conn: c.conn, error });
    this.send(c.conn, {
      type: "error",
      ...(error.id !== undefined ? { id: error.id } : {}),
      code: error.code,
      message: error.message,
      ...(error.offendingType !== undefined ? { offendingType: error.offendingType } : {}),
    });
  }

  private send(conn: ConnId, message: ServerMessage): void {
    this.transmits.push({ conn, data: encodeServerMessage(message) });
  }
}
