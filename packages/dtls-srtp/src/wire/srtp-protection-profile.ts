/**
 * SRTP protection profiles negotiated by DTLS-SRTP's use_srtp extension: RFC 5764 §4.1.2 (the AES-CM
 * profiles) and RFC 7714 §14.2 (the AEAD profiles), with the transform parameters each one fixes.
 *
 * All lengths are in octets. `srtpAuthTagLength` and `srtcpAuthTagLength` differ only for
 * SRTP_AES128_CM_HMAC_SHA1_32, whose SRTCP tag stays 80 bits (RFC 5764 §4.1.2).
 */
export const SRTP_PROTECTION_PROFILES = {
  SRTP_AES128_CM_HMAC_SHA1_80: {
    code: 0x0001,
    transform: "aes-cm",
    cipherKeyLength: 16,
    cipherSaltLength: 14,
    authKeyLength: 20,
    srtpAuthTagLength: 10,
    srtcpAuthTagLength: 10,
  },
  SRTP_AES128_CM_HMAC_SHA1_32: {
    code: 0x0002,
    transform: "aes-cm",
    cipherKeyLength: 16,
    cipherSaltLength: 14,
    authKeyLength: 20,
    srtpAuthTagLength: 4,
    srtcpAuthTagLength: 10,
  },
  SRTP_AEAD_AES_128_GCM: {
    code: 0x0007,
    transform: "aes-gcm",
    cipherKeyLength: 16,
    cipherSaltLength: 12,
    authKeyLength: 0,
    srtpAuthTagLength: 16,
    srtcpAuthTagLength: 16,
  },
  SRTP_AEAD_AES_256_GCM: {
    code: 0x0008,
    transform: "aes-gcm",
    cipherKeyLength: 32,
    cipherSaltLength: 12,
    authKeyLength: 0,
    srtpAuthTagLength: 16,
    srtcpAuthTagLength: 16,
  },
} as const;

export type SrtpProfileName = keyof typeof SRTP_PROTECTION_PROFILES;
export type SrtpProfileParameters = (typeof SRTP_PROTECTION_PROFILES)[SrtpProfileName];

const byCode = new Map<number, SrtpProfileName>(
  (Object.keys(SRTP_PROTECTION_PROFILES) as SrtpProfileName[]).map((name) => [
    SRTP_PROTECTION_PROFILES[name].code,
    name,
  ]),
);

/** The profile a use_srtp code point names, or undefined for one we do not implement. */
export function srtpProfileByCode(code: number): SrtpProfileName | undefined {
  return byCode.get(code);
}

/**
 * Octets to ask the DTLS exporter for (label "EXTRACTOR-dtls_srtp", RFC 5764 §4.2): two master keys and
 * two master salts.
 */
export function keyingMaterialLength(profile: SrtpProfileName): number {
  const p = SRTP_PROTECTION_PROFILES[profile];
  return 2 * (p.cipherKeyLength + p.cipherSaltLength);
}

/** One direction's master key and master salt (RFC 3711 §3.2.1). */
export interface SrtpMasterKeys {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
}

/** `local` protects what we send, `remote` unprotects what we receive. */
export interface SrtpKeyPair {
  readonly local: SrtpMasterKeys;
  readonly remote: SrtpMasterKeys;
}

export type DtlsRole = "client" | "server";

/**
 * Splits exported keying material, laid out as client_write_SRTP_master_key | server_write_SRTP_master_key
 * | client_write_SRTP_master_salt | server_write_SRTP_master_salt (RFC 5764 §4.2), into our keys and the
 * peer's. The DTLS client sends with the client keys. Copies, so the caller may wipe `material`.
 * Throws a RangeError if the material has the wrong length (API misuse).
 */
export function splitKeyingMaterial(
  profile: SrtpProfileName,
  material: Uint8Array,
  role: DtlsRole,
): SrtpKeyPair {
  const { cipherKeyLength: k, cipherSaltLength: s } = SRTP_PROTECTION_PROFILES[profile];
  if (material.length !== 2 * (k + s)) {
    throw new RangeError(`${profile} needs ${2 * (k + s)} octets of keying material, got ${material.length}`);
  }
  const client: SrtpMasterKeys = {
    masterKey: material.slice(0, k),
    masterSalt: material.slice(2 * k, 2 * k + s),
  };
  const server: SrtpMasterKeys = {
    masterKey: material.slice(k, 2 * k),
    masterSalt: material.slice(2 * k + s, 2 * k + 2 * s),
  };
  return role === "client" ? { local: client, remote: server } : { local: server, remote: client };
}
