import type { Millis } from "./ice-types.js";

export interface ReplyRateLimitConfig {
  /** Replies a second to one IP address (any port), and the burst it may take at once. */
  readonly perSourcePerSecond: number;
  readonly perSourceBurst: number;
  /** Replies a second in all, and the burst. */
  readonly totalPerSecond: number;
  readonly totalBurst: number;
  /** Sources whose buckets are remembered; past it the oldest is forgotten. */
  readonly maxSources: number;
}

interface Bucket {
  tokens: number;
  at: Millis;
}

/**
 * Token buckets on the replies of a server that answers unauthenticated requests (a STUN Binding server):
 * one per source IP address and one for everything, so that forged source addresses cannot turn it into
 * a reflector (RFC 8489 §16.1.3 on amplification). Sans-IO: `allow(now, ip)` says whether one more reply
 * may go out now, and spends a token if so.
 */
export class ReplyRateLimit {
  private readonly sources = new Map<string, Bucket>();
  private readonly total: Bucket;

  constructor(private readonly c: ReplyRateLimitConfig) {
    this.total = { tokens: c.totalBurst, at: 0 };
  }

  allow(now: Millis, ip: string): boolean {
    let b = this.sources.get(ip);
    if (b === undefined) {
      if (this.sources.size >= this.c.maxSources) {
        const oldest = this.sources.keys().next();
        if (!oldest.done) this.sources.delete(oldest.value);
      }
      b = { tokens: this.c.perSourceBurst, at: now };
      this.sources.set(ip, b);
    }
    refill(b, now, this.c.perSourcePerSecond, this.c.perSourceBurst);
    refill(this.total, now, this.c.totalPerSecond, this.c.totalBurst);
    if (b.tokens < 1 || this.total.tokens < 1) return false;
    b.tokens--;
    this.total.tokens--;
    return true;
  }
}

function refill(b: Bucket, now: Millis, perSecond: number, burst: number): void {
  if (now > b.at) {
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perSecond) / 1000);
    b.at = now;
  }
}
