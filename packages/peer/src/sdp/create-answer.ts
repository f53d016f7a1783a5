import {
  type CodecCapability,
  DEFAULT_CAPABILITIES,
  isRtpMediaKind,
  type LocalCapabilities,
  type RtpMediaKind,
} from "./codec-capabilities.js";
import { answerExtmaps, answerPayloads, isRtx } from "./codec-negotiation.js";
import { RTCP_PLACEHOLDER } from "./create-offer.js";
import {
  DEFAULT_LOCAL_SCTP,
  dataSection,
  isDataSection,
  isLegacyDataSection,
  type LocalSctp,
} from "./data-section.js";
import { answerSetup } from "./dtls-setup.js";
import {
  checkLocalSender,
  checkLocalTransport,
  type LocalSender,
  type LocalTransport,
  PLACEHOLDER_CONNECTION,
  senderFields,
  transportFields,
} from "./jsep-transceiver.js";
import { answerDirection, sends } from "./media-direction.js";
import { type NegotiationResult, negotiationFail, negotiationOk } from "./negotiation-error.js";
import {
  type Direction,
  emptyMediaSection,
  type MediaSection,
  type RtpPayload,
  type SessionDescription,
} from "./session-description.js";
import { type LocalSession, nextOrigin } from "./session-origin.js";
import { bundleGroupOf, effectiveSetup, isRejected, remoteTransport } from "./transport-parameters.js";

/** The local transceiver associated with an offered m= section (by mid). */
export interface AnswerTransceiver {
  readonly mid: string;
  readonly direction: Direction;
  readonly sender?: LocalSender;
  /** Restrict the codecs for this m= section (default: the capabilities' codecs). */
  readonly codecs?: readonly CodecCapability[];
  readonly stopped?: boolean;
}

export interface AnswerOptions {
  readonly session: LocalSession;
  readonly transport: LocalTransport;
  /** Our `a=setup` when the offer says actpass (RFC 8842 §5.3): active (default, we are the DTLS client). */
  readonly setup?: "active" | "passive";
  readonly capabilities?: LocalCapabilities;
  readonly transceivers?: readonly AnswerTransceiver[];
  /** The direction wanted for an offered m= section no transceiver names (default sendrecv). */
  readonly defaultDirection?: Direction;
  /**
   * Our SCTP parameters for an offered data channel m= section (RFC 8841), which is accepted with them
   * (default sctp-port 5000, max-message-size 262144); false rejects it.
   */
  readonly sctp?: LocalSctp | false;
}

/** Why an offered m= section is answered with port 0. */
export type RejectReason =
  | "offer-rejected"
  | "unsupported-kind"
  | "unsupported-protocol"
  | "no-rtcp-mux"
  | "no-common-codec"
  | "not-bundled"
  | "stopped"
  | "legacy-sctp";

/** RFC 5764 §8 / RFC 8843 §5: the DTLS-SRTP RTP profiles we answer (with the offer's spelling). */
const SRTP_PROTOCOL = /^((UDP\/TLS|TCP\/DTLS)\/)?RTP\/SAVPF?$/;

type Decision =
  | { readonly accept: true; readonly kind: RtpMediaKind; readonly payloads: RtpPayload[] }
  | { readonly accept: true; readonly kind: "application"; readonly sctp: LocalSctp }
  | { readonly accept: false; readonly reason: RejectReason };

/**
 * RFC 8829 §5.3.1: the answer to a remote offer, over one transport. For each offered m= section in
 * order: audio/video over DTLS-SRTP with rtcp-mux and at least one common codec is accepted (offered
 * payload types and extmap ids kept, codecs/RTX/rtcp-fb/extmaps intersected, direction answered per
 * §5.3.1); the first data channel m= section (RFC 8841 `UDP/DTLS/SCTP webrtc-datachannel`) is accepted
 * with our sctp-port and max-message-size (the offer's other attributes, such as Chromium's trial
 * `a=sctp-init`, are never echoed); anything else — the legacy `DTLS/SCTP` form, unknown media, m=
 * sections the offer rejected, no common codec — is rejected with port 0 and only its mid. Bundle policies balanced and max-compat are accepted: the
 * answer bundles the accepted mids of the offer's BUNDLE group onto one transport (without a BUNDLE
 * group only the first accepted m= section is kept). `a=setup:active` unless `setup` says passive.
 * Fails (a value) when an m= section has no mid or the transport lacks ICE credentials or a fingerprint.
 * Throws `UsageError` on a malformed local transport or sender.
 */
