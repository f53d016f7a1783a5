import { createHmac } from "node:crypto";

/**
 * RFC 6347 §4.2.1 stateless cookie: "Cookie = HMAC(Secret, Client-IP, Client-Parameters)". The caller
 * passes the peer's address (when it has one) and the ClientHello fields that must not change between the
 * two ClientHellos; the secret is injected (shared by every endpoint of one server to stay stateless).
 */
export function helloVerifyCookie(secret: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac("sha256", secret);
  for (const p of parts) {
    h.update(Uint8Array.of(p.length >> 8, p.length & 0xff));
    h.update(p);
  }
  return new Uint8Array(h.digest());
}
