/**
 * Requests inside a session — join, leave, and the peer messages relayed to one peer of a room — and the
 * room events and messages the directory brings back for this server's peers. The rules are here; where
 * the rooms are is the directory's business.
 */
import { toRelayedMessage } from "../wire/relayed-message.js";
import { encodeServerMessage } from "../wire/signaling-codec.js";
import { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type { JoinMessage } from "../wire/signaling-message.js";
import { type Connection, type RelayRequest, refusal } from "./relay-connection.js";
import type { RelayState } from "./relay-state.js";
import type { DirectoryEvent, JoinOutcome } from "./room-directory.js";
import type { Millis } from "./signaling-limits.js";
import { SignalingCloseCode } from "./signaling-relay-types.js";

export class RelayRooms {
  constructor(private readonly s: RelayState) {}

  onRequest(now: Millis, c: Connection, msg: RelayRequest): void {
    const peerId = c.session?.peerId;
    if (peerId === undefined) return;
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    const refuse = (code: SignalingErrorCode, message: string): void =>
      this.s.refuse(c, refusal(msg, code, message));
    switch (msg.type) {
      case "join":
        this.onJoin(now, c, peerId, msg);
        return;
      case "leave":
        if (!c.rooms.has(msg.room)) {
          refuse(SignalingErrorCode.NotInRoom, `not in room "${msg.room}"`);
          return;
        }
        this.s.leave(now, c, peerId, msg.room, "left");
        this.s.counters.leaves++;
        this.s.send(c.conn, { type: "left", ...idPart, room: msg.room });
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
        this.s.directory.deliver(now, msg.room, msg.to, toRelayedMessage(msg, peerId), (outcome) => {
          if (outcome.kind === "delivered") this.s.counters.relayed++;
          else if (outcome.kind === "not-member")
            refuse(SignalingErrorCode.PeerNotInRoom, `no peer "${msg.to}" in room "${msg.room}"`);
          else refuse(SignalingErrorCode.Unavailable, "the room directory is unreachable: try again");
        });
      }
    }
  }

  private onJoin(now: Millis, c: Connection, peerId: string, msg: JoinMessage): void {
    if (!c.authenticated) {
      this.s.refuse(c, refusal(msg, SignalingErrorCode.Unauthorized, "joining a room needs the token"));
      return;
    }
    const name = msg.name ?? c.name;
    this.s.directory.join(
      now,
      {
        room: msg.room,
        peerId,
        name,
        peersPerRoom: this.s.limits.peersPerRoom,
        roomsPerPeer: this.s.limits.roomsPerConnection,
      },
      (outcome) => this.onJoined(now, c, peerId, msg, outcome),
    );
  }

  private onJoined(now: Millis, c: Connection, peerId: string, msg: JoinMessage, o: JoinOutcome): void {
    if (this.s.conns.get(c.conn) !== c || c.session?.peerId !== peerId) {
      // The connection went away (or was replaced) while the join was on its way: undo it.
      if (o.kind === "joined" && !o.already && !c.rooms.has(msg.room))
        this.s.directory.leave(now, msg.room, peerId, "disconnected");
      return;
    }
    switch (o.kind) {
      case "too-many-rooms":
        this.s.refuse(
          c,
          refusal(
            msg,
            SignalingErrorCode.TooManyRooms,
            `at most ${this.s.limits.roomsPerConnection} rooms per connection`,
          ),
        );
        return;
      case "room-full":
        this.s.refuse(
          c,
          refusal(
            msg,
            SignalingErrorCode.RoomFull,
            `room "${msg.room}" holds ${this.s.limits.peersPerRoom} peers`,
          ),
        );
        return;
      case "unavailable":
        this.s.refuse(
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
    this.s.local.add(msg.room, peerId);
    this.s.send(c.conn, {
      type: "joined",
      ...(msg.id !== undefined ? { id: msg.id } : {}),
      room: msg.room,
      peerId,
      peers: o.peers,
    });
    if (fresh && !o.already) {
      this.s.counters.joins++;
      this.s.events.push({ kind: "joined", conn: c.conn, peerId, room: msg.room });
    }
  }

  /** What the directory brings back: room events and messages for this server's peers. */
  onDirectoryEvent(e: DirectoryEvent): void {
    switch (e.kind) {
      case "peer-joined":
      case "peer-left": {
        const subject = e.kind === "peer-joined" ? e.peer.peerId : e.peerId;
        const data = encodeServerMessage(
          e.kind === "peer-joined"
            ? { type: "peer-joined", room: e.room, peer: e.peer }
            : { type: "peer-left", room: e.room, peerId: e.peerId, reason: e.reason },
        );
        for (const peerId of this.s.local.others(e.room, subject)) {
          const conn = this.s.peers.get(peerId);
          if (conn !== undefined) this.s.transmits.push({ conn, data });
        }
        return;
      }
      case "message": {
        const conn = this.s.peers.get(e.to);
        if (conn === undefined) {
          this.s.counters.undeliverable++;
          return;
        }
        this.s.send(conn, e.seq !== undefined ? { ...e.message, seq: e.seq } : e.message);
        return;
      }
      case "replaced": {
        const conn = this.s.peers.get(e.peerId);
        const c = conn === undefined ? undefined : this.s.conns.get(conn);
        if (c === undefined) return;
        this.s.forget(c);
        this.s.closeConn(c.conn, SignalingCloseCode.Replaced, "replaced by a resumed session", false);
      }
    }
  }
}
