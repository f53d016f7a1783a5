/**
 * The node:crypto calls behind STUN message integrity (RFC 8489 §9, §14.5, §14.6): key derivation and
 * the HMACs. The one place in the STUN layer that imports node:crypto.
 *
 * Neither key derivation applies OpaqueString / SASLprep (RFC 8265 / RFC 4013) to the password: ICE
 * passwords are ASCII already (RFC 8445 §5.3), and TURN callers pass a prepared password.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const utf8 = new TextEncoder();

/** RFC 8489 §9.1.1: the short-term credential key is the (UTF-8) password itself. */
export function shortTermKey(password: string): Uint8Array {
  return utf8.encode(password);
}

/**
 * RFC 8489 §9.2.2: key = MD5(username ":" realm ":" password), or SHA-256 of the same string when the
 * PASSWORD-ALGORITHM is SHA-256.
 */
export function longTermKey(
  username: string,
  realm: string,
  password: string,
  algorithm: "md5" | "sha256" = "md5",
): Uint8Array {
  const digest = createHash(algorithm)
    .update(utf8.encode(`${username}:${realm}:${password}`))
    .digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** HMAC-SHA1 over the concatenation of `chunks` (MESSAGE-INTEGRITY, RFC 8489 §14.5): 20 bytes. */
export function hmacSha1(key: Uint8Array, chunks: readonly Uint8Array[]): Uint8Array {
  return hmac("sha1", key, chunks);
}

/** HMAC-SHA256 over the concatenation of `chunks` (MESSAGE-INTEGRITY-SHA256, RFC 8489 §14.6): 32 bytes. */
export function hmacSha256(key: Uint8Array, chunks: readonly Uint8Array[]): Uint8Array {
  return hmac("sha256", key, chunks);
}

function hmac(algorithm: "sha1" | "sha256", key: Uint8Array, chunks: readonly Uint8Array[]): Uint8Array {
  const h = createHmac(algorithm, key);
  for (const c of chunks) h.update(c);
  const mac = h.digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, mac.byteLength);
}

/** Constant-time equality of two MACs (false, without comparing, when the lengths differ). */
export function macEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
