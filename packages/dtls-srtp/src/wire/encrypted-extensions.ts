import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { decodeExtensions, type Extension, encodeExtensions } from "./extensions/extension.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 8446 §4.3.1 EncryptedExtensions (use_srtp's answer, supported_groups, …):
 *
 * ```
 * struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
 * ```
 */
export interface EncryptedExtensions {
  readonly extensions: readonly Extension[];
}

export type EncryptedExtensionsDecodeError =
  | "truncated"
  | "trailing-bytes"
  | "bad-extensions-block"
  | "bad-extension"
  | "duplicate-extension";

export function decodeEncryptedExtensions(
  body: Uint8Array,
): Decoded<EncryptedExtensions, EncryptedExtensionsDecodeError> {
  const r = new TlsReader(body);
  const block = r.vec16();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  const exts = decodeExtensions(block, "encrypted_extensions", 2);
  return exts.ok ? decodeOk({ extensions: exts.value }) : exts;
}

export function encodeEncryptedExtensions(m: EncryptedExtensions): Uint8Array {
  return new TlsWriter().vec16(encodeExtensions(m.extensions, "encrypted_extensions")).finish();
}
