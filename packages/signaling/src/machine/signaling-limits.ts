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
  /**
   * A second token bucket, in bytes: what a connection's frames may add up to per second. Parsing costs by
   * the byte, so a connection under the message rate cannot make the server parse megabytes a second.
   */
  readonly bytesPerSecond: number;
  /** The byte bucket's capacity. At least the largest frame anyone should send. */
  readonly byteBurst: number;
  /**
   * Bytes the server may hold queued for one connection (written, not yet taken by the socket): a peer that
   * does not read is cut off (terminated, counted as `slow-consumer`) once its queue passes this.
   */
  readonly maxQueuedBytes: number;
  /** Open connections the server accepts; more are closed with 1013 (try again later). */
  readonly maxConnections: number;
}

/**
 * Defaults sized for a few peers per room trickling candidates: 64 KiB fits any real SDP (a browser's
 * offer with a dozen m-lines is ~10 KiB); a burst of 200 covers an offer and ~20 candidates to each of a
 * room's other peers; 64 KiB/s is a 10 KiB offer to six peers every second, and the 512 KiB burst an offer
 * and its candidates to all 16 at once. A connection over either bucket is not read until it refills.
 */
export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxMessageBytes: 64 * 1024,
  roomsPerConnection: 8,
  peersPerRoom: 16,
  messagesPerSecond: 100,
  messageBurst: 200,
  bytesPerSecond: 64 * 1024,
  byteBurst: 512 * 1024,
  maxQueuedBytes: 1024 * 1024,
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
