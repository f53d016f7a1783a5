import type { Origin } from "./session-description.js";

/** Injected randomness (the connection passes `crypto.randomBytes`; tests pass a seeded source). */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * The local side of `o=` (RFC 8829 §5.2.1): a session id fixed for the connection's life and the
 * version of the last local description applied (undefined before the first).
 */
export interface LocalSession {
  readonly sessionId: string;
  readonly sessionVersion?: number;
}

/** RFC 8829 §5.2.1: a 64-bit random sess-id below 2^63 (positive when read as a signed integer). */
export function createSessionId(randomBytes: RandomBytes): string {
  const bytes = randomBytes(8);
  let id = 0n;
  for (let i = 0; i < 8; i++) id = (id << 8n) | BigInt(bytes[i] ?? 0);
  return (id & 0x7fff_ffff_ffff_ffffn).toString();
}

/**
 * The origin of the next local description: version 0 for the first, then one more than the last
 * applied local description's (RFC 8829 §5.2.2, §5.3.2). Username "-" and 127.0.0.1 as JSEP writes.
 */
export function nextOrigin(session: LocalSession): Origin {
  return {
    username: "-",
    sessionId: session.sessionId,
    sessionVersion: session.sessionVersion === undefined ? 0 : session.sessionVersion + 1,
    netType: "IN",
    addressType: "IP4",
    address: "127.0.0.1",
  };
}
