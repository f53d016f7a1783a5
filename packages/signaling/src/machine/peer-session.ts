import type { Millis } from "./signaling-limits.js";

/** Lowercase hex of random bytes. */
export function hexId(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * Peer ids and their resume secrets, in one process. A session is live while a connection holds it; when
 * that connection goes, the session stays `graceMs` (dormant) so a reconnecting client can claim its peer
 * id back with the secret from its `welcome`. Dormant sessions are bounded: the oldest is forgotten first.
 */
export class PeerSessions {
  private readonly live = new Map<string, string>();
  /** Insertion order is expiry order: every session gets the same grace. */
  private readonly dormant = new Map<string, { readonly secret: string; readonly expiresAt: Millis }>();

  constructor(
    private readonly graceMs: number,
    private readonly maxDormant: number,
    private readonly secretEquals: (a: string, b: string) => boolean,
  ) {}

  open(peerId: string, secret: string): void {
    this.dormant.delete(peerId);
    this.live.set(peerId, secret);
  }

  /**
   * A resume claim (constant-time on the secret): a live or dormant session with this secret becomes live
   * with `newSecret`. Returns whether it did.
   */
  claim(peerId: string, secret: string, newSecret: string): boolean {
    const current = this.live.get(peerId) ?? this.dormant.get(peerId)?.secret;
    if (current === undefined || !this.secretEquals(current, secret)) return false;
    this.open(peerId, newSecret);
    return true;
  }

  /** The connection holding `peerId` went away: the session goes dormant until `now + graceMs`. */
  release(peerId: string, now: Millis): void {
    const secret = this.live.get(peerId);
    if (secret === undefined) return;
    this.live.delete(peerId);
    if (this.graceMs <= 0) return;
    this.dormant.set(peerId, { secret, expiresAt: now + this.graceMs });
    if (this.dormant.size > this.maxDormant) {
      const oldest = this.dormant.keys().next();
      if (oldest.done !== true) this.dormant.delete(oldest.value);
    }
  }

  /** Forgets dormant sessions whose grace is over. */
  expire(now: Millis): void {
    for (const [peerId, d] of this.dormant) {
      if (d.expiresAt > now) return;
      this.dormant.delete(peerId);
    }
  }

  nextExpiry(): Millis | undefined {
    for (const d of this.dormant.values()) return d.expiresAt;
    return undefined;
  }

  get dormantCount(): number {
    return this.dormant.size;
  }
}