export function createAnswer(
  remoteOffer: SessionDescription,
  local: AnswerOptions,
): NegotiationResult<SessionDescription> {
  checkLocalTransport(local.transport);
  for (const t of local.transceivers ?? []) if (t.sender !== undefined) checkLocalSender(t.sender);
  const capabilities = local.capabilities ?? DEFAULT_CAPABILITIES;
  const group = bundleGroupOf(remoteOffer);
  const decisions: Decision[] = [];
  for (const section of remoteOffer.media) {
    if (section.mid === undefined) return negotiationFail("missing-mid", "every m= section needs a=mid");
    const dataTaken = decisions.some((d) => d.accept && d.kind === "application");
    decisions.push(decide(section, local, capabilities, dataTaken));
  }
  // One transport: the offer's BUNDLE group, or (without one) the first accepted m= section alone.
  let owner: string | undefined;
  for (const [i, section] of remoteOffer.media.entries()) {
    const d = decisions[i];
    if (d === undefined || !d.accept) continue;
    const inGroup = group === undefined ? owner === undefined : group.mids.includes(section.mid ?? "");
    if (!inGroup) decisions[i] = { accept: false, reason: "not-bundled" };
    else owner ??= section.mid;
  }
  if (group !== undefined) owner = group.mids.find((mid) => acceptedMid(remoteOffer, decisions, mid));

  let setup: "active" | "passive" = local.setup ?? "active";
  if (owner !== undefined) {
    const transport = remoteTransport(remoteOffer, owner);
    if (!transport.ok) return transport;
    const ownerSection = remoteOffer.media.find((s) => s.mid === owner);
    const answered = answerSetup(ownerSection && effectiveSetup(remoteOffer, ownerSection), local.setup);
    if (!answered.ok) return answered;
    setup = answered.value;
  }

  const media = remoteOffer.media.map((section, i) => {
    const d = decisions[i];
    if (d?.accept !== true) return rejectedSection(section);
    if (d.kind === "application") return dataSection(section.mid ?? "", local.transport, setup, d.sctp);
    return acceptedSection(remoteOffer, section, d, local, capabilities, setup);
  });
  const bundled = (group?.mids ?? []).filter((mid) => acceptedMid(remoteOffer, decisions, mid));
  return negotiationOk({
    origin: nextOrigin(local.session),
    name: "-",
    timing: { start: 0, stop: 0 },
    bandwidth: [],
    groups: bundled.length === 0 ? [] : [{ semantics: "BUNDLE", mids: bundled }],
    msidSemantic: { semantic: "WMS", tokens: ["*"] },
    iceLite: local.transport.iceLite === true,
    iceOptions: [],
    fingerprints: [],
    extmaps: [],
    attributes: [],
    media,
  });
}

function acceptedMid(offer: SessionDescription, decisions: readonly Decision[], mid: string): boolean {
  const i = offer.media.findIndex((s) => s.mid === mid);
  return decisions[i]?.accept === true;
}

function decide(
  section: MediaSection,
  local: AnswerOptions,
  capabilities: LocalCapabilities,
  dataTaken: boolean,
): Decision {
  const kind = section.kind;
  if (isRejected(section)) return { accept: false, reason: "offer-rejected" };
  if (isLegacyDataSection(section)) return { accept: false, reason: "legacy-sctp" };
  if (isDataSection(section)) {
    const sctp = local.sctp ?? DEFAULT_LOCAL_SCTP;
    if (sctp === false || dataTaken) return { accept: false, reason: "unsupported-kind" };
    return { accept: true, kind: "application", sctp };
  }
  if (!isRtpMediaKind(kind)) return { accept: false, reason: "unsupported-kind" };
  if (!SRTP_PROTOCOL.test(section.protocol)) return { accept: false, reason: "unsupported-protocol" };
  if (!section.rtcpMux) return { accept: false, reason: "no-rtcp-mux" };
  const transceiver = local.transceivers?.find((t) => t.mid === section.mid);
  if (transceiver?.stopped === true) return { accept: false, reason: "stopped" };
  const payloads = answerPayloads(section, transceiver?.codecs ?? capabilities.codecs);
  if (!payloads.some((p) => !isRtx(p))) return { accept: false, reason: "no-common-codec" };
  return { accept: true, kind, payloads };
}

function acceptedSection(
  offer: SessionDescription,
  section: MediaSection,
  { kind, payloads }: { readonly kind: RtpMediaKind; readonly payloads: RtpPayload[] },
  local: AnswerOptions,
  capabilities: LocalCapabilities,
  setup: "active" | "passive",
): MediaSection {
  const transceiver = local.transceivers?.find((t) => t.mid === section.mid);
  const desired = transceiver?.direction ?? local.defaultDirection ?? "sendrecv";
  const direction = answerDirection(section.direction ?? offer.direction ?? "sendrecv", desired);
  const sender = transceiver?.sender;
  return {
    ...emptyMediaSection(kind, 0, section.protocol),
    formats: payloads.map((p) => String(p.payloadType)),
    payloads,
    ...transportFields(local.transport, setup),
    ...(section.mid === undefined ? {} : { mid: section.mid }),
    direction,
    rtcpMux: true,
    rtcpRsize: section.rtcpRsize,
    extmaps: answerExtmaps([...section.extmaps, ...offer.extmaps], kind, capabilities.headerExtensions),
    ...(sender !== undefined && sends(direction) ? senderFields(sender, payloads.some(isRtx)) : {}),
    attributes: [RTCP_PLACEHOLDER],
  };
}

/** RFC 8829 §5.3.1: port 0, the offered formats, and only a=mid. */
function rejectedSection(section: MediaSection): MediaSection {
  return {
    ...emptyMediaSection(section.kind, 0, section.protocol),
    formats: section.formats,
    payloads: section.payloads.map((p) => ({ payloadType: p.payloadType, rtcpFeedback: [] })),
    connection: PLACEHOLDER_CONNECTION,
    ...(section.mid === undefined ? {} : { mid: section.mid }),
  };
}
