/**
 * The typed JSEP model of one SDP session description (RFC 8866 §5, as used by RFC 8829 §5).
 *
 * It is what `parseSessionDescription` returns and what `writeSessionDescription` takes. It keeps the
 * levels as written (an attribute at session level stays there); `transport-parameters.ts` and
 * `negotiated-media.ts` compute the effective values (media level overrides session level).
 *
 * Attributes the model does not name are kept verbatim in `attributes`, in order, so a description
 * re-written from the model keeps them (`a=rtcp`, `a=extmap-allow-mixed`, `a=sctpmap`, `a=rid`, …).
 */

/** RFC 8866 §6.7 media direction attributes. */
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

export const DIRECTIONS: readonly Direction[] = ["sendrecv", "sendonly", "recvonly", "inactive"];

/** RFC 4145 §4 `a=setup` roles (RFC 8842 §5 for DTLS). */
export type Setup = "actpass" | "active" | "passive" | "holdconn";

export const SETUPS: readonly Setup[] = ["actpass", "active", "passive", "holdconn"];

/** RFC 8866 §5.2 `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`. */
export interface Origin {
  readonly username: string;
  /** Decimal digits (up to 20: browsers use 63/64-bit ids, beyond a JS number). */
  readonly sessionId: string;
  /** A safe integer; RFC 8829 §5.2.2: incremented on each new local description. */
  readonly sessionVersion: number;
  readonly netType: string;
  readonly addressType: "IP4" | "IP6";
  readonly address: string;
}

/** RFC 8866 §5.7 `c=IN IP4 0.0.0.0`. */
export interface Connection {
  readonly addressType: "IP4" | "IP6";
  readonly address: string;
}

/** RFC 8866 §5.8 `b=<bwtype>:<bandwidth>`, for the types sdp-transform reads (others are dropped). */
export type BandwidthType = "AS" | "CT" | "TIAS" | "RR" | "RS";

export const BANDWIDTH_TYPES: readonly BandwidthType[] = ["AS", "CT", "TIAS", "RR", "RS"];

export interface Bandwidth {
  readonly type: BandwidthType;
  readonly limit: number;
}

/** RFC 8122 §5 `a=fingerprint:sha-256 AB:CD:…`: algorithm lowercase, value uppercase hex with colons. */
export interface Fingerprint {
  readonly algorithm: string;
  readonly value: string;
}

/** RFC 5888 §5 `a=group:BUNDLE 0 1 2`. */
export interface Group {
  readonly semantics: string;
  readonly mids: readonly string[];
}

/** RFC 8830 §3 (draft form kept by browsers) `a=msid-semantic: WMS <ids or *>`. */
export interface MsidSemantic {
  readonly semantic: string;
  readonly tokens: readonly string[];
}

/** Any other `a=` line, verbatim: `a=<name>` or `a=<name>:<value>`. */
export interface Attribute {
  readonly name: string;
  readonly value?: string;
}

/** RFC 4585 §4.2 `a=rtcp-fb:<pt> <type> [<parameter>]` (`trr-int` keeps its value as the parameter). */
export interface RtcpFeedback {
  readonly type: string;
  readonly parameter?: string;
}

/** RFC 8866 §6.6 `a=rtpmap:<pt> <name>/<clock rate>[/<channels>]`. */
export interface RtpMap {
  readonly name: string;
  readonly clockRate: number;
  /** As written: `opus/48000/2` gives 2, `PCMU/8000` gives undefined (one channel). */
  readonly channels?: number;
}

/** One payload type of an RTP m-line with its rtpmap, fmtp and rtcp-fb lines. */
export interface RtpPayload {
  readonly payloadType: number;
  /** Absent for a static payload type listed without an rtpmap. */
  readonly rtpMap?: RtpMap;
  /** RFC 8866 §6.15 `a=fmtp:<pt> <format specific parameters>`, verbatim. */
  readonly fmtp?: string;
  readonly rtcpFeedback: readonly RtcpFeedback[];
}

/** RFC 8285 §8 `a=extmap:<id>[/<direction>] <uri> [<attributes>]`. */
export interface Extmap {
  /** 1..255. */
  readonly id: number;
  readonly uri: string;
  readonly direction?: Direction;
  /** RFC 6904 `urn:ietf:params:rtp-hdrext:encrypt` before the URI. */
  readonly encrypted?: boolean;
  readonly attributes?: string;
}

/** RFC 5576 §4.1 `a=ssrc:<ssrc> <attribute>[:<value>]`. */
export interface SsrcAttribute {
  readonly ssrc: number;
  readonly attribute: string;
  readonly value?: string;
}

