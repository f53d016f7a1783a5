/**
 * The room channels this instance listens on: one per room that has a local member or a join on its way,
 * counted, subscribed before the first join's script runs (so no room event falls between the snapshot a
 * join returns and the events after it) and unsubscribed when the last local member leaves.
 */
import { roomKeyDigest } from "../crypto/directory-keys.js";
import type { RedisCommandClient } from "./redis-link.js";

export class RoomSubscriptions {
  private readonly held = new Map<string, { count: number; subscribed: Promise<void> }>();

  constructor(
    private readonly subscriber: RedisCommandClient,
    private readonly channelPrefix: string,
    private readonly listener: (text: string) => void,
  ) {}

  /** Holds `room`'s channel (subscribing on the first hold); resolves once subscribed. */
  hold(room: string): Promise<void> {
    const entry = this.held.get(room);
    if (entry !== undefined) {
      entry.count++;
      return entry.subscribed;
    }
    const subscribed = this.subscriber.subscribe(this.channel(room), this.listener);
    this.held.set(room, { count: 1, subscribed });
    // A failed subscribe is forgotten, so the next hold tries again.
    subscribed.catch(() => {
      if (this.held.get(room)?.subscribed === subscribed) this.held.delete(room);
    });
    return subscribed;
  }

  unhold(room: string): void {
    const entry = this.held.get(room);
    if (entry === undefined || --entry.count > 0) return;
    this.held.delete(room);
    void entry.subscribed
      .then(() => {
        if (!this.held.has(room)) return this.subscriber.unsubscribe(this.channel(room), this.listener);
      })
      .catch(() => undefined);
  }

  rooms(): IterableIterator<string> {
    return this.held.keys();
  }

  private channel(room: string): string {
    return `${this.channelPrefix}${roomKeyDigest(room)}`;
  }
}
