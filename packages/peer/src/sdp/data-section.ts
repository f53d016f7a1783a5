import type { LocalTransport } from "./jsep-transceiver.js";
import { PLACEHOLDER_CONNECTION, transportFields } from "./jsep-transceiver.js";
import { emptyMediaSection, type MediaSection, type SessionDescription } from "./session-description.js";
import { isRejected } from "./transport-parameters.js";

/**
 * The data channel m= section (RFC 8841 SCTP over DTLS in SDP, RFC 8827/8831 WebRTC data channels):
 * `m=application 9 UDP/DTLS/SCTP webrtc-datachannel` with `a=sctp-port` and `a=max-message-size`.
 * The legacy form (`DTLS/SCTP` with the SCTP port as the format and `a=sctpmap`, draft-ietf-mmusic-sctp-sdp-05)
 * is parsed like any m= section and rejected when answered.
 */

/** RFC 8841 §4.1: SCTP over DTLS over UDP (ICE). */
export const SCTP_PROTOCOL = "UDP/DTLS/SCTP";
/** RFC 8841 §4.3 / RFC 8832: the one format of a data channel m= section. */
export const DATACHANNEL_FORMAT = "webrtc-datachannel";
/** RFC 8841 §5.1: the SCTP port when `a=sctp-port` is absent; also ours. */
export const DEFAULT_SCTP_PORT = 5000;
/** RFC 8841 §6.1: the remote's limit when `a=max-message-size` is absent (64 KiB). */
export const DEFAULT_REMOTE_MAX_MESSAGE_SIZE = 65536;
/** What we write in `a=max-message-size` (Chromium's value: 256 KiB). */
export const LOCAL_MAX_MESSAGE_SIZE = 262144;

/** Our SCTP parameters for a data m= section. */
export interface LocalSctp {
  readonly sctpPort: number;
  readonly maxMessageSize: number;
}

export const DEFAULT_LOCAL_SCTP: LocalSctp = {
  sctpPort: DEFAULT_SCTP_PORT,
  maxMessageSize: LOCAL_MAX_MESSAGE_SIZE,
};

/** The data m= section a local offer carries (after the media sections, or alone). */
export interface LocalDataSection {
  readonly kind: "application";
  readonly mid: string;
  /** A stopped (closed) data section is written with port 0 (RFC 8829 §5.2.2). */
  readonly stopped?: boolean;
}

/** What an offer/answer exchange settled for the data section, from one side's point of view. */
export interface NegotiatedDataSection {
  readonly mid: string;
  /** The peer's SCTP port (RFC 8841 §5: 5000 when absent). */
  readonly remoteSctpPort: number;
  /** The largest message the peer accepts (RFC 8841 §6: 65536 when absent, 0 for no limit). */
  readonly remoteMaxMessageSize: number;
}

/** A data channel m= section in the current form (RFC 8841 §4): `UDP/DTLS/SCTP webrtc-datachannel`. */
export function isDataSection(section: MediaSection): boolean {
  return (
    section.kind === "application" &&
    section.protocol === SCTP_PROTOCOL &&
    section.formats.length === 1 &&
    section.formats[0] === DATACHANNEL_FORMAT
  );
}

/** The pre-RFC form (`DTLS/SCTP <port>` + `a=sctpmap`): parsed, never accepted. */
export function isLegacyDataSection(section: MediaSection): boolean {
  return (
    section.kind === "application" && /(^|\/)DTLS\/SCTP$/.test(section.protocol) && !isDataSection(section)
  );
}

/** Our data m= section in an offer or an answer: the bundle transport, mid, sctp-port, max-message-size. */
export function dataSection(
  mid: string,
  transport: LocalTransport,
  setup: "actpass" | "active" | "passive",
  sctp: LocalSctp = DEFAULT_LOCAL_SCTP,
): MediaSection {
  return {
    ...emptyMediaSection("application", 0, SCTP_PROTOCOL),
    formats: [DATACHANNEL_FORMAT],
    ...transportFields(transport, setup),
    mid,
    sctpPort: sctp.sctpPort,
    maxMessageSize: sctp.maxMessageSize,
  };
}

/** A rejected or stopped data m= section: port 0, the format, and only a=mid. */
export function rejectedDataSection(mid: string): MediaSection {
  return {
    ...emptyMediaSection("application", 0, SCTP_PROTOCOL),
    formats: [DATACHANNEL_FORMAT],
    connection: PLACEHOLDER_CONNECTION,
    mid,
  };
}

/**
 * The data section both descriptions accepted, if any: the first offered `UDP/DTLS/SCTP` m= section whose
 * answer has a non-zero port (or is bundle-only), with the remote side's SCTP parameters.
 */
export function negotiatedDataSection(
  local: SessionDescription,
  remote: SessionDescription,
  localType: "offer" | "answer",
): NegotiatedDataSection | undefined {
  const offer = localType === "offer" ? local : remote;
  const answer = localType === "offer" ? remote : local;
  for (const [i, o] of offer.media.entries()) {
    const a = answer.media[i];
    const r = remote.media[i];
    if (a === undefined || r === undefined || o.mid === undefined || a.mid !== o.mid) continue;
    if (!isDataSection(o) || !isDataSection(a) || isRejected(o) || a.port === 0) continue;
    return {
      mid: o.mid,
      remoteSctpPort: r.sctpPort ?? DEFAULT_SCTP_PORT,
      remoteMaxMessageSize: r.maxMessageSize ?? DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
    };
  }
  return undefined;
}
