/**
 * Digests for the Redis directory. Room names are the clients' own strings, so they never become key or
 * channel names themselves: a room's keys are named by the SHA-1 of its UTF-8 name (the same digest the
 * Lua scripts compute with `redis.sha1hex`; a naming function here, not a security one). Resume secrets are
 * stored only as SHA-256 digests, and compared as digests, so Redis never holds one a client could present.
 */
import { createHash } from "node:crypto";

export function roomKeyDigest(room: string): string {
  return createHash("sha1").update(room, "utf8").digest("hex");
}

export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** The SHA-1 by which Redis knows a Lua script (EVALSHA). */
export function scriptDigest(script: string): string {
  return createHash("sha1").update(script, "utf8").digest("hex");
}
