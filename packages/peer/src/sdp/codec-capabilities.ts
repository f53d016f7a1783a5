import type { RtcpFeedback } from "./session-description.js";

/**
 * What Tern sends and receives: codecs with their fmtp and RTCP feedback, RTX (RFC 4588) for video, and
 * RTP header extensions (RFC 8285). Offers use the payload types and extmap ids given here; answers keep
 * the offer's (RFC 8829 §5.3.1).
 */
export type RtpMediaKind = "audio" | "video";

export interface CodecCapability {
  readonly kind: RtpMediaKind;
  /** Encoding name as in rtpmap; compared case-insensitively. */
  readonly name: string;
  readonly clockRate: number;
  /** Audio channels (rtpmap encoding parameters); absent means 1. */
  readonly channels?: number;
  /** What an offer or answer states for it in `a=fmtp`. */
  readonly fmtp?: string;
  readonly rtcpFeedback: readonly RtcpFeedback[];
  /** Offer an RTX payload type for it and accept the peer's (when the peer offers one too). */
  readonly rtx: boolean;
  /** The payload type offers use. */
  readonly payloadType: number;
  /** The RTX payload type offers use (when `rtx`). */
  readonly rtxPayloadType?: number;
}

export interface HeaderExtensionCapability {
  readonly uri: string;
  readonly kinds: readonly RtpMediaKind[];
  /** The extmap id offers use (1..14: one-byte form, RFC 8285 §4.2). */
  readonly id: number;
}

export interface LocalCapabilities {
  readonly codecs: readonly CodecCapability[];
  readonly headerExtensions: readonly HeaderExtensionCapability[];
}

/** Header extension URIs Tern implements. */
export const RTP_HEADER_EXTENSION = {
  /** RFC 8843 §15.1 (BUNDLE demultiplexing by mid). */
  sdesMid: "urn:ietf:params:rtp-hdrext:sdes:mid",
  /** Absolute send time (webrtc.org experiment, used by REMB). */
  absSendTime: "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  /** Transport-wide sequence numbers (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
  transportWideCc: "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
} as const;

/** RFC 4585 §4.2 / RFC 5104 §7.1 / draft-alvestrand-rmcat-remb / transport-cc feedback types. */
export const VIDEO_RTCP_FEEDBACK: readonly RtcpFeedback[] = [
  { type: "goog-remb" },
  { type: "transport-cc" },
  { type: "ccm", parameter: "fir" },
  { type: "nack" },
  { type: "nack", parameter: "pli" },
];

export const DEFAULT_CODECS: readonly CodecCapability[] = [
  {
    kind: "audio",
    name: "opus",
    clockRate: 48000,
    channels: 2,
    fmtp: "minptime=10;useinbandfec=1",
    // NACK for audio (libwebrtc honours it when negotiated; browsers do not offer it, so it is used between
    // Tern peers): a data channel's SCTP fills a loopback socket buffer until it drops, and an audio packet
    // among the drops was lost for good (`pnpm demo --data` reported DAMAGED audio 1 run in 5).
    rtcpFeedback: [{ type: "transport-cc" }, { type: "nack" }],
    rtx: false,
    payloadType: 111,
  },
  {
    kind: "video",
    name: "VP8",
    clockRate: 90000,
    rtcpFeedback: VIDEO_RTCP_FEEDBACK,
    rtx: true,
    payloadType: 96,
    rtxPayloadType: 97,
  },
  {
    kind: "video",
    name: "H264",
    clockRate: 90000,
    fmtp: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    rtcpFeedback: VIDEO_RTCP_FEEDBACK,
    rtx: true,
    payloadType: 102,
    rtxPayloadType: 103,
  },
];

export const DEFAULT_HEADER_EXTENSIONS: readonly HeaderExtensionCapability[] = [
  { uri: RTP_HEADER_EXTENSION.absSendTime, kinds: ["audio", "video"], id: 2 },
  { uri: RTP_HEADER_EXTENSION.transportWideCc, kinds: ["audio", "video"], id: 3 },
  { uri: RTP_HEADER_EXTENSION.sdesMid, kinds: ["audio", "video"], id: 4 },
];

export const DEFAULT_CAPABILITIES: LocalCapabilities = {
  codecs: DEFAULT_CODECS,
  headerExtensions: DEFAULT_HEADER_EXTENSIONS,
};

export function isRtpMediaKind(kind: string): kind is RtpMediaKind {
  return kind === "audio" || kind === "video";
}
