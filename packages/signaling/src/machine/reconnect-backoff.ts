import { UsageError } from "./signaling-error.js";

export interface ReconnectBackoffConfig {
  /** Delay before the first retry. Default 250 ms. */
  readonly initialDelayMs: number;
  /** Cap on the delay. Default 10 s. */
  readonly maxDelayMs: number;
  /** Growth per failed attempt. Default 2. */
  readonly factor: number;
  /** Share of the delay that is random, 0..1: the delay is drawn from [base·(1−jitter), base]. Default 0.5. */
  readonly jitter: number;
  /** Give up after this many failed attempts in a row (at the 10 s cap, about 4.5 minutes). Default 30. */
  readonly maxAttempts: number;
}

export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoffConfig = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: 30,
};

export function resolveReconnectBackoff(
  partial: Partial<ReconnectBackoffConfig> = {},
): ReconnectBackoffConfig {
  const c = { ...DEFAULT_RECONNECT_BACKOFF, ...partial };
  if (!(c.initialDelayMs >= 0) || !(c.maxDelayMs >= c.initialDelayMs) || !(c.factor >= 1)) {
    throw new UsageError("reconnect: need 0 <= initialDelayMs <= maxDelayMs and factor >= 1");
  }
  if (!(c.jitter >= 0 && c.jitter <= 1) || !(c.maxAttempts >= 1)) {
    throw new UsageError("reconnect: need 0 <= jitter <= 1 and maxAttempts >= 1");
  }
  return c;
}

/**
 * Exponential backoff with jitter: the delay before retry number `attempt` (0-based), or `undefined` once
 * `maxAttempts` is reached. `random` returns a number in [0, 1); the caller injects it, so this stays
 * deterministic under test.
 */
export function reconnectDelayMs(
  config: ReconnectBackoffConfig,
  attempt: number,
  random: () => number,
): number | undefined {
  if (attempt >= config.maxAttempts) return undefined;
  const base = Math.min(config.maxDelayMs, config.initialDelayMs * config.factor ** attempt);
  return base * (1 - config.jitter * random());
}
