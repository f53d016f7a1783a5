import { readU16List, type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 5764 §4.1.1 use_srtp extension:
 *
 * ```
 * uint8 SRTPProtectionProfile[2];
 *
 * struct {
 *    SRTPProtectionProfiles SRTPProtectionProfiles;
 *    opaque srtp_mki<0..255>;
 * } UseSRTPData;
 *
 * SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>;
 * ```
 *
 * The client lists profiles in preference order; the server answers with exactly one.
 */
export interface UseSrtpExtension {
  readonly type: "use_srtp";
  readonly profiles: readonly number[];
  readonly mki: Uint8Array;
}

/**
 * IANA "DTLS-SRTP Protection Profiles" (RFC 5764 §4.1.2, RFC 7714 §14.2), with the master key/salt lengths
 * that size the exported keying material (RFC 5764 §4.2: 2 × (key + salt)).
 */
export const SrtpProtectionProfile = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
  SRTP_NULL_HMAC_SHA1_80: 0x0005,
  SRTP_NULL_HMAC_SHA1_32: 0x0006,
  SRTP_AEAD_AES_128_GCM: 0x0007,
  SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;
export type SrtpProtectionProfileName = keyof typeof SrtpProtectionProfile;

const lengths: Readonly<Record<number, { readonly keyLength: number; readonly saltLength: number }>> = {
  1: { keyLength: 16, saltLength: 14 },
  2: { keyLength: 16, saltLength: 14 },
  5: { keyLength: 16, saltLength: 14 },
  6: { keyLength: 16, saltLength: 14 },
  7: { keyLength: 16, saltLength: 12 },
  8: { keyLength: 32, saltLength: 12 },
};

/** Master key and salt lengths of a profile, or undefined when unknown. */
export function srtpProfileKeyLengths(
  profile: number,
): { keyLength: number; saltLength: number } | undefined {
  return lengths[profile];
}

/** Bytes to export with "EXTRACTOR-dtls_srtp" for a profile (RFC 5764 §4.2). */
export function srtpKeyingMaterialLength(profile: number): number | undefined {
  const l = lengths[profile];
  return l === undefined ? undefined : 2 * (l.keyLength + l.saltLength);
}

export function srtpProfileName(profile: number): string {
  for (const [name, v] of Object.entries(SrtpProtectionProfile)) if (v === profile) return name;
  return `SRTP_0x${profile.toString(16).padStart(4, "0")}`;
}

export function readUseSrtp(r: TlsReader): UseSrtpExtension {
  const profiles = readU16List(r.subVec16());
  if (profiles.length === 0) r.fail();
  const mki = r.vec8().slice();
  return { type: "use_srtp", profiles, mki };
}

export function writeUseSrtp(e: UseSrtpExtension): Uint8Array {
  return new TlsWriter().u16List16(e.profiles).vec8(e.mki).finish();
}
