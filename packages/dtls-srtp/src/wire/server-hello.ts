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
/**
 * RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest"); its
 * extensions have their HelloRetryRequest forms (key_share selected_group, cookie).
 */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from(
  Buffer.from("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", "hex"),
);

export function isHelloRetryRequest(random: Uint8Array): boolean {
  return random.length === 32 && random.every((b, i) => b === HELLO_RETRY_REQUEST_RANDOM[i]);
}

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
    const context = isHelloRetryRequest(random) ? "hello_retry_request" : "server_hello";
    const exts = decodeExtensions(block, context, blockAt);
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
  const context = isHelloRetryRequest(m.random) ? "hello_retry_request" : "server_hello";
  if (m.extensions.length > 0) w.vec16(encodeExtensions(m.extensions, context));
  return w.finish();
}
