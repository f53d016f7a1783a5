import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 5246 §7.4.2 Certificate:
 *
 * ```
 * opaque ASN.1Cert<1..2^24-1>;
 *
 * struct {
 *     ASN.1Cert certificate_list<0..2^24-1>;
 * } Certificate;
 * ```
 *
 * The sender's own certificate comes first. An empty list is a client declining a CertificateRequest.
 */
export interface Certificate {
  readonly certificateList: readonly Uint8Array[];
}

export type CertificateDecodeError = "truncated" | "empty-certificate" | "trailing-bytes";

export function decodeCertificate(body: Uint8Array): Decoded<Certificate, CertificateDecodeError> {
  const r = new TlsReader(body);
  const list = r.subVec24();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  const certificateList: Uint8Array[] = [];
  while (!list.atEnd) {
    const at = list.pos;
    const cert = list.vec24();
    if (list.failed) return decodeFail("truncated", list.failedAt);
    if (cert.length === 0) return decodeFail("empty-certificate", at);
    certificateList.push(cert.slice());
  }
  return decodeOk({ certificateList });
}

export function encodeCertificate(m: Certificate): Uint8Array {
  const inner = new TlsWriter();
  for (const c of m.certificateList) inner.vec24(c);
  return new TlsWriter().vec24(inner.finish()).finish();
}
