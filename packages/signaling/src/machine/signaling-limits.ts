import { UsageError } from "./signaling-error.js";

/** Monotonic milliseconds given by the caller. */
export type Millis = number;

/** Per-server bounds on what one connection can make the server hold or do. */
export interface SignalingLimits {
  /** Largest accepted frame, in bytes of UTF-8 JSON. Larger ones get `message-too-large`. */
  readonly maxMessageBytes: number;
  /** Rooms one connection may be in at once. */
  readonly roomsPerConnection: number;
  /** Peers one room may hold. */
  readonly peersPerRoom: number;
  /** Token-bucket refill rate: messages per second per connection. */
  readonly messagesPerSecond: number;
  /** Token-bucket capacity: the largest burst one connection may send at once. */
  readonly messageBurst: number;
  /** Open connections the server accepts; more are closed with 1013 (try again later). */
  readonly maxConnections: number;
}

/**
 * Defaults sized for a few peers per room trickling candidates: 64 KiB fits any real SDP (a browser's
 * offer with a dozen m-lines is ~10 KiB); a burst of 200 covers an offer and ~20 candidates to each of a
 * room's other peers.
 */
export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxMessageBytes: 64 * 1024,
  roomsPerConnection: 8,
  peersPerRoom: 16,
  messagesPerSecond: 100,
  messageBurst: 200,
  maxConnections: 10_000,
};

/** Fills in defaults and refuses nonsense (a `UsageError`, thrown synchronously). */
export function resolveSignalingLimits(partial: Partial<SignalingLimits> = {}): SignalingLimits {
  const limits = { ...DEFAULT_SIGNALING_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new UsageError(`limits.${key} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}
