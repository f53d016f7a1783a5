import type { Decoded } from "@tern/ice";

/**
 * Why an SDP text was refused. Parsing untrusted SDP never throws: it returns
 * `{ ok: false, error: { code, at } }` with `at` the character offset of the offending line.
 */
export type SdpParseErrorCode =
  | "not-a-string"
  | "too-long"
  | "line-too-long"
  | "too-many-lines"
  | "too-many-media"
  | "too-many-payload-types"
  | "too-many-candidates"
  | "bad-line"
  | "bad-version"
  | "missing-origin"
  | "bad-origin"
  | "bad-timing"
  | "bad-connection"
  | "bad-media-line"
  | "bad-port"
  | "bad-payload-type"
  | "duplicate-payload-type"
  | "bad-attribute"
  | "bad-rtpmap"
  | "duplicate-rtpmap"
  | "bad-fmtp"
  | "duplicate-fmtp"
  | "bad-rtcp-fb"
  | "bad-extmap"
  | "duplicate-extmap-id"
  | "bad-ssrc"
  | "bad-ssrc-group"
  | "bad-msid"
  | "bad-msid-semantic"
  | "bad-group"
  | "bad-mid"
  | "duplicate-mid"
  | "bad-setup"
  | "bad-fingerprint"
  | "bad-ice-ufrag"
  | "bad-ice-pwd"
  | "bad-ice-options"
  | "bad-candidate"
  | "bad-sctp-port"
  | "bad-max-message-size"
  | "internal";

export type SdpParseResult<T> = Decoded<T, SdpParseErrorCode>;

/** Bounds on untrusted SDP (a browser offer with 3 m-lines is ~6 KiB, ~150 lines). */
export const SDP_LIMITS = {
  /** Characters in the whole description. */
  maxLength: 128 * 1024,
  /** Characters in one line (an fmtp with H.264 parameter sets is the longest real one, < 1 KiB). */
  maxLineLength: 4096,
  maxLines: 4096,
  maxMediaSections: 64,
  /** Payload types on one m= line (7-bit space). */
  maxPayloadTypes: 128,
  /** `a=candidate` lines in the whole description. */
  maxCandidates: 256,
} as const;
