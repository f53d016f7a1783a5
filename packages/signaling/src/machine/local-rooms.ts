/**
 * This server's side of the rooms: which of its own peers are in which room, so that a room event from the
 * directory (a peer joined or left, here or on another instance) reaches the local members it concerns.
 * Membership itself — capacity, the peer list of `joined`, what other servers hold — is the directory's.
 */
export class LocalRooms {
  private readonly rooms = new Map<string, Set<string>>();

  get roomCount(): number {
    return this.rooms.size;
  }

  size(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  add(room: string, peerId: string): void {
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.rooms.set(room, members);
    }
    members.add(peerId);
  }

  remove(room: string, peerId: string): void {
    const members = this.rooms.get(room);
    if (members === undefined || !members.delete(peerId)) return;
    if (members.size === 0) this.rooms.delete(room);
  }

  /** The local members of `room` other than `peerId`. */
  *others(room: string, peerId: string): Generator<string> {
    for (const id of this.rooms.get(room) ?? []) if (id !== peerId) yield id;
  }
}
