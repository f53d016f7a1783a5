import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 8446 §4.4.2 Certificate (TLS 1.3 form):
 *
 * ```
 * struct {
 *     opaque cert_data<1..2^24-1>;
 *     Extension extensions<0..2^16-1>;
 * } CertificateEntry;
 *
 * struct {
 *     opaque certificate_request_context<0..2^8-1>;
 *     CertificateEntry certificate_list<0..2^24-1>;
 * } Certificate;
 * ```
 *
 * Each entry's extensions (OCSP, SCT) are kept raw: Tern sends none and reads none.
 */
export interface CertificateEntry {
  readonly certData: Uint8Array;
  readonly extensions: Uint8Array;
}

export interface Tls13Certificate {
  readonly certificateRequestContext: Uint8Array;
  readonly certificateList: readonly CertificateEntry[];
}

export type Tls13CertificateDecodeError = "truncated" | "empty-certificate" | "trailing-bytes";

export function decodeTls13Certificate(
  body: Uint8Array,
): Decoded<Tls13Certificate, Tls13CertificateDecodeError> {
  const r = new TlsReader(body);
  const certificateRequestContext = r.vec8().slice();
  const list = r.subVec24();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  const certificateList: CertificateEntry[] = [];
  while (!list.atEnd) {
    const at = list.pos;
    const certData = list.vec24().slice();
    const extensions = list.vec16().slice();
    if (list.failed) return decodeFail("truncated", list.failedAt);
    if (certData.length === 0) return decodeFail("empty-certificate", at);
    certificateList.push({ certData, extensions });
  }
  return decodeOk({ certificateRequestContext, certificateList });
}

export function encodeTls13Certificate(m: Tls13Certificate): Uint8Array {
  const inner = new TlsWriter();
  for (const e of m.certificateList) inner.vec24(e.certData).vec16(e.extensions);
  return new TlsWriter().vec8(m.certificateRequestContext).vec24(inner.finish()).finish();
}
