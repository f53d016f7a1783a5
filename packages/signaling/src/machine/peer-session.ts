import type { ConnId } from "./room-table.js";
import type { Millis } from "./signaling-limits.js";

/** Lowercase hex of random bytes. */
export function hexId(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

export interface PeerSession {
  readonly peerId: string;
  secret: string;
  conn: ConnId | undefined;
}

export type ResumeResult =
  | { readonly kind: "live"; readonly conn: ConnId }
  | { readonly kind: "dormant" }
  | { readonly kind: "refused" };

/**
 * Peer ids and their resume secrets. A session is live while a connection holds it; when that connection
 * goes, the session stays `graceMs` (dormant) so a reconnecting client can claim its peer id back with the
 * secret from its `welcome`. Dormant sessions are bounded: the oldest is forgotten first.
 */
export class PeerSessions {
  private readonly live = new Map<string, PeerSession>();
  /** Insertion order is expiry order: every session gets the same grace. */
  private readonly dormant = new Map<string, { readonly secret: string; readonly expiresAt: Millis }>();

  constructor(
    private readonly graceMs: number,
    private readonly maxDormant: number,
    private readonly random: (n: number) => Uint8Array,
    private readonly secretEquals: (a: string, b: string) => boolean,
  ) {}

  get(peerId: string): PeerSession | undefined {
    return this.live.get(peerId);
  }

  /** A fresh session with a new random peer id, held by `conn`. */
  create(conn: ConnId): PeerSession {
    let peerId = hexId(this.random(8));
    // 64 random bits: a collision is astronomically rare, but a duplicate id must never be handed out.
    while (this.live.has(peerId) || this.dormant.has(peerId)) peerId = hexId(this.random(8));
    const session: PeerSession = { peerId, secret: hexId(this.random(16)), conn };
    this.live.set(peerId, session);
    return session;
  }

  /**
   * Checks a resume claim (constant-time on the secret). `live`: another connection still holds the id;
   * `dormant`: the id is free again; `refused`: unknown id or wrong secret.
   */
  check(peerId: string, secret: string): ResumeResult {
    const live = this.live.get(peerId);
    if (live !== undefined) {
      return this.secretEquals(live.secret, secret) && live.conn !== undefined
        ? { kind: "live", conn: live.conn }
        : { kind: "refused" };
    }
    const dormant = this.dormant.get(peerId);
    if (dormant !== undefined && this.secretEquals(dormant.secret, secret)) return { kind: "dormant" };
    return { kind: "refused" };
  }

  /** Gives the session `peerId` to `conn` with a new secret (after a successful `check`). */
  resume(peerId: string, conn: ConnId): PeerSession {
    this.dormant.delete(peerId);
    const session: PeerSession = { peerId, secret: hexId(this.random(16)), conn };
    this.live.set(peerId, session);
    return session;
  }

  /** The connection holding `peerId` went away: the session goes dormant until `now + graceMs`. */
  release(peerId: string, now: Millis): void {
    const session = this.live.get(peerId);
    if (session === undefined) return;
    this.live.delete(peerId);
    if (this.graceMs <= 0) return;
    this.dormant.set(peerId, { secret: session.secret, expiresAt: now + this.graceMs });
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
