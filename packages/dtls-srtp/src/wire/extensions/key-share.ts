import { type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 8446 §4.2.8 key_share, parsed only to be ignored by a DTLS 1.2 endpoint (browsers send
 * X25519MLKEM768 and x25519 shares):
 *
 * ```
 * struct {
 *     NamedGroup group;
 *     opaque key_exchange<1..2^16-1>;
 * } KeyShareEntry;
 *
 * struct {
 *     KeyShareEntry client_shares<0..2^16-1>;
 * } KeyShareClientHello;
 * ```
 *
 * Outside a ClientHello the body is kept raw.
 */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

export interface KeyShareExtension {
  readonly type: "key_share";
  readonly clientShares: readonly KeyShareEntry[];
}

export function readKeyShare(r: TlsReader): KeyShareExtension {
  const list = r.subVec16();
  const clientShares: KeyShareEntry[] = [];
  while (!list.failed && list.remaining > 0) {
    const group = list.u16();
    const keyExchange = list.vec16().slice();
    if (keyExchange.length === 0) list.fail();
    clientShares.push({ group, keyExchange });
  }
  if (list.failed) r.fail();
  return { type: "key_share", clientShares };
}

export function writeKeyShare(e: KeyShareExtension): Uint8Array {
  const inner = new TlsWriter();
  for (const s of e.clientShares) inner.u16(s.group).vec16(s.keyExchange);
  return new TlsWriter().vec16(inner.finish()).finish();
}
