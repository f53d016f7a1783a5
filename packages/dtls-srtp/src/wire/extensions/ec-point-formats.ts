import { type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 8422 §5.1.2 Supported Point Formats extension:
 *
 * ```
 * enum { uncompressed (0), deprecated (1..2), reserved (248..255) } ECPointFormat;
 * struct {
 *   ECPointFormat ec_point_format_list<1..2^8-1>
 * } ECPointFormatList;
 * ```
 */
export interface EcPointFormatsExtension {
  readonly type: "ec_point_formats";
  readonly formats: readonly number[];
}

export function readEcPointFormats(r: TlsReader): EcPointFormatsExtension {
  const list = r.vec8();
  if (list.length === 0) r.fail();
  return { type: "ec_point_formats", formats: [...list] };
}

export function writeEcPointFormats(e: EcPointFormatsExtension): Uint8Array {
  return new TlsWriter().vec8(Uint8Array.from(e.formats)).finish();
}
