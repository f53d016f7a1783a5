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
import { LocalRooms } from "./local-rooms.js";
import { MemoryRoomDirectory } from "./memory-room-directory.js";
import { hexId } from "./peer-session.js";
import {
  type Connection,
  newConnection,
  type PeerSessionKeys,
  type RelayRequest,
  refusal,
} from "./relay-connection.js";
import type { ClaimOutcome, DirectoryEvent, JoinOutcome, RoomDirectory } from "./room-directory.js";
import type { ConnId } from "./room-table.js";
import { UsageError } from "./signaling-error.js";
import { type Millis, resolveSignalingLimits, type SignalingLimits } from "./signaling-limits.js";
import {
  type RefusedError,
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
  private readonly conns = new Map<ConnId, Connection>();
  /** Live peers of this server: peer id → its connection. */
  private readonly peers = new Map<string, ConnId>();
  private readonly local = new LocalRooms();
  private readonly transmits: Transmit[] = [];
  private readonly events: SignalingRelayEvent[] = [];
  private nextConn: ConnId = 1;
  private nextHeartbeatAt: Millis | undefined;
  private shuttingDown = false;

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
    this.directory.attach((e) => this.onDirectoryEvent(e));
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
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  /** Rooms with at least one peer on this server. */
  get roomCount(): number {
    return this.local.roomCount;
  }

  /** This server's peers in `room`, for inspection (with one server, all of them). */
  roomSize(room: string): number {
    return this.local.size(room);
  }

  /**
   * A connection opened, with the `?token=` of its URL if it had one. Returns its id, or `undefined` when
   * the server is full or shutting down (the adapter closes it with 1013).
   */
  handleOpen(now: Millis, opts: { readonly token?: string } = {}): ConnId | undefined {
    if (this.conns.size >= this.limits.maxConnections || this.shuttingDown) {
      this.counters["connections-refused"]++;
      return undefined;
    }
    const conn = this.nextConn++;
    const authenticated =
      this.config.authorize === undefined || (opts.token !== undefined && this.config.authorize(opts.token));
    this.conns.set(conn, newConnection(conn, authenticated, this.limits, now));
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
    // Charged by message and by byte before anything is decoded: parsing costs by the byte.
    if (!c.bucket.has(now) || !c.byteBucket.has(now, data.byteLength)) {
      this.refuse(c, { code: SignalingErrorCode.RateLimited, message: "too many messages: slow down" });
      return;
    }
    c.bucket.take(now);
    c.byteBucket.take(now, data.byteLength);
    const decoded = decodeClientMessage(data, isBinary, this.limits.maxMessageBytes);
    if (!decoded.ok) {
      this.refuse(c, decoded.error);
      return;
    }
    this.onDecoded(now, c, decoded.value);
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
   * "dropped". Its id stays resumable for the grace period. Returns whether the peer was connected here.
   */
  dropPeer(now: Millis, peerId: string): boolean {
    const conn = this.peers.get(peerId);
    if (conn === undefined) return false;
    this.drop(now, conn, "dropped");
    this.closeConn(conn, SignalingCloseCode.Dropped, "dropped", false);
    return true;
  }

  /**
   * Graceful shutdown: refuse new connections and close every one with 1012 (service restart) so its
   * client reconnects elsewhere. Rooms and sessions stay in the directory, so the clients resume on
   * another instance and their peers see nothing. What a client sent before it saw the close is still
   * relayed; when its socket closes it is forgotten here, not announced as gone.
   */
  handleShutdown(_now: Millis): void {
    this.shuttingDown = true;
    for (const c of this.conns.values()) {
      this.closeConn(c.conn, SignalingCloseCode.ServiceRestart, "server restarting: reconnect", false);
    }
    this.nextHeartbeatAt = undefined;
  }

  /** Heartbeats (RFC 6455 §5.5.2 pings) and the directory's timed work (dormant sessions expiring). */
  handleTimeout(now: Millis): void {
    this.directory.handleTimeout(now);
    if (this.nextHeartbeatAt === undefined || now < this.nextHeartbeatAt) return;
    for (const c of [...this.conns.values()]) {
      if (c.awaitingPong) {
        this.counters["heartbeat-timeouts"]++;
        this.drop(now, c.conn, "timeout");
        this.closeConn(c.conn, 1001, "heartbeat timeout", true);
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
    const directory = this.directory.pollTimeout();
    if (this.nextHeartbeatAt === undefined) return directory;
    return directory === undefined ? this.nextHeartbeatAt : Math.min(directory, this.nextHeartbeatAt);
  }

  private onDecoded(now: Millis, c: Connection, msg: ClientMessage): void {
    if (c.held !== undefined) {
      // A resume is being looked up: what follows the hello waits for its welcome.
      if (c.held.length >= MAX_HELD_WHILE_OPENING) {
        this.refuse(c, { code: SignalingErrorCode.RateLimited, message: "too many messages before welcome" });
      } else c.held.push(msg);
      return;
    }
    if (msg.type === "hello") {
      this.onHello(now, c, msg);
      return;
    }
    if (c.session === undefined) this.welcome(c, this.openSession(now, c), false, undefined);
    this.onRequest(now, c, msg);
  }

  private onHello(now: Millis, c: Connection, msg: HelloMessage): void {
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    if (c.session !== undefined) {
      this.refuse(c, {
        code: SignalingErrorCode.UnexpectedHello,
        message: "hello must be the first message",
        offendingType: "hello",
        ...idPart,
      });
      return;
    }
    if (msg.token !== undefined && this.config.authorize !== undefined) {
      if (!this.config.authorize(msg.token)) {
        this.refuse(c, {
          code: SignalingErrorCode.Unauthorized,
          message: "wrong token",
          offendingType: "hello",
          ...idPart,
        });
        return;
      }
      c.authenticated = true;
    }
    c.name = msg.name ?? null;
    // Only an authenticated connection may take a peer id back (it may take over rooms with it).
    const resume = msg.resume;
    if (resume === undefined || !c.authenticated) {
      this.welcome(c, this.openSession(now, c), false, msg.id);
      return;
    }
    const newSecret = hexId(this.config.random(16));
    c.held = [];
    this.directory.claim(
      now,
      {
        peerId: resume.peerId,
        secret: resume.secret,
        newSecret,
        ...(resume.lastSeq !== undefined ? { lastSeq: resume.lastSeq } : {}),
      },
      (outcome) => this.onClaimed(now, c, resume.peerId, newSecret, outcome, msg.id),
    );
  }

  private onClaimed(
    now: Millis,
    c: Connection,
    peerId: string,
    secret: string,
    outcome: ClaimOutcome,
    id: string | undefined,
  ): void {
    if (this.conns.get(c.conn) !== c) {
      // Gone while the claim was looked up: the session it won is released again.
      if (outcome.kind === "resumed") this.directory.release(now, peerId);
      return;
    }
    const held = c.held ?? [];
    c.held = undefined;
    if (outcome.kind === "unavailable") {
      this.refuse(c, {
        code: SignalingErrorCode.Unavailable,
        message: "the room directory is unreachable: try again",
        offendingType: "hello",
        ...(id !== undefined ? { id } : {}),
      });
      return;
    }
    if (outcome.kind === "refused") this.welcome(c, this.openSession(now, c), false, id);
    else {
      this.counters.resumed++;
      const old = this.peers.get(peerId);
      const oldConn = old === undefined ? undefined : this.conns.get(old);
      if (oldConn !== undefined) {
        // Still held by a connection here (probably dead, not yet noticed): the new one inherits its rooms
        // silently — the other peers see no leave and no join — and the old one is closed with 4000.
        this.forget(oldConn);
        this.closeConn(oldConn.conn, SignalingCloseCode.Replaced, "replaced by a resumed session", false);
      }
      const session = { peerId, secret };
      this.peers.set(peerId, c.conn);
      for (const room of outcome.rooms) {
        c.rooms.add(room);
        this.local.add(room, peerId);
      }
      this.welcome(c, session, true, id);
    }
    for (const msg of held) this.onDecoded(now, c, msg);
  }

  private openSession(now: Millis, c: Connection): PeerSessionKeys {
    const session = { peerId: hexId(this.config.random(8)), secret: hexId(this.config.random(16)) };
    this.directory.open(now, session.peerId, session.secret);
    this.peers.set(session.peerId, c.conn);
    return session;
  }

  private welcome(c: Connection, session: PeerSessionKeys, resumed: boolean, id: string | undefined): void {
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

  private onRequest(now: Millis, c: Connection, msg: RelayRequest): void {
    const peerId = c.session?.peerId;
    if (peerId === undefined) return;
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    const refuse = (code: SignalingErrorCode, message: string): void =>
      this.refuse(c, refusal(msg, code, message));
    switch (msg.type) {
      case "join":
        this.onJoin(now, c, peerId, msg);
        return;
      case "leave":
        if (!c.rooms.has(msg.room)) {
          refuse(SignalingErrorCode.NotInRoom, `not in room "${msg.room}"`);
          return;
        }
        this.leave(now, c, peerId, msg.room, "left");
        this.counters.leaves++;
        this.send(c.conn, { type: "left", ...idPart, room: msg.room });
        return;
      default: {
        if (!c.rooms.has(msg.room)) {
          refuse(SignalingErrorCode.NotInRoom, `not in room "${msg.room}"`);
          return;
        }
        if (msg.to === peerId) {
          refuse(SignalingErrorCode.PeerNotInRoom, `no peer "${msg.to}" in room "${msg.room}"`);
          return;
        }
        this.directory.deliver(now, msg.room, msg.to, toRelayedMessage(msg, peerId), (outcome) => {
          if (outcome.kind === "delivered") this.counters.relayed++;
          else if (outcome.kind === "not-member")
            refuse(SignalingErrorCode.PeerNotInRoom, `no peer "${msg.to}" in room "${msg.room}"`);
          else refuse(SignalingErrorCode.Unavailable, "the room directory is unreachable: try again");
        });
      }
    }
  }

  private onJoin(now: Millis, c: Connection, peerId: string, msg: JoinMessage): void {
    if (!c.authenticated) {
      this.refuse(c, refusal(msg, SignalingErrorCode.Unauthorized, "joining a room needs the token"));
      return;
    }
    const name = msg.name ?? c.name;
    this.directory.join(
      now,
      {
        room: msg.room,
        peerId,
        name,
        peersPerRoom: this.limits.peersPerRoom,
        roomsPerPeer: this.limits.roomsPerConnection,
      },
      (outcome) => this.onJoined(now, c, peerId, msg, outcome),
    );
  }

  private onJoined(now: Millis, c: Connection, peerId: string, msg: JoinMessage, o: JoinOutcome): void {
    if (this.conns.get(c.conn) !== c || c.session?.peerId !== peerId) {
      // The connection went away (or was replaced) while the join was on its way: undo it.
      if (o.kind === "joined" && !o.already && !c.rooms.has(msg.room))
        this.directory.leave(now, msg.room, peerId, "disconnected");
      return;
    }
    switch (o.kind) {
      case "too-many-rooms":
        this.refuse(
          c,
          refusal(
            msg,
            SignalingErrorCode.TooManyRooms,
            `at most ${this.limits.roomsPerConnection} rooms per connection`,
          ),
        );
        return;
      case "room-full":
        this.refuse(
          c,
          refusal(
            msg,
            SignalingErrorCode.RoomFull,
            `room "${msg.room}" holds ${this.limits.peersPerRoom} peers`,
          ),
        );
        return;
      case "unavailable":
        this.refuse(
          c,
          refusal(msg, SignalingErrorCode.Unavailable, "the room directory is unreachable: try again"),
        );
        return;
      case "joined":
        break;
    }
    // Idempotent: a client rejoining after a resume gets the room's peers, and nobody hears a thing.
    const fresh = !c.rooms.has(msg.room);
    c.rooms.add(msg.room);
    this.local.add(msg.room, peerId);
    this.send(c.conn, {
      type: "joined",
      ...(msg.id !== undefined ? { id: msg.id } : {}),
      room: msg.room,
      peerId,
      peers: o.peers,
    });
    if (fresh && !o.already) {
      this.counters.joins++;
      this.events.push({ kind: "joined", conn: c.conn, peerId, room: msg.room });
    }
  }

  /** What the directory brings back: room events and messages for this server's peers. */
  private onDirectoryEvent(e: DirectoryEvent): void {
    switch (e.kind) {
      case "peer-joined":
      case "peer-left": {
        const subject = e.kind === "peer-joined" ? e.peer.peerId : e.peerId;
        const data = encodeServerMessage(
          e.kind === "peer-joined"
            ? { type: "peer-joined", room: e.room, peer: e.peer }
            : { type: "peer-left", room: e.room, peerId: e.peerId, reason: e.reason },
        );
        for (const peerId of this.local.others(e.room, subject)) {
          const conn = this.peers.get(peerId);
          if (conn !== undefined) this.transmits.push({ conn, data });
        }
        return;
      }
      case "message": {
        const conn = this.peers.get(e.to);
        if (conn === undefined) {
          this.counters.undeliverable++;
          return;
        }
        this.send(conn, e.seq !== undefined ? { ...e.message, seq: e.seq } : e.message);
        return;
      }
      case "replaced": {
        const conn = this.peers.get(e.peerId);
        const c = conn === undefined ? undefined : this.conns.get(conn);
        if (c === undefined) return;
        this.forget(c);
        this.closeConn(c.conn, SignalingCloseCode.Replaced, "replaced by a resumed session", false);
      }
    }
  }

  /** Removes the connection from one room and tells the room (through the directory). */
  private leave(now: Millis, c: Connection, peerId: string, room: string, reason: PeerLeftReason): void {
    c.rooms.delete(room);
    this.local.remove(room, peerId);
    this.directory.leave(now, room, peerId, reason);
    this.events.push({ kind: "left", peerId, room, reason });
  }

  /** Forgets the connection: leaves every room with `reason`; its session goes dormant (resumable). */
  private drop(now: Millis, conn: ConnId, reason: PeerLeftReason): void {
    const c = this.conns.get(conn);
    if (c === undefined) return;
    if (this.shuttingDown) {
      this.forget(c);
      return;
    }
    this.conns.delete(conn);
    const peerId = c.session?.peerId;
    if (peerId !== undefined && this.peers.get(peerId) === conn) {
      for (const room of [...c.rooms]) this.leave(now, c, peerId, room, reason);
      this.peers.delete(peerId);
      this.directory.release(now, peerId);
    }
    if (this.conns.size === 0) this.nextHeartbeatAt = undefined;
  }

  /** Forgets the connection here without touching the directory: its session lives on elsewhere. */
  private forget(c: Connection): void {
    this.conns.delete(c.conn);
    const peerId = c.session?.peerId;
    if (peerId !== undefined && this.peers.get(peerId) === c.conn) {
      this.peers.delete(peerId);
      for (const room of c.rooms) this.local.remove(room, peerId);
    }
    c.rooms.clear();
    c.session = undefined;
  }

  private closeConn(conn: ConnId, code: number, reason: string, terminate: boolean): void {
    this.events.push({ kind: "close", conn, code, reason, terminate });
  }

  private refuse(c: Connection, error: SignalingDecodeError | RefusedError): void {
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
