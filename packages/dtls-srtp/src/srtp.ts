/** SRTP and SRTCP (RFC 3711, RFC 7714) for DTLS-SRTP (RFC 5764): the public surface of this half of the package. */

export {
  deriveSrtpSessionKeys,
  SRTP_KDF_LABEL,
  type SrtpDerivedKeys,
  type SrtpSessionKeys,
  srtpKdf,
} from "./crypto/srtp-key-derivation.js";
export { MAX_REPLAY_INDEX, type ReplayCheck, ReplayWindow } from "./machine/replay-window.js";
export {
  SrtpContext,
  type SrtpContextOptions,
  type SrtpDropReason,
  type SrtpSessionKeyPair,
  type SrtpUnprotectError,
  SrtpUsageError,
  type Unprotected,
} from "./machine/srtp-context.js";
export { estimateIndex, SRTCP_INDEX_LIMIT, SRTP_INDEX_LIMIT } from "./machine/srtp-rollover.js";
export {
  type DtlsRole,
  keyingMaterialLength,
  SRTP_PROTECTION_PROFILES,
  type SrtpKeyPair,
  type SrtpMasterKeys,
  type SrtpProfileName,
  type SrtpProfileParameters,
  splitKeyingMaterial,
  srtpProfileByCode,
} from "./wire/srtp-protection-profile.js";
export type { SrtpMalformed, SrtpMalformedCode } from "./wire/srtp-rtp-header.js";
