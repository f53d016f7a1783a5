import { createHash } from "node:crypto";
import type { PrfHash } from "../wire/cipher-suite.js";

/** Hash of the concatenated handshake messages (RFC 5246 §7.4.9 "Hash(handshake_messages)"). */
export function transcriptHash(hash: PrfHash, messages: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return new Uint8Array(h.digest());
}
