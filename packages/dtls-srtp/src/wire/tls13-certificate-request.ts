import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { decodeExtensions, type Extension, encodeExtensions } from "./extensions/extension.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 8446 §4.3.2 CertificateRequest (TLS 1.3 form; signature_algorithms is required):
 *
 * ```
 * struct {
 *     opaque certificate_request_context<0..2^8-1>;
 *     Extension extensions<2..2^16-1>;
 * } CertificateRequest;
 * ```
 */
export interface Tls13CertificateRequest {
  readonly certificateRequestContext: Uint8Array;
  readonly extensions: readonly Extension[];
}

export type Tls13CertificateRequestDecodeError =
  | "truncated"
  | "trailing-bytes"
  | "bad-extensions-block"
  | "bad-extension"
  | "duplicate-extension";

export function decodeTls13CertificateRequest(
  body: Uint8Array,
): Decoded<Tls13CertificateRequest, Tls13CertificateRequestDecodeError> {
  const r = new TlsReader(body);
  const certificateRequestContext = r.vec8().slice();
  const blockAt = r.pos + 2;
  const block = r.vec16();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  const exts = decodeExtensions(block, "encrypted_extensions", blockAt);
  return exts.ok ? decodeOk({ certificateRequestContext, extensions: exts.value }) : exts;
}

export function encodeTls13CertificateRequest(m: Tls13CertificateRequest): Uint8Array {
  return new TlsWriter()
    .vec8(m.certificateRequestContext)
    .vec16(encodeExtensions(m.extensions, "encrypted_extensions"))
    .finish();
}
