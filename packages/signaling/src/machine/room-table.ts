import type { PeerInfo } from "../wire/signaling-message.js";

export type ConnId = number;

export interface RoomMember {
  conn: ConnId;
  readonly name: string | null;
}

/**
 * Who is in which room. A room exists while it has a member. Pure bookkeeping: limits and announcements
 * are the relay's business.
 */
export class RoomTable {
  private readonly rooms = new Map<string, Map<string, RoomMember>>();

  get roomCount(): number {
    return this.rooms.size;
  }

  size(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  member(room: string, peerId: string): RoomMember | undefined {
    return this.rooms.get(room)?.get(peerId);
  }

  add(room: string, peerId: string, member: RoomMember): void {
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Map();
      this.rooms.set(room, members);
    }
    members.set(peerId, member);
  }

  /** Removes the peer; returns whether it was there. */
  remove(room: string, peerId: string): boolean {
    const members = this.rooms.get(room);
    if (members === undefined || !members.delete(peerId)) return false;
    if (members.size === 0) this.rooms.delete(room);
    return true;
  }

  /** The members of `room` other than `peerId`, as [peerId, member] pairs. */
  *others(room: string, peerId: string): Generator<[string, RoomMember]> {
    const members = this.rooms.get(room);
    if (members === undefined) return;
    for (const entry of members) if (entry[0] !== peerId) yield entry;
  }

  /** The peers of `room` other than `peerId`, as announced in `joined`. */
  peersExcept(room: string, peerId: string): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const [id, m] of this.others(room, peerId)) out.push({ peerId: id, name: m.name });
    return out;
  }
}
