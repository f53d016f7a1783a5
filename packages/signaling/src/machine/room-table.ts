import type { PeerInfo } from "../wire/signaling-message.js";

export type ConnId = number;

/**
 * Who is in which room, and which rooms each peer is in. A room exists while it has a member. Pure
 * bookkeeping: limits and announcements are the caller's business.
 */
export class RoomTable {
  private readonly rooms = new Map<string, Map<string, string | null>>();
  private readonly peerRooms = new Map<string, Set<string>>();

  get roomCount(): number {
    return this.rooms.size;
  }

  size(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  has(room: string, peerId: string): boolean {
    return this.rooms.get(room)?.has(peerId) ?? false;
  }

  /** The name `peerId` joined `room` with (`undefined` if it is not there). */
  nameOf(room: string, peerId: string): string | null | undefined {
    return this.rooms.get(room)?.get(peerId);
  }

  /** The rooms `peerId` is in. */
  roomsOf(peerId: string): ReadonlySet<string> {
    return this.peerRooms.get(peerId) ?? new Set();
  }

  add(room: string, peerId: string, name: string | null): void {
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Map();
      this.rooms.set(room, members);
    }
    members.set(peerId, name);
    let rooms = this.peerRooms.get(peerId);
    if (rooms === undefined) {
      rooms = new Set();
      this.peerRooms.set(peerId, rooms);
    }
    rooms.add(room);
  }

  /** Removes the peer; returns whether it was there. */
  remove(room: string, peerId: string): boolean {
    const members = this.rooms.get(room);
    if (members === undefined || !members.delete(peerId)) return false;
    if (members.size === 0) this.rooms.delete(room);
    const rooms = this.peerRooms.get(peerId);
    rooms?.delete(room);
    if (rooms?.size === 0) this.peerRooms.delete(peerId);
    return true;
  }

  /** The peers of `room` other than `peerId`, as announced in `joined`. */
  peersExcept(room: string, peerId: string): PeerInfo[] {
    const out: PeerInfo[] = [];
    for (const [id, name] of this.rooms.get(room) ?? []) if (id !== peerId) out.push({ peerId: id, name });
    return out;
  }
}
