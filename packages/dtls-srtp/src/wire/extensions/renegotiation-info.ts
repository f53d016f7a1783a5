import { type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 5746 §3.2 Renegotiation Indication extension:
 *
 * ```
 * struct {
 *     opaque renegotiated_connection<0..255>;
 * } RenegotiationInfo;
 * ```
 *
 * Tern never renegotiates, so it only ever sends and accepts the empty form (initial handshake).
 */
export interface RenegotiationInfoExtension {
  readonly type: "renegotiation_info";
  readonly renegotiatedConnection: Uint8Array;
}

export function readRenegotiationInfo(r: TlsReader): RenegotiationInfoExtension {
  return { type: "renegotiation_info", renegotiatedConnection: r.vec8().slice() };
}

export function writeRenegotiationInfo(e: RenegotiationInfoExtension): Uint8Array {
  return new TlsWriter().vec8(e.renegotiatedConnection).finish();
}
