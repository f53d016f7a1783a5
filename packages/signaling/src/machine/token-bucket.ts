import type { Millis } from "./signaling-limits.js";

/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSec`. Each message takes one token;
 * with none left the message is refused. Time comes from the caller (`now`), never from a clock.
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

  /** Takes one token if there is one. A clock going backwards refills nothing. */
  take(now: Millis): boolean {
    if (now > this.lastAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.lastAt) * this.ratePerSec) / 1000);
      this.lastAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens left at the last `take`. */
  get available(): number {
    return Math.floor(this.tokens);
  }
}
