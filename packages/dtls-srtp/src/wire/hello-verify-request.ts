import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 6347 §4.2.1 HelloVerifyRequest:
 *
 * ```
 * struct {
 *   ProtocolVersion server_version;
 *   opaque cookie<0..2^8-1>;
 * } HelloVerifyRequest;
 * ```
 *
 * "DTLS 1.2 server implementations SHOULD use DTLS version 1.0 regardless of the version of TLS that is
 * expected to be negotiated." The cookie is at most 255 bytes (RFC 6347 says 2^8-1).
 */
export interface HelloVerifyRequest {
  readonly serverVersion: number;
  readonly cookie: Uint8Array;
}

export function decodeHelloVerifyRequest(
  body: Uint8Array,
): Decoded<HelloVerifyRequest, "truncated" | "trailing-bytes"> {
  const r = new TlsReader(body);
  const serverVersion = r.u16();
  const cookie = r.vec8().slice();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  return decodeOk({ serverVersion, cookie });
}

export function encodeHelloVerifyRequest(m: HelloVerifyRequest): Uint8Array {
  return new TlsWriter().u16(m.serverVersion).vec8(m.cookie).finish();
}
