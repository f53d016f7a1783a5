import { createCipheriv } from "node:crypto";
import { SRTP_PROTECTION_PROFILES, type SrtpProfileName } from "../wire/srtp-protection-profile.js";

/**
 * SRTP key derivation, RFC 3711 §4.3 with the AES-CM PRF (§4.3.3), key_derivation_rate = 0 (the only
 * rate DTLS-SRTP uses, RFC 5764 §4.1.2), so the session keys are derived once per master key.
 *
 * RFC 7714 §11 uses the same PRF for the AEAD profiles with a 96-bit master salt: as libsrtp does, the
 * salt is placed in the leading 96 bits of the 112-bit PRF input, and AES_256_GCM derives with AES-256.
 */

/** RFC 3711 §4.3.1 labels; SRTCP's are §4.3.2. */
export const SRTP_KDF_LABEL = {
  srtpEncryption: 0x00,
  srtpAuthentication: 0x01,
  srtpSalt: 0x02,
  srtcpEncryption: 0x03,
  srtcpAuthentication: 0x04,
  srtcpSalt: 0x05,
} as const;

/** Session keys for one of SRTP or SRTCP, one direction. `authKey` is empty for the AEAD profiles. */
export interface SrtpSessionKeys {
  readonly cipherKey: Uint8Array;
  readonly cipherSalt: Uint8Array;
  readonly authKey: Uint8Array;
}

export interface SrtpDerivedKeys {
  readonly srtp: SrtpSessionKeys;
  readonly srtcp: SrtpSessionKeys;
}

/**
 * PRF_n(k_master, x) of RFC 3711 §4.3.3: AES-CM keystream under the master key with IV = x * 2^16,
 * x = (label || index DIV kdr) XOR master_salt, truncated to `length` octets.
 */
export function srtpKdf(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  if (masterSalt.length > 14) throw new RangeError("SRTP master salt is at most 112 bits");
  const blocks = Math.ceil(length / 16);
  const input = new Uint8Array(blocks * 16);
  for (let j = 0; j < blocks; j++) {
    const at = j * 16;
    input.set(masterSalt, at);
    // label sits in octet 7 of the 14-octet x (followed by the 48-bit index DIV kdr = 0)
    input[at + 7]! ^= label;
    input[at + 14] = j >>> 8;
    input[at + 15] = j & 0xff;
  }
  const cipher = createCipheriv(`aes-${masterKey.length * 8}-ecb`, masterKey, null);
  cipher.setAutoPadding(false);
  const keystream = cipher.update(input);
  return Uint8Array.prototype.slice.call(keystream, 0, length);
}

/** Derives the SRTP and SRTCP session keys of one direction (RFC 3711 §4.3.1–4.3.2). */
export function deriveSrtpSessionKeys(
  profile: SrtpProfileName,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
): SrtpDerivedKeys {
  const p = SRTP_PROTECTION_PROFILES[profile];
  if (masterKey.length !== p.cipherKeyLength || masterSalt.length !== p.cipherSaltLength) {
    throw new RangeError(
      `${profile} needs a ${p.cipherKeyLength}-octet key and a ${p.cipherSaltLength}-octet salt`,
    );
  }
  const derive = (label: number, length: number): Uint8Array =>
    length === 0 ? new Uint8Array(0) : srtpKdf(masterKey, masterSalt, label, length);
  return {
    srtp: {
      cipherKey: derive(SRTP_KDF_LABEL.srtpEncryption, p.cipherKeyLength),
      authKey: derive(SRTP_KDF_LABEL.srtpAuthentication, p.authKeyLength),
      cipherSalt: derive(SRTP_KDF_LABEL.srtpSalt, p.cipherSaltLength),
    },
    srtcp: {
      cipherKey: derive(SRTP_KDF_LABEL.srtcpEncryption, p.cipherKeyLength),
      authKey: derive(SRTP_KDF_LABEL.srtcpAuthentication, p.authKeyLength),
      cipherSalt: derive(SRTP_KDF_LABEL.srtcpSalt, p.cipherSaltLength),
    },
  };
}
