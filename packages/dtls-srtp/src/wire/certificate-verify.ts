import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 5246 §7.4.8 CertificateVerify:
 *
 * ```
 * struct {
 *      digitally-signed struct {
 *          opaque handshake_messages[handshake_messages_length];
 *      }
 * } CertificateVerify;
 * ```
 *
 * digitally-signed (§4.7) = SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>.
 */
export interface CertificateVerify {
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

export function decodeCertificateVerify(
  body: Uint8Array,
): Decoded<CertificateVerify, "truncated" | "trailing-bytes"> {
  const r = new TlsReader(body);
  const signatureScheme = r.u16();
  const signature = r.vec16().slice();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  return decodeOk({ signatureScheme, signature });
}

export function encodeCertificateVerify(m: CertificateVerify): Uint8Array {
  return new TlsWriter().u16(m.signatureScheme).vec16(m.signature).finish();
}
