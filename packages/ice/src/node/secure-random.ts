import { randomFillSync } from "node:crypto";

/**
 * The OS CSPRNG, drawn from a pool: one `randomFillSync` of POOL_BYTES serves many small requests
 * (transaction IDs, tie-breakers, credentials, SSRCs), where one `randomBytes` call each costs a crossing
 * into C++ and an allocation. Every byte is handed out once, then the pool is refilled. Larger requests
 * bypass the pool.
 */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let used = POOL_BYTES;

/** `n` fresh random bytes (a copy the caller owns). */
export function secureRandom(n: number): Uint8Array {
  if (n > POOL_BYTES / 4) return randomFillSync(new Uint8Array(n));
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.slice(used, used + n);
  pool.fill(0, used, used + n);
  used += n;
  return out;
}

/** A random unsigned 32-bit integer from the same pool. */
export function secureRandomU32(): number {
  const b = secureRandom(4);
  return (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
}
