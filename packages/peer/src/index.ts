export { peerConnectionState, type TransportStates } from "./machine/connection-state.js";
export {
  MediaSession,
  type MediaSessionEvent,
  type MediaSessionOptions,
  type ReceiveTemplate,
} from "./machine/media-session.js";
export { type MediaCodecName, mediaCodecName } from "./machine/payload-formats.js";
export { RtpReceiver, type RtpReceiverConfig } from "./machine/rtp-receiver.js";
export { RtpSender, type RtpSenderConfig } from "./machine/rtp-sender.js";
export { type LocalStream, planStreams, type StreamPlan } from "./machine/stream-plan.js";
export { type EncodedFrame, LocalTrack, RemoteTrack } from "./node/media-track.js";
export {
  type IceCandidateInit,
  PeerConnection,
  type PeerConnectionConfig,
  type PeerConnectionEvents,
  type PeerConnectionState,
  type Transceiver,
} from "./node/peer-connection.js";
export type { StatsEntry, StatsReport } from "./node/peer-stats.js";
export * from "./sdp/index.js";
export {
  ConnectionWorkers,
  type ConnectionWorkersEvents,
  type ConnectionWorkersOptions,
} from "./workers/connection-workers.js";
export { type ConnectionHandler, serveConnections } from "./workers/serve-connections.js";
export { SignalingPort, type SignalingPortEvents } from "./workers/signaling-port.js";
