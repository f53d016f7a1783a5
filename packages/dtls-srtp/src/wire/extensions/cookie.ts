import { type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 8446 §4.2.2 cookie (HelloRetryRequest, then echoed in the second ClientHello):
 *
 * ```
 * struct { opaque cookie<1..2^16-1>; } Cookie;
 * ```
 */
export interface CookieExtension {
  readonly type: "cookie";
  readonly cookie: Uint8Array;
}

export function readCookie(r: TlsReader): CookieExtension {
  const cookie = r.vec16().slice();
  if (cookie.length === 0) r.fail();
  return { type: "cookie", cookie };
}

export function writeCookie(e: CookieExtension): Uint8Array {
  return new TlsWriter().vec16(e.cookie).finish();
}
