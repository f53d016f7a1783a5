import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { decodeExtensions, type Extension, encodeExtensions } from "./extensions/extension.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 5246 §7.4.1.3 ServerHello:
 *
 * ```
 * struct {
 *     ProtocolVersion server_version;
 *     Random random;
 *     SessionID session_id;
 *     CipherSuite cipher_suite;
 *     CompressionMethod compression_method;
 *     select (extensions_present) {
 *         case false: struct {};
 *         case true:  Extension extensions<0..2^16-1>;
 *     };
 * } ServerHello;
 * ```
 */
export interface ServerHello {
  readonly serverVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
}

export type ServerHelloDecodeError =
  | "truncated"
  | "bad-session-id"
  | "trailing-bytes"
  | "bad-extensions-block"
  | "bad-extension"
  | "duplicate-extension";

export function decodeServerHello(body: Uint8Array): Decoded<ServerHello, ServerHelloDecodeError> {
  const r = new TlsReader(body);
  const serverVersion = r.u16();
  const random = r.raw(32).slice();
  const sessionId = r.vec8().slice();
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (sessionId.length > 32) return decodeFail("bad-session-id", 34);
  let extensions: Extension[] = [];
  if (!r.atEnd) {
    const blockAt = r.pos + 2;
    const block = r.vec16();
    if (r.failed) return decodeFail("bad-extensions-block", r.failedAt);
    if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
    const exts = decodeExtensions(block, "server_hello", blockAt);
    if (!exts.ok) return exts;
    extensions = exts.value;
  }
  return decodeOk({ serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions });
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  const w = new TlsWriter()
    .u16(m.serverVersion)
    .raw(m.random)
    .vec8(m.sessionId)
    .u16(m.cipherSuite)
    .u8(m.compressionMethod);
  if (m.extensions.length > 0) w.vec16(encodeExtensions(m.extensions, "server_hello"));
  return w.finish();
}
