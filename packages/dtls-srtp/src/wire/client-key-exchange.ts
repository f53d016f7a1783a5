import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 8422 §5.7 ClientKeyExchange for ECDHE (explicit public value):
 *
 * ```
 * struct {
 *     select (PublicValueEncoding) {
 *         case implicit: struct { };
 *         case explicit: ECPoint ecdh_Yc;     // opaque point <1..2^8-1>
 *     } ecdh_public;
 * } ClientECDiffieHellmanPublic;
 * ```
 */
export interface ClientKeyExchange {
  readonly publicKey: Uint8Array;
}

export function decodeClientKeyExchange(
  body: Uint8Array,
): Decoded<ClientKeyExchange, "truncated" | "empty-point" | "trailing-bytes"> {
  const r = new TlsReader(body);
  const publicKey = r.vec8().slice();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (publicKey.length === 0) return decodeFail("empty-point", 0);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  return decodeOk({ publicKey });
}

export function encodeClientKeyExchange(m: ClientKeyExchange): Uint8Array {
  return new TlsWriter().vec8(m.publicKey).finish();
}
