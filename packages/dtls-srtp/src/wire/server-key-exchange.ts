import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";
import { EcCurveType } from "./tls-parameters.js";

/**
 * RFC 8422 §5.4 ServerKeyExchange for ECDHE with a named curve:
 *
 * ```
 * struct {
 *     ECCurveType    curve_type;        // named_curve (3)
 *     NamedCurve     namedcurve;
 * } ECParameters;
 *
 * struct {
 *     ECParameters    curve_params;
 *     ECPoint         public;           // opaque point <1..2^8-1>
 * } ServerECDHParams;
 *
 * select (KeyExchangeAlgorithm) {
 *     case ec_diffie_hellman:
 *         ServerECDHParams    params;
 *         Signature           signed_params;
 * } ServerKeyExchange;
 *
 * digitally-signed struct {             // RFC 5246 §4.7: SignatureAndHashAlgorithm + opaque<0..2^16-1>
 *     opaque client_random[32];
 *     opaque server_random[32];
 *     ServerECDHParams params;
 * } Signature;
 * ```
 */
export interface ServerKeyExchange {
  readonly namedCurve: number;
  readonly publicKey: Uint8Array;
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

export type ServerKeyExchangeDecodeError =
  | "truncated"
  | "unsupported-curve-type"
  | "empty-point"
  | "trailing-bytes";

export function decodeServerKeyExchange(
  body: Uint8Array,
): Decoded<ServerKeyExchange, ServerKeyExchangeDecodeError> {
  const r = new TlsReader(body);
  const curveType = r.u8();
  if (r.failed) return decodeFail("truncated", 0);
  if (curveType !== EcCurveType.named_curve) return decodeFail("unsupported-curve-type", 0);
  const namedCurve = r.u16();
  const publicKey = r.vec8().slice();
  const signatureScheme = r.u16();
  const signature = r.vec16().slice();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (publicKey.length === 0) return decodeFail("empty-point", 3);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  return decodeOk({ namedCurve, publicKey, signatureScheme, signature });
}

/** The ServerECDHParams bytes: what the signature covers after the two randoms. */
export function encodeServerEcdhParams(namedCurve: number, publicKey: Uint8Array): Uint8Array {
  return new TlsWriter().u8(EcCurveType.named_curve).u16(namedCurve).vec8(publicKey).finish();
}

export function encodeServerKeyExchange(m: ServerKeyExchange): Uint8Array {
  return new TlsWriter()
    .raw(encodeServerEcdhParams(m.namedCurve, m.publicKey))
    .u16(m.signatureScheme)
    .vec16(m.signature)
    .finish();
}
