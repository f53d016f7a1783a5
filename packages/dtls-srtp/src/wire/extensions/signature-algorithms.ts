import { readU16List, type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 5246 §7.4.1.4.1 Signature Algorithms extension:
 *
 * ```
 * struct {
 *   HashAlgorithm hash;
 *   SignatureAlgorithm signature;
 * } SignatureAndHashAlgorithm;
 *
 * SignatureAndHashAlgorithm
 *   supported_signature_algorithms<2..2^16-2>;
 * ```
 *
 * Each pair is kept as its uint16 code (the TLS 1.3 SignatureScheme numbering, RFC 8446 §4.2.3).
 */
export interface SignatureAlgorithmsExtension {
  readonly type: "signature_algorithms";
  readonly schemes: readonly number[];
}

export function readSignatureAlgorithms(r: TlsReader): SignatureAlgorithmsExtension {
  const schemes = readU16List(r.subVec16());
  if (schemes.length === 0) r.fail();
  return { type: "signature_algorithms", schemes };
}

export function writeSignatureAlgorithms(e: SignatureAlgorithmsExtension): Uint8Array {
  return new TlsWriter().u16List16(e.schemes).finish();
}
