import type { ResolvedIceAgentConfig } from "./ice-agent-config.js";
import type { Millis } from "./ice-types.js";

/**
 * RFC 7675 consent freshness on the selected pair: a check every ~5 s, randomized to 0.8–1.2 of the
 * interval (§5.1) so peers don't synchronize; consent expires when no check has succeeded for 30 s.
 * "disconnected" (the browser's state, not the RFC's) when nothing authenticated was heard for a while.
 */
export class ConsentFreshness {
  private lastConsentAt: Millis;
  private lastHeardAt: Millis;
  private nextCheckAt: Millis;

  constructor(
    private readonly cfg: Pick<
      ResolvedIceAgentConfig,
      "consentIntervalMs" | "consentTimeoutMs" | "disconnectedAfterMs"
    >,
    now: Millis,
  ) {
    this.lastConsentAt = now;
    this.lastHeardAt = now;
    this.nextCheckAt = now + cfg.consentIntervalMs;
  }

  intervalMs(): number {
    return this.cfg.consentIntervalMs;
  }

  due(now: Millis): boolean {
    return now >= this.nextCheckAt;
  }

  /** A check went out; the next one is 0.8–1.2 intervals later (`jitter`: 2 random bytes). */
  sent(now: Millis, jitter: Uint8Array): void {
    const r = (((jitter[0] ?? 0) << 8) | (jitter[1] ?? 0)) / 65535;
    this.nextCheckAt = now + Math.round(this.cfg.consentIntervalMs * (0.8 + 0.4 * r));
  }

  /** An authenticated response on the pair: success refreshes consent (§5.1); any answer shows life. */
  handleSuccess(now: Millis, success: boolean): void {
    this.lastHeardAt = now;
    if (success) this.lastConsentAt = now;
  }

  /** An authenticated check from the peer on the pair: not consent (§5.1 needs our own check answered), but life. */
  handleHeard(now: Millis): void {
    this.lastHeardAt = now;
  }

  expired(now: Millis): boolean {
    return now >= this.lastConsentAt + this.cfg.consentTimeoutMs;
  }

  disconnected(now: Millis): boolean {
    return now >= this.lastHeardAt + this.cfg.disconnectedAfterMs;
  }

  /** The next time something changes: a check is due, consent expires, or (once) the pair goes quiet. */
  nextDeadline(now: Millis): Millis {
    const quietAt = this.lastHeardAt + this.cfg.disconnectedAfterMs;
    const t = Math.min(this.nextCheckAt, this.lastConsentAt + this.cfg.consentTimeoutMs);
    return quietAt > now ? Math.min(t, quietAt) : t;
  }
}
