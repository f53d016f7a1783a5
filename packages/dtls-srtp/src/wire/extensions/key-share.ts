import { type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 8446 §4.2.8 key_share, in its three forms:
 *
 * ```
 * struct {
 *     NamedGroup group;
 *     opaque key_exchange<1..2^16-1>;
 * } KeyShareEntry;
 *
 * struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 * struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 * struct { KeyShareEntry server_share; } KeyShareServerHello;
 * ```
 *
 * Shares of unknown groups are kept (the server skips them, RFC 8446 §4.2.8).
 */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

export type KeyShareExtension =
  | {
      readonly type: "key_share";
      readonly form: "client_hello";
      readonly clientShares: readonly KeyShareEntry[];
    }
  | { readonly type: "key_share"; readonly form: "server_hello"; readonly serverShare: KeyShareEntry }
  | { readonly type: "key_share"; readonly form: "hello_retry_request"; readonly selectedGroup: number };

function readEntry(r: TlsReader): KeyShareEntry {
  const group = r.u16();
  const keyExchange = r.vec16().slice();
  if (keyExchange.length === 0) r.fail();
  return { group, keyExchange };
}

export function readKeyShare(r: TlsReader, form: KeyShareExtension["form"]): KeyShareExtension {
  if (form === "hello_retry_request") return { type: "key_share", form, selectedGroup: r.u16() };
  if (form === "server_hello") return { type: "key_share", form, serverShare: readEntry(r) };
  const list = r.subVec16();
  const clientShares: KeyShareEntry[] = [];
  while (!list.failed && list.remaining > 0) clientShares.push(readEntry(list));
  if (list.failed) r.fail();
  return { type: "key_share", form, clientShares };
}

export function writeKeyShare(e: KeyShareExtension): Uint8Array {
  if (e.form === "hello_retry_request") return new TlsWriter().u16(e.selectedGroup).finish();
  if (e.form === "server_hello")
    return new TlsWriter().u16(e.serverShare.group).vec16(e.serverShare.keyExchange).finish();
  const inner = new TlsWriter();
  for (const s of e.clientShares) inner.u16(s.group).vec16(s.keyExchange);
  return new TlsWriter().vec16(inner.finish()).finish();
}
