import type { ClientHello } from "../wire/client-hello.js";
import { findExtension } from "../wire/extensions/extension.js";
import { ProtocolVersion } from "../wire/tls-parameters.js";

/** The DTLS versions Tern speaks, in the names the options use. */
export type DtlsVersion = "1.3" | "1.2";

export const DTLS_VERSION_CODES: Readonly<Record<DtlsVersion, number>> = {
  "1.3": ProtocolVersion.DTLS1_3,
  "1.2": ProtocolVersion.DTLS1_2,
};

/**
 * RFC 8446 §4.1.3: the last 8 bytes of a server random when a server that speaks 1.3 settles on 1.2
 * ("DOWNGRD" then 01). A client that offered 1.3 and sees it aborts (illegal_parameter).
 */
export const DOWNGRADE_SENTINEL_12 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01);

export function hasDowngradeSentinel(serverRandom: Uint8Array): boolean {
  if (serverRandom.length !== 32) return false;
  for (let i = 0; i < 8; i++) if (serverRandom[24 + i] !== DOWNGRADE_SENTINEL_12[i]) return false;
  return true;
}

/**
 * RFC 8446 §4.2.1 (RFC 9147 §5.3): with supported_versions the client's list alone counts (legacy_version
 * is ignored, unknown and GREASE values are skipped); without it, legacy client_version is the highest
 * version the client speaks (DTLS counts down: 0xfefd is 1.2, 0xfeff 1.0). The server's preference is
 * `enabled`'s order. Undefined: no version in common (protocol_version alert).
 */
export function negotiateVersion(ch: ClientHello, enabled: readonly DtlsVersion[]): DtlsVersion | undefined {
  const offered = findExtension(ch.extensions, "supported_versions")?.versions;
  if (offered !== undefined) return enabled.find((v) => offered.includes(DTLS_VERSION_CODES[v]));
  const legacyOk = ch.clientVersion <= ProtocolVersion.DTLS1_2 && ch.clientVersion >= 0xfe00;
  return legacyOk && enabled.includes("1.2") ? "1.2" : undefined;
}