/** RFC 5576 §4.2 `a=ssrc-group:FID <primary> <rtx>`. */
export interface SsrcGroup {
  readonly semantics: string;
  readonly ssrcs: readonly number[];
}

/** RFC 8830 §2 `a=msid:<stream id> [<track id>]` (`-` is "no stream"). */
export interface Msid {
  readonly streamId: string;
  readonly trackId?: string;
}

/** One m= section (RFC 8866 §5.14) with its attributes. */
export interface MediaSection {
  /** The m= `<media>` token: "audio", "video", "application", or any other token verbatim. */
  readonly kind: string;
  /** 0 = rejected (RFC 3264 §6) or bundle-only (RFC 8843 §6). */
  readonly port: number;
  /** "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", … */
  readonly protocol: string;
  /** The m= `<fmt>` list verbatim: payload types for RTP, "webrtc-datachannel" for SCTP. */
  readonly formats: readonly string[];
  readonly connection?: Connection;
  readonly bandwidth: readonly Bandwidth[];
  /** RFC 8843 §9.1 (identification tag). */
  readonly mid?: string;
  readonly direction?: Direction;
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly iceOptions: readonly string[];
  /** `a=candidate:` lines kept as strings ("candidate:…", RFC 8839 §5.1), validated when extracted. */
  readonly candidates: readonly string[];
  readonly endOfCandidates: boolean;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: Setup;
  readonly rtcpMux: boolean;
  readonly rtcpRsize: boolean;
  readonly bundleOnly: boolean;
  /** One per payload type of the m= line, in m= line order (empty for non-RTP protocols). */
  readonly payloads: readonly RtpPayload[];
  /** `a=rtcp-fb:* …`: feedback for every payload type. */
  readonly rtcpFeedbackAll: readonly RtcpFeedback[];
  readonly extmaps: readonly Extmap[];
  readonly msids: readonly Msid[];
  readonly ssrcs: readonly SsrcAttribute[];
  readonly ssrcGroups: readonly SsrcGroup[];
  /** RFC 8841 §5 `a=sctp-port:<port>` (the SCTP port of a data m= section). */
  readonly sctpPort?: number;
  /** RFC 8841 §6 `a=max-message-size:<bytes>` (0: no limit). */
  readonly maxMessageSize?: number;
  /** Every other attribute line, verbatim, in order. */
  readonly attributes: readonly Attribute[];
}

/** A whole session description (RFC 8866 §5). */
export interface SessionDescription {
  readonly origin: Origin;
  /** `s=` (JSEP writes "-"). */
  readonly name: string;
  /** `t=<start> <stop>` (JSEP writes 0 0). */
  readonly timing: { readonly start: number; readonly stop: number };
  readonly connection?: Connection;
  readonly bandwidth: readonly Bandwidth[];
  readonly groups: readonly Group[];
  readonly msidSemantic?: MsidSemantic;
  /** RFC 8839 §5.3 `a=ice-lite` (session level only). */
  readonly iceLite: boolean;
  readonly iceUfrag?: string;
  readonly icePwd?: string;
  readonly iceOptions: readonly string[];
  readonly fingerprints: readonly Fingerprint[];
  readonly setup?: Setup;
  readonly direction?: Direction;
  /** Session-level `a=extmap` (RFC 8285 §8 allows it). */
  readonly extmaps: readonly Extmap[];
  readonly attributes: readonly Attribute[];
  readonly media: readonly MediaSection[];
}

/** The `type` of an RTCSessionDescription (W3C webrtc-pc §4.6.1). */
export type SdpType = "offer" | "pranswer" | "answer" | "rollback";

/** Whether an m= line carries RTP (so its formats are payload types): RFC 8866 §5.14 `RTP/…` protocols. */
export function isRtpProtocol(protocol: string): boolean {
  return /(^|\/)RTP\//.test(protocol);
}

/** An empty media section of the given kind, for builders (offer/answer) to spread over. */
export function emptyMediaSection(kind: string, port: number, protocol: string): MediaSection {
  return {
    kind,
    port,
    protocol,
    formats: [],
    bandwidth: [],
    iceOptions: [],
    candidates: [],
    endOfCandidates: false,
    fingerprints: [],
    rtcpMux: false,
    rtcpRsize: false,
    bundleOnly: false,
    payloads: [],
    rtcpFeedbackAll: [],
    extmaps: [],
    msids: [],
    ssrcs: [],
    ssrcGroups: [],
    attributes: [],
  };
}
