import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { decodeExtensions, type Extension, encodeExtensions } from "./extensions/extension.js";
import { readU16List, TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 6347 §4.2.1 / RFC 5246 §7.4.1.2 ClientHello (DTLS adds the cookie):
 *
 * ```
 * struct {
 *   ProtocolVersion client_version;
 *   Random random;
 *   SessionID session_id;
 *   opaque cookie<0..2^8-1>;                             // New field
 *   CipherSuite cipher_suites<2..2^16-1>;
 *   CompressionMethod compression_methods<1..2^8-1>;
 *   select (extensions_present) {
 *     case false: struct {};
 *     case true:  Extension extensions<0..2^16-1>;
 *   };
 * } ClientHello;
 * ```
 *
 * An absent extension block decodes as `extensions: []`; encoding omits an empty block.
 */
export interface ClientHello {
  readonly clientVersion: number;
  /** 32 bytes: gmt_unix_time + random_bytes, kept opaque. */
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cookie: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly Extension[];
}

export type ClientHelloDecodeError =
  | "truncated"
  | "bad-session-id"
  | "bad-cipher-suites"
  | "bad-compression-methods"
  | "trailing-bytes"
  | "bad-extensions-block"
  | "bad-extension"
  | "duplicate-extension";

export function decodeClientHello(body: Uint8Array): Decoded<ClientHello, ClientHelloDecodeError> {
  const r = new TlsReader(body);
  const clientVersion = r.u16();
  const random = r.raw(32).slice();
  const sessionId = r.vec8().slice();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (sessionId.length > 32) return decodeFail("bad-session-id", 34);
  const cookie = r.vec8().slice();
  const suitesAt = r.pos;
  const suites = r.subVec16();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  const cipherSuites = readU16List(suites);
  if (suites.failed || cipherSuites.length === 0) return decodeFail("bad-cipher-suites", suitesAt);
  const compression = r.vec8();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (compression.length === 0) return decodeFail("bad-compression-methods", r.pos - 1);
  const compressionMethods = [...compression];
  let extensions: Extension[] = [];
  if (!r.atEnd) {
    const blockAt = r.pos + 2;
    const block = r.vec16();
    if (r.failed) return decodeFail("bad-extensions-block", r.failedAt);
    if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
    const exts = decodeExtensions(block, "client_hello", blockAt);
    if (!exts.ok) return exts;
    extensions = exts.value;
  }
  return decodeOk({ clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions });
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  const w = new TlsWriter()
    .u16(m.clientVersion)
    .raw(m.random)
    .vec8(m.sessionId)
    .vec8(m.cookie)
    .u16List16(m.cipherSuites)
    .vec8(Uint8Array.from(m.compressionMethods));
  if (m.extensions.length > 0) w.vec16(encodeExtensions(m.extensions, "client_hello"));
  return w.finish();
}
