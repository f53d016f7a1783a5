import { type Decoded, decodeFail, decodeOk } from "../decoded.js";
import { TlsReader, TlsWriter } from "../presentation-language.js";
import { ExtensionType } from "../tls-parameters.js";
import { type CookieExtension, readCookie, writeCookie } from "./cookie.js";
import { type EcPointFormatsExtension, readEcPointFormats, writeEcPointFormats } from "./ec-point-formats.js";
import { EXTENDED_MASTER_SECRET, type ExtendedMasterSecretExtension } from "./extended-master-secret.js";
import { type KeyShareExtension, readKeyShare, writeKeyShare } from "./key-share.js";
import {
  type RenegotiationInfoExtension,
  readRenegotiationInfo,
  writeRenegotiationInfo,
} from "./renegotiation-info.js";
import {
  readSignatureAlgorithms,
  type SignatureAlgorithmsExtension,
  writeSignatureAlgorithms,
} from "./signature-algorithms.js";
import {
  readSupportedGroups,
  type SupportedGroupsExtension,
  writeSupportedGroups,
} from "./supported-groups.js";
import {
  readSupportedVersions,
  type SupportedVersionsExtension,
  writeSupportedVersions,
} from "./supported-versions.js";
import { readUseSrtp, type UseSrtpExtension, writeUseSrtp } from "./use-srtp.js";

/**
 * RFC 5246 §7.4.1.4 Hello extensions:
 *
 * ```
 * struct {
 *     ExtensionType extension_type;
 *     opaque extension_data<0..2^16-1>;
 * } Extension;
 * ```
 *
 * Known extensions are decoded into fields; every other one is kept raw, in order, as
 * `{ type: "unknown", code, data }`.
 */
export interface UnknownExtension {
  readonly type: "unknown";
  readonly code: number;
  readonly data: Uint8Array;
}

export type Extension =
  | SupportedGroupsExtension
  | EcPointFormatsExtension
  | SignatureAlgorithmsExtension
  | UseSrtpExtension
  | ExtendedMasterSecretExtension
  | RenegotiationInfoExtension
  | SupportedVersionsExtension
  | KeyShareExtension
  | CookieExtension
  | UnknownExtension;

/**
 * Where an extension block sits: some extensions have a different body there (RFC 8446 §4.2):
 * supported_versions is a list only in a ClientHello, key_share has three forms, EncryptedExtensions and
 * CertificateRequest read like a ServerHello (key_share never appears there).
 */
export type ExtensionContext =
  | "client_hello"
  | "server_hello"
  | "hello_retry_request"
  | "encrypted_extensions";

export type ExtensionsDecodeError = "bad-extensions-block" | "bad-extension" | "duplicate-extension";

function readOne(code: number, data: Uint8Array, context: ExtensionContext): Extension | undefined {
  const r = new TlsReader(data);
  let ext: Extension;
  switch (code) {
    case ExtensionType.supported_groups:
      ext = readSupportedGroups(r);
      break;
    case ExtensionType.ec_point_formats:
      ext = readEcPointFormats(r);
      break;
    case ExtensionType.signature_algorithms:
      ext = readSignatureAlgorithms(r);
      break;
    case ExtensionType.use_srtp:
      ext = readUseSrtp(r);
      break;
    case ExtensionType.extended_master_secret:
      ext = EXTENDED_MASTER_SECRET;
      break;
    case ExtensionType.renegotiation_info:
      ext = readRenegotiationInfo(r);
      break;
    case ExtensionType.supported_versions:
      ext = readSupportedVersions(r, context === "client_hello");
      break;
    case ExtensionType.key_share:
      if (context === "encrypted_extensions") return { type: "unknown", code, data: data.slice() };
      ext = readKeyShare(r, context);
      break;
    case ExtensionType.cookie:
      ext = readCookie(r);
      break;
    default:
      return { type: "unknown", code, data: data.slice() };
  }
  return r.failed || !r.atEnd ? undefined : ext;
}

/** Decodes an extension block's contents (after its uint16 length). */
export function decodeExtensions(
  block: Uint8Array,
  context: ExtensionContext,
  baseOffset = 0,
): Decoded<Extension[], ExtensionsDecodeError> {
  const r = new TlsReader(block);
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!r.atEnd) {
    const at = r.pos;
    const code = r.u16();
    const data = r.vec16();
    if (r.failed) return decodeFail("bad-extensions-block", baseOffset + at);
    // RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the same type."
    if (seen.has(code)) return decodeFail("duplicate-extension", baseOffset + at);
    seen.add(code);
    const ext = readOne(code, data, context);
    if (ext === undefined) return decodeFail("bad-extension", baseOffset + at);
    out.push(ext);
  }
  return decodeOk(out);
}

export function extensionCode(e: Extension): number {
  return e.type === "unknown" ? e.code : ExtensionType[e.type];
}

function writeData(e: Extension, context: ExtensionContext): Uint8Array {
  switch (e.type) {
    case "supported_groups":
      return writeSupportedGroups(e);
    case "ec_point_formats":
      return writeEcPointFormats(e);
    case "signature_algorithms":
      return writeSignatureAlgorithms(e);
    case "use_srtp":
      return writeUseSrtp(e);
    case "extended_master_secret":
      return new Uint8Array(0);
    case "renegotiation_info":
      return writeRenegotiationInfo(e);
    case "supported_versions":
      return writeSupportedVersions(e, context === "client_hello");
    case "key_share":
      return writeKeyShare(e);
    case "cookie":
      return writeCookie(e);
    case "unknown":
      return e.data;
  }
}

/** Encodes an extension block's contents (without its uint16 length). */
export function encodeExtensions(exts: readonly Extension[], context: ExtensionContext): Uint8Array {
  const w = new TlsWriter();
  for (const e of exts) w.u16(extensionCode(e)).vec16(writeData(e, context));
  return w.finish();
}

/** The first extension of a type, typed. */
export function findExtension<T extends Extension["type"]>(
  exts: readonly Extension[],
  type: T,
): Extract<Extension, { type: T }> | undefined {
  return exts.find((e): e is Extract<Extension, { type: T }> => e.type === type);
}
