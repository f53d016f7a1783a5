/**
 * The one place importing node:crypto: random bytes for peer ids and resume secrets, and constant-time
 * comparison of the shared-secret token and of resume secrets.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function randomUint8Array(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}

/**
 * Constant-time string equality. Both sides are hashed first (SHA-256), so the comparison takes the same
 * time whatever the lengths, and `timingSafeEqual` gets equal-length inputs.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/** A checker for one shared-secret token; the secret's digest is computed once. */
export function tokenVerifier(secret: string): (presented: string) => boolean {
  const expected = createHash("sha256").update(secret, "utf8").digest();
  return (presented) => timingSafeEqual(expected, createHash("sha256").update(presented, "utf8").digest());
}
