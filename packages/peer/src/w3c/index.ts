/**
 * The browser's names (W3C webrtc-pc, mediacapture-main) on Tern, from one entry point, so that code
 * written for the browser runs with a one-line import:
 *
 * ```ts
 * import * as wrtc from "@tern/peer/w3c"; // { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate, … }
 * ```
 * `MediaStreamTrack` is Tern's `LocalTrack` (frames you write) / `RemoteTrack` (frames you get).
 */
export { CodecMismatchError } from "../node/codec-mismatch-error.js";
export { LocalTrack, RemoteTrack } from "../node/media-track.js";
export { RTCError, type RTCErrorDetailType } from "../node/peer-connection-types.js";
export { MediaStream, MediaStreamTrackEvent } from "./media-stream.js";
export { generateCertificate, RTCCertificate, type RTCDtlsFingerprint } from "./rtc-certificate.js";
export {
  RTCDataChannel,
  type RTCDataChannelBinaryType,
  RTCDataChannelEvent,
  type RTCDataChannelInit,
  RTCErrorEvent,
} from "./rtc-data-channel.js";
export { RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent, RTCTrackEvent } from "./rtc-events.js";
export { RTCIceCandidate, type RTCIceCandidateInit, type RTCIceCandidateType } from "./rtc-ice-candidate.js";
export {
  RTC_PEER_CONNECTION_EVENTS,
  type RTCConfiguration,
  RTCPeerConnection,
  type RTCRtpTransceiverInit,
} from "./rtc-peer-connection.js";
export {
  type RTCRtpEncodingParameters,
  type RTCRtpReceiveParameters,
  RTCRtpReceiver,
  RTCRtpSender,
  type RTCRtpSendParameters,
  RTCRtpTransceiver,
} from "./rtc-rtp-transceiver.js";
export { RTCSctpTransport } from "./rtc-sctp-transport.js";
export { RTCSessionDescription, type RTCSessionDescriptionInit } from "./rtc-session-description.js";
