import type { Millis } from "./signaling-limits.js";

/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSec`. A message takes `cost` tokens
 * (one per message, or its size for a byte budget); without enough the message is refused. Time comes from
 * the caller (`now`), never from a clock.
 */
export class TokenBucket {
  private tokens: number;
  private lastAt: Millis;

  constructor(
    private readonly ratePerSec: number,
    private readonly capacity: number,
    now: Millis,
  ) {
    this.tokens = capacity;
    this.lastAt = now;
  }

  /** Whether `cost` tokens are there at `now` (after refilling); takes nothing. */
  has(now: Millis, cost = 1): boolean {
    this.refill(now);
    return this.tokens >= cost;
  }

  /** Takes `cost` tokens if there are that many. A clock going backwards refills nothing. */
  take(now: Millis, cost = 1): boolean {
    if (!this.has(now, cost)) return false;
    this.tokens -= cost;
    return true;
  }

  /** Milliseconds from `now` until `cost` tokens are there (0 if they are; Infinity past the capacity). */
  msUntil(now: Millis, cost = 1): number {
    this.refill(now);
    if (this.tokens >= cost) return 0;
    if (cost > this.capacity) return Number.POSITIVE_INFINITY;
    return ((cost - this.tokens) * 1000) / this.ratePerSec;
  }

  /** Whole tokens left at the last `take`. */
  get available(): number {
    return Math.floor(this.tokens);
  }

  private refill(now: Millis): void {
    if (now <= this.lastAt) return;
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.lastAt) * this.ratePerSec) / 1000);
    this.lastAt = now;
  }
}
