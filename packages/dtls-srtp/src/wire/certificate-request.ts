import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readU16List, TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 5246 §7.4.4 CertificateRequest (TLS 1.2 form):
 *
 * ```
 * struct {
 *     ClientCertificateType certificate_types<1..2^8-1>;
 *     SignatureAndHashAlgorithm
 *       supported_signature_algorithms<2^16-1>;
 *     DistinguishedName certificate_authorities<0..2^16-1>;
 * } CertificateRequest;
 *
 * opaque DistinguishedName<1..2^16-1>;
 * ```
 */
export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  readonly signatureSchemes: readonly number[];
  /** DER DistinguishedNames, each kept raw. */
  readonly certificateAuthorities: readonly Uint8Array[];
}

export type CertificateRequestDecodeError = "truncated" | "bad-list" | "trailing-bytes";

export function decodeCertificateRequest(
  body: Uint8Array,
): Decoded<CertificateRequest, CertificateRequestDecodeError> {
  const r = new TlsReader(body);
  const types = r.vec8();
  const schemesReader = r.subVec16();
  const cas = r.subVec16();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  const signatureSchemes = readU16List(schemesReader);
  if (schemesReader.failed || types.length === 0) return decodeFail("bad-list", 0);
  const certificateAuthorities: Uint8Array[] = [];
  while (!cas.atEnd) {
    const dn = cas.vec16();
    if (cas.failed || dn.length === 0) return decodeFail("bad-list", cas.failedAt);
    certificateAuthorities.push(dn.slice());
  }
  return decodeOk({ certificateTypes: [...types], signatureSchemes, certificateAuthorities });
}

export function encodeCertificateRequest(m: CertificateRequest): Uint8Array {
  const cas = new TlsWriter();
  for (const dn of m.certificateAuthorities) cas.vec16(dn);
  return new TlsWriter()
    .vec8(Uint8Array.from(m.certificateTypes))
    .u16List16(m.signatureSchemes)
    .vec16(cas.finish())
    .finish();
}
