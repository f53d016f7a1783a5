import { SRTP_PROTECTION_PROFILES, type SrtpProfileName } from "../wire/srtp-protection-profile.js";
import { AesCmTransform } from "./srtp-aes-cm.js";
import { AesGcmTransform } from "./srtp-aes-gcm.js";
import type { SrtpDerivedKeys } from "./srtp-key-derivation.js";

/**
 * One direction's packet transform (RFC 3711 §3.3 / §3.4 steps after index determination), keyed with that
 * direction's session keys. Stateless about indices: the caller (the SRTP context) determines the ROC and
 * SRTCP index, checks replay, and commits state only after a successful `unprotect*`.
 *
 * Inputs are trusted to be bounded by the caller (header length within the packet, packet at least one
 * header plus the trailer). Outputs are fresh views the caller may keep.
 */
export interface SrtpTransform<Stream = unknown> {
  readonly srtpTagLength: number;
  /** Octets SRTCP appends: the E||SRTCP-index word and the tag. */
  readonly srtcpTrailerLength: number;
  /** Per-SSRC state the transform may use to speed up a stream of packets (AES-CM keystream window). */
  createRtpStream(ssrc: number): Stream;
  protectRtp(
    rtp: Uint8Array,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    stream: Stream,
  ): Uint8Array;
  /** The RTP packet, or undefined if the tag does not verify. */
  unprotectRtp(
    srtp: Uint8Array,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    stream: Stream,
  ): Uint8Array | undefined;
  protectRtcp(rtcp: Uint8Array, ssrc: number, index: number, encrypt: boolean): Uint8Array;
  /** Where the E||SRTCP-index word is in an SRTCP packet of `length` octets. */
  esrtcpOffset(length: number): number;
  /** The RTCP compound packet, or undefined if the tag does not verify. */
  unprotectRtcp(srtcp: Uint8Array, ssrc: number, index: number, encrypted: boolean): Uint8Array | undefined;
}

export function createSrtpTransform(profile: SrtpProfileName, keys: SrtpDerivedKeys): SrtpTransform {
  const p = SRTP_PROTECTION_PROFILES[profile];
  return p.transform === "aes-cm"
    ? new AesCmTransform(keys, p.srtpAuthTagLength, p.srtcpAuthTagLength)
    : new AesGcmTransform(keys);
}
