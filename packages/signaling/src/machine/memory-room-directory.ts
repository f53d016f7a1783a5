/**
 * The default room directory: rooms, sessions and the message bus in this process's memory. Every request
 * is answered before it returns and every event goes to the sink at once, so a relay over it behaves as
 * one synchronous machine. No backlog: in one process a peer that is away has left its rooms, so nothing
 * can be addressed to it.
 */
import type { PeerLeftReason, RelayedMessage } from "../wire/signaling-message.js";
import { PeerSessions } from "./peer-session.js";
import type {
  ClaimOutcome,
  ClaimRequest,
  DeliverOutcome,
  DirectorySink,
  JoinOutcome,
  JoinRequest,
  RoomDirectory,
} from "./room-directory.js";
import { RoomTable } from "./room-table.js";
import type { Millis } from "./signaling-limits.js";

export interface MemoryRoomDirectoryConfig {
  /** How long a released session stays claimable. */
  readonly graceMs: number;
  /** Most dormant sessions kept (the oldest go first). */
  readonly maxDormant: number;
  /** Constant-time string equality (resume secrets). */
  readonly secretEquals: (a: string, b: string) => boolean;
}

export class MemoryRoomDirectory implements RoomDirectory {
  private readonly rooms = new RoomTable();
  private readonly sessions: PeerSessions;
  private sink: DirectorySink = () => {};

  constructor(config: MemoryRoomDirectoryConfig) {
    this.sessions = new PeerSessions(config.graceMs, config.maxDormant, config.secretEquals);
  }

  get roomCount(): number {
    return this.rooms.roomCount;
  }

  roomSize(room: string): number {
    return this.rooms.size(room);
  }

  attach(sink: DirectorySink): void {
    this.sink = sink;
  }

  open(_now: Millis, peerId: string, secret: string): void {
    this.sessions.open(peerId, secret);
  }

  claim(_now: Millis, r: ClaimRequest, done: (o: ClaimOutcome) => void): void {
    if (!this.sessions.claim(r.peerId, r.secret, r.newSecret)) {
      done({ kind: "refused" });
      return;
    }
    done({ kind: "resumed", rooms: [...this.rooms.roomsOf(r.peerId)] });
  }

  release(now: Millis, peerId: string): void {
    this.sessions.release(peerId, now);
  }

  join(_now: Millis, r: JoinRequest, done: (o: JoinOutcome) => void): void {
    if (this.rooms.has(r.room, r.peerId)) {
      done({ kind: "joined", peers: this.rooms.peersExcept(r.room, r.peerId), already: true });
      return;
    }
    if (this.rooms.roomsOf(r.peerId).size >= r.roomsPerPeer) {
      done({ kind: "too-many-rooms" });
      return;
    }
    if (this.rooms.size(r.room) >= r.peersPerRoom) {
      done({ kind: "room-full" });
      return;
    }
    const peers = this.rooms.peersExcept(r.room, r.peerId);
    this.rooms.add(r.room, r.peerId, r.name);
    done({ kind: "joined", peers, already: false });
    this.sink({ kind: "peer-joined", room: r.room, peer: { peerId: r.peerId, name: r.name } });
  }

  leave(_now: Millis, room: string, peerId: string, reason: PeerLeftReason): void {
    if (this.rooms.remove(room, peerId)) this.sink({ kind: "peer-left", room, peerId, reason });
  }

  deliver(
    _now: Millis,
    room: string,
    to: string,
    message: RelayedMessage,
    done: (o: DeliverOutcome) => void,
  ): void {
    if (!this.rooms.has(room, to)) {
      done({ kind: "not-member" });
      return;
    }
    this.sink({ kind: "message", to, message });
    done({ kind: "delivered" });
  }

  handleTimeout(now: Millis): void {
    this.sessions.expire(now);
  }

  pollTimeout(): Millis | undefined {
    return this.sessions.nextExpiry();
  }
}
