/**
 * SDP and JSEP for @tern/peer: the typed session description model (RFC 8866, RFC 8829), parsing and
 * writing through sdp-transform, offer/answer generation and negotiation as pure functions, the
 * extraction helpers a peer connection applies descriptions with, and the signaling state reducer.
 */
export {
  type CodecCapability,
  DEFAULT_CAPABILITIES,
  DEFAULT_CODECS,
  DEFAULT_HEADER_EXTENSIONS,
  type HeaderExtensionCapability,
  isRtpMediaKind,
  type LocalCapabilities,
  RTP_HEADER_EXTENSION,
  type RtpMediaKind,
  VIDEO_RTCP_FEEDBACK,
} from "./codec-capabilities.js";
export {
  answerExtmaps,
  answerFmtp,
  answerPayloads,
  codecMatches,
  extmapIdsOf,
  intersectFeedback,
  isRtx,
  offerExtmaps,
  offerPayloads,
} from "./codec-negotiation.js";
export {
  type AnswerOptions,
  type AnswerTransceiver,
  createAnswer,
  type RejectReason,
} from "./create-answer.js";
export {
  createOffer,
  type LocalRejectedLine,
  type OfferOptions,
  type OfferState,
  RTP_PROTOCOL,
} from "./create-offer.js";
export {
  DATACHANNEL_FORMAT,
  DEFAULT_LOCAL_SCTP,
  DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  dataSection,
  isDataSection,
  isLegacyDataSection,
  LOCAL_MAX_MESSAGE_SIZE,
  type LocalDataSection,
  type LocalSctp,
  type NegotiatedDataSection,
  negotiatedDataSection,
  rejectedDataSection,
  SCTP_PROTOCOL,
} from "./data-section.js";
export { answerSetup, type DtlsRole, dtlsRoleFor } from "./dtls-setup.js";
export {
  formatFormatParameters,
  MAX_FORMAT_PARAMETERS,
  parseFormatParameters,
  rtxAssociatedPayloadType,
} from "./format-parameters.js";
export {
  answerH264Level,
  DEFAULT_PROFILE_LEVEL_ID,
  formatH264ProfileLevelId,
  type H264Profile,
  type H264ProfileLevelId,
  parseH264ProfileLevelId,
} from "./h264-profile-level-id.js";
export type { LocalSender, LocalTransceiver, LocalTransport } from "./jsep-transceiver.js";
export { withLocalCandidates } from "./local-candidates.js";
export { layoutOffer, type MLineSlot, nextMid, type OfferLayout, type OfferLine } from "./m-line-layout.js";
export {
  answerDirection,
  directionOf,
  intersectDirection,
  receives,
  reverseDirection,
  sends,
} from "./media-direction.js";
export {
  effectiveDirection,
  type NegotiatedCodec,
  type NegotiatedMedia,
  negotiatedMedia,
  type RemoteStream,
  remoteStreams,
} from "./negotiated-media.js";
export type { NegotiationError, NegotiationErrorCode, NegotiationResult } from "./negotiation-error.js";
export {
  checkRemoteCandidate,
  type IceCandidateInit,
  type RemoteCandidateCheck,
  type RemoteCandidateTarget,
  remoteCandidateTarget,
} from "./remote-candidate-check.js";
export { SDP_LIMITS, type SdpParseErrorCode, type SdpParseResult } from "./sdp-parse-error.js";
export {
  type Attribute,
  type Bandwidth,
  type BandwidthType,
  type Connection,
  DIRECTIONS,
  type Direction,
  type Extmap,
  type Fingerprint,
  type Group,
  isRtpProtocol,
  type MediaSection,
  type Msid,
  type MsidSemantic,
  type Origin,
  type RtcpFeedback,
  type RtpMap,
  type RtpPayload,
  type SdpType,
  SETUPS,
  type SessionDescription,
  type Setup,
  type SsrcAttribute,
  type SsrcGroup,
} from "./session-description.js";
export { parseSessionDescription } from "./session-description-parse.js";
export { writeSessionDescription } from "./session-description-write.js";
export { createSessionId, type LocalSession, nextOrigin, type RandomBytes } from "./session-origin.js";
export {
  INITIAL_JSEP_STATE,
  type JsepAction,
  type JsepError,
  type JsepErrorName,
  type JsepResult,
  type JsepState,
  jsepTransition,
  type SessionDescriptionInit,
  type SignalingState,
} from "./signaling-state.js";
export {
  bundleGroupOf,
  effectiveFingerprints,
  effectiveIceCredentials,
  effectiveSetup,
  isRejected,
  type RemoteTransport,
  remoteTransport,
  transportSectionIndex,
} from "./transport-parameters.js";
