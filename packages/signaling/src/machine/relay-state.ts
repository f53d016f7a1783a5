/**
 * What the relay's parts share: its connections and live peers, this server's side of the rooms, the
 * directory, the counters, and the queues the adapter drains. Plus the few moves every part makes: send,
 * refuse, close, leave a room, drop or forget a connection.
 */
import type { SignalingDecodeError } from "../wire/signaling-codec.js";
import { encodeServerMessage } from "../wire/signaling-codec.js";
import type { PeerLeftReason, ServerMessage } from "../wire/signaling-message.js";
import type { LocalRooms } from "./local-rooms.js";
import type { Connection } from "./relay-connection.js";
import type { RoomDirectory } from "./room-directory.js";
import type { ConnId } from "./room-table.js";
import type { Millis, SignalingLimits } from "./signaling-limits.js";
import type {
  RefusedError,
  SignalingRelayCounter,
  SignalingRelayEvent,
  Transmit,
} from "./signaling-relay-types.js";

export class RelayState {
  readonly conns = new Map<ConnId, Connection>();
  /** Live peers of this server: peer id → its connection. */
  readonly peers = new Map<string, ConnId>();
  readonly transmits: Transmit[] = [];
  readonly events: SignalingRelayEvent[] = [];
  shuttingDown = false;
  /** Called when the last connection goes (the heartbeat stops). */
  onEmpty: () => void = () => {};

  constructor(
    readonly limits: SignalingLimits,
    readonly counters: Record<SignalingRelayCounter, number>,
    readonly directory: RoomDirectory,
    readonly local: LocalRooms,
  ) {}

  /** Removes the connection from one room and tells the room (through the directory). */
  leave(now: Millis, c: Connection, peerId: string, room: string, reason: PeerLeftReason): void {
    c.rooms.delete(room);
    this.local.remove(room, peerId);
    this.directory.leave(now, room, peerId, reason);
    this.events.push({ kind: "left", peerId, room, reason });
  }

  /** Forgets the connection: leaves every room with `reason`; its session goes dormant (resumable). */
  drop(now: Millis, conn: ConnId, reason: PeerLeftReason): void {
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
    if (this.conns.size === 0) this.onEmpty();
  }

  /** Forgets the connection here without touching the directory: its session lives on elsewhere. */
  forget(c: Connection): void {
    this.conns.delete(c.conn);
    const peerId = c.session?.peerId;
    if (peerId !== undefined && this.peers.get(peerId) === c.conn) {
      this.peers.delete(peerId);
      for (const room of c.rooms) this.local.remove(room, peerId);
    }
    c.rooms.clear();
    c.session = undefined;
  }

  closeConn(conn: ConnId, code: number, reason: string, terminate: boolean): void {
    this.events.push({ kind: "close", conn, code, reason, terminate });
  }

  refuse(c: Connection, error: SignalingDecodeError | RefusedError): void {
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

  send(conn: ConnId, message: ServerMessage): void {
    this.transmits.push({ conn, data: encodeServerMessage(message) });
  }
}
