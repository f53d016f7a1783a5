export {
  BandwidthEstimator,
  type BandwidthEstimatorCounters,
  type BandwidthEstimatorOptions,
  type ProbeCluster,
} from "./machine/bandwidth-estimator.js";
export {
  type BandwidthEstimate,
  CongestionController,
  type CongestionControlOptions,
  type CongestionOutput,
  type PacedSendSide,
} from "./machine/congestion-controller.js";
export { peerConnectionState, type TransportStates } from "./machine/connection-state.js";
export { DataChannelUsageError, type DataChannelUsageErrorCode } from "./machine/data-channel-error.js";
export {
  type DataChannelInit as DataChannelMachineInit,
  DataChannelState,
  DataChannels,
  type DataChannelsEvent,
  type DataChannelsOptions,
  type SctpTransportParameters,
  type SctpTransportState,
  type SctpTuning,
} from "./machine/data-channels.js";
export {
  MediaSession,
  type MediaSessionEvent,
  type MediaSessionOptions,
  type ReceiveTemplate,
} from "./machine/media-session.js";
export {
  type PacedClass,
  type PacedOutput,
  type PacedPacket,
  PacedSender,
  type PacedSenderOptions,
} from "./machine/paced-sender.js";
export { type MediaCodecName, mediaCodecName } from "./machine/payload-formats.js";
export { RtpReceiver, type RtpReceiverConfig } from "./machine/rtp-receiver.js";
export { RtpSender, type RtpSenderConfig } from "./machine/rtp-sender.js";
export { type LocalStream, planStreams, type StreamPlan } from "./machine/stream-plan.js";
export { CodecMismatchError } from "./node/codec-mismatch-error.js";
export {
  type BlobLike,
  DataChannel,
  type DataChannelEvents,
  type DataChannelInit,
  type DataChannelMessageData,
  type DataChannelPriority,
  type DataChannelReadyState,
} from "./node/data-channel.js";
export type { IceCandidateErrorInit } from "./node/ice-events.js";
export {
  type EncodedFrame,
  LocalTrack,
  type MediaStreamTrackLike,
  type MediaStreamTrackState,
  RemoteTrack,
} from "./node/media-track.js";
export {
  type IceCandidateInit,
  PeerConnection,
  type PeerConnectionConfig,
  type PeerConnectionEvents,
  type PeerConnectionState,
  type Transceiver,
} from "./node/peer-connection.js";
export { RTCError, type RTCErrorDetailType } from "./node/peer-connection-types.js";
export type { StatsEntry, StatsReport } from "./node/peer-stats.js";
export type { SenderParameters, TransceiverDirection } from "./node/rtp-transceiver.js";
export {
  SctpTransport,
  type SctpTransportEvents,
  type SctpTransportStateName,
} from "./node/sctp-transport.js";
export { type RtpCapabilities, type RtpCodec, rtpCapabilities } from "./node/transceiver-checks.js";
export * from "./sdp/index.js";
export * from "./w3c/index.js";
export {
  ConnectionWorkers,
  type ConnectionWorkersEvents,
  type ConnectionWorkersOptions,
} from "./workers/connection-workers.js";
export { type ConnectionHandler, serveConnections } from "./workers/serve-connections.js";
export { SignalingPort, type SignalingPortEvents } from "./workers/signaling-port.js";
