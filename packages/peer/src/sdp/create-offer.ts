import { UsageError } from "@tern/ice";
import { DEFAULT_CAPABILITIES, isRtpMediaKind, type LocalCapabilities } from "./codec-capabilities.js";
import { isRtx, offerExtmaps, offerPayloads } from "./codec-negotiation.js";
import { dataSection, type LocalDataSection, type LocalSctp, rejectedDataSection } from "./data-section.js";
import {
  checkLocalSender,
  checkLocalTransport,
  type LocalTransceiver,
  type LocalTransport,
  PLACEHOLDER_CONNECTION,
  senderFields,
  transportFields,
} from "./jsep-transceiver.js";
import { sends } from "./media-direction.js";
import { emptyMediaSection, type MediaSection, type SessionDescription } from "./session-description.js";
import { type LocalSession, nextOrigin } from "./session-origin.js";

/**
 * An m= line no transceiver owns any more (its transceiver was stopped and removed, or the remote offered
 * a kind we do not take): written rejected, with its mid, until a new transceiver recycles it (§5.2.2).
 */
export interface LocalRejectedLine {
  readonly kind: "rejected";
  readonly mid: string;
  readonly media: string;
  readonly protocol: string;
  readonly formats: readonly string[];
}

/** What the connection tracks between offers. */
export interface OfferState {
  readonly session: LocalSession;
  /**
   * In m= line order; a transceiver keeps its m= line once offered (RFC 8829 §5.2.2). The data channel
   * m= section (RFC 8841), when there is one, is an entry of kind "application".
   */
  readonly transceivers: readonly (LocalTransceiver | LocalDataSection | LocalRejectedLine)[];
}

export interface OfferOptions {
  readonly transport: LocalTransport;
  readonly capabilities?: LocalCapabilities;
  /** Our SCTP port and max-message-size for a data m= section (default 5000 / 262144). */
  readonly sctp?: LocalSctp;
  /** Header extension ids the session already uses, by URI: kept (RFC 8829 §5.2.2). */
  readonly extmapIds?: ReadonlyMap<string, number>;
}

/** RFC 8843 §5 / RFC 8829 §5.1.1: the RTP/SAVPF profile over DTLS-SRTP. */
export const RTP_PROTOCOL = "UDP/TLS/RTP/SAVPF";

const MID = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]{1,32}$/;

/** `a=rtcp:9 IN IP4 0.0.0.0`, which JSEP writes for endpoints that do not read rtcp-mux (RFC 8829 §5.2.1). */
export const RTCP_PLACEHOLDER = { name: "rtcp", value: "9 IN IP4 0.0.0.0" } as const;

/**
 * RFC 8829 §5.2.1 (initial) and §5.2.2 (subsequent) offers, for bundle policy max-bundle: every m= line
 * carries the same transport (our ICE credentials, fingerprints and candidates) and is in one
 * `a=group:BUNDLE`; `a=setup:actpass`, rtcp-mux and rtcp-rsize, `a=ice-options:trickle`; one m= line per
 * transceiver with its mid, direction, codecs (our payload types, RTX after each video codec), header
 * extensions and, when it sends, msid and ssrc lines (with an FID group for RTX); and the data channel
 * m= section (RFC 8841) where the state holds one.
 * Pure: the origin comes from `state.session`, every random value is in the inputs.
 * Throws `UsageError` on a malformed state (duplicate mids, payload type clashes, bad credentials).
 */
export function createOffer(state: OfferState, options: OfferOptions): SessionDescription {
  const capabilities = options.capabilities ?? DEFAULT_CAPABILITIES;
  checkLocalTransport(options.transport);
  const mids = new Set<string>();
  for (const t of state.transceivers) {
    if (!MID.test(t.mid) || mids.has(t.mid)) throw new UsageError(`bad or duplicate mid ${t.mid}`);
    mids.add(t.mid);
    if (t.kind === "application" || t.kind === "rejected") continue;
    if (!isRtpMediaKind(t.kind))
      throw new UsageError(`transceiver kind must be audio, video or application, not ${t.kind}`);
    if (t.sender !== undefined) checkLocalSender(t.sender);
  }
  const media = state.transceivers.map((t) => {
    if (t.kind === "rejected") {
      return {
        ...emptyMediaSection(t.media, 0, t.protocol),
        formats: t.formats,
        connection: PLACEHOLDER_CONNECTION,
        mid: t.mid,
      };
    }
    if (t.kind === "application") {
      return t.stopped === true
        ? rejectedDataSection(t.mid)
        : dataSection(t.mid, options.transport, "actpass", options.sctp);
    }
    return offerSection(t, options, capabilities);
  });
  const bundled = media.filter((m) => m.port !== 0 || m.bundleOnly).map((m) => m.mid as string);
  return {
    origin: nextOrigin(state.session),
    name: "-",
    timing: { start: 0, stop: 0 },
    bandwidth: [],
    groups: bundled.length === 0 ? [] : [{ semantics: "BUNDLE", mids: bundled }],
    msidSemantic: { semantic: "WMS", tokens: ["*"] },
    iceLite: options.transport.iceLite === true,
    iceOptions: [],
    fingerprints: [],
    extmaps: [],
    attributes: [],
    media,
  };
}

function offerSection(
  t: LocalTransceiver,
  options: OfferOptions,
  capabilities: LocalCapabilities,
): MediaSection {
  const codecs = t.codecs ?? capabilities.codecs.filter((c) => c.kind === t.kind);
  const payloads = offerPayloads(codecs);
  const pts = payloads.map((p) => p.payloadType);
  if (pts.length === 0) throw new UsageError(`no codecs to offer for mid ${t.mid}`);
  if (new Set(pts).size !== pts.length || !pts.every((pt) => Number.isInteger(pt) && pt >= 0 && pt <= 127)) {
    throw new UsageError(`payload types clash or are out of range for mid ${t.mid}`);
  }
  const extmaps = offerExtmaps(t.kind, capabilities.headerExtensions, options.extmapIds);
  if (new Set(extmaps.map((e) => e.id)).size !== extmaps.length) throw new UsageError("extmap ids clash");
  const base = {
    ...emptyMediaSection(t.kind, 0, RTP_PROTOCOL),
    formats: pts.map(String),
    mid: t.mid,
    payloads,
  };
  if (t.stopped === true) {
    return { ...base, connection: PLACEHOLDER_CONNECTION, direction: "inactive" };
  }
  const sending = t.sender !== undefined && sends(t.direction);
  return {
    ...base,
    ...transportFields(options.transport, "actpass"),
    direction: t.direction,
    rtcpMux: true,
    rtcpRsize: true,
    extmaps,
    ...(sending && t.sender !== undefined ? senderFields(t.sender, payloads.some(isRtx)) : {}),
    attributes: [RTCP_PLACEHOLDER],
  };
}
