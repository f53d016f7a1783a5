import { type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 8446 §4.2.1 supported_versions, parsed only to be ignored (Tern speaks DTLS 1.2, which negotiates
 * with client_version; browsers list DTLS 1.3 0xfefc, DTLS 1.2 0xfefd and Firefox even 0x0303):
 *
 * ```
 * struct {
 *     select (Handshake.msg_type) {
 *         case client_hello:
 *              ProtocolVersion versions<2..254>;
 *         case server_hello: // and HelloRetryRequest
 *              ProtocolVersion selected_version;
 *     };
 * } SupportedVersions;
 * ```
 */
export interface SupportedVersionsExtension {
  readonly type: "supported_versions";
  /** The client's list, or the server's single selected version. */
  readonly versions: readonly number[];
}

export function readSupportedVersions(r: TlsReader, inClientHello: boolean): SupportedVersionsExtension {
  if (!inClientHello) return { type: "supported_versions", versions: [r.u16()] };
  const list = r.subVec8();
  const versions: number[] = [];
  if (list.remaining % 2 !== 0 || list.remaining === 0) list.fail();
  while (!list.failed && list.remaining > 0) versions.push(list.u16());
  if (list.failed) r.fail();
  return { type: "supported_versions", versions };
}

export function writeSupportedVersions(e: SupportedVersionsExtension, inClientHello: boolean): Uint8Array {
  const w = new TlsWriter();
  if (!inClientHello) return w.u16(e.versions[0] ?? 0).finish();
  w.u8(e.versions.length * 2);
  for (const v of e.versions) w.u16(v);
  return w.finish();
}
