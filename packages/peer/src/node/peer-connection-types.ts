import type { DtlsCertificate, DtlsVersion, KeyExchangeGroup } from "@tern/dtls-srtp";
import type { HostAddressOptions, IceConnectionState, IceGatheringState, IceServer } from "@tern/ice";
import type { Logger } from "pino";
import type { BandwidthEstimate, CongestionControlOptions } from "../machine/congestion-controller.js";
import type { PeerConnectionState } from "../machine/connection-state.js";
import type { SctpTuning } from "../machine/data-channels.js";
import type { SignalingState } from "../sdp/index.js";
import type { DataChannel } from "./data-channel.js";
import type { IceCandidateErrorInit } from "./ice-events.js";
import type { RemoteTrack } from "./media-track.js";
import type { PeerDataChannels } from "./peer-data-channels.js";
import type { Transceiver } from "./rtp-transceiver.js";

export type { PeerConnectionState } from "../machine/connection-state.js";
export type { IceCandidateInit } from "../sdp/index.js";
export type { IceCandidateErrorInit } from "./ice-events.js";
export type { Transceiver } from "./rtp-transceiver.js";

export interface PeerConnectionConfig {
  readonly iceServers?: readonly IceServer[];
  readonly iceTransportPolicy?: "all" | "relay";
  /** Tern always bundles everything on one transport ("max-bundle"); browsers' "balanced" offers are accepted. */
  readonly bundlePolicy?: "balanced" | "max-compat" | "max-bundle";
  /** Tern always multiplexes RTCP with RTP (RFC 5761): "require". */
  readonly rtcpMuxPolicy?: "require";
  /** Our DTLS certificates (the first is used); default: one self-signed ECDSA P-256 certificate per process. */
  readonly certificates?: readonly DtlsCertificate[];
  /** Local addresses to gather on (default: every interface, see `iceInterfaces`). */
  readonly iceAddresses?: readonly string[];
  readonly iceInterfaces?: HostAddressOptions;
  /** Resolve remote `.local` candidates (default true). */
  readonly mdns?: boolean;
  /** Our a=setup when answering the first actpass offer: "active" (default: we are the DTLS client) or "passive". */
  readonly answerSetup?: "active" | "passive";
  /** DTLS-SRTP profiles in preference order (RFC 5764 codes). */
  readonly srtpProfiles?: readonly number[];
  /** DTLS versions in preference order: ["1.3", "1.2"] (default), ["1.2"] or ["1.3"]. */
  readonly dtlsVersions?: readonly DtlsVersion[];
  /** DTLS key exchange groups in preference order (default X25519MLKEM768, x25519, secp256r1, secp384r1). */
  readonly dtlsGroups?: readonly KeyExchangeGroup[];
  /**
   * Pace outgoing media at this many bits per second (a token bucket with 5 ms bursts, over all tracks and
   * NACK repairs; RTCP is not paced), whatever congestion control estimates. Default: when transport-wide
   * CC is negotiated (Tern and browsers offer it), the estimate × the pacing factor (2.5); otherwise no
   * pacing — frames leave as soon as written.
   */
  readonly pacingBitrateBps?: number;
  /**
   * Congestion control's start, minimum and maximum bitrates (default 300 kbit/s, 30 kbit/s, 10 Mbit/s;
   * the senders' `maxBitrate`s, summed, lower the maximum) and pacing factor (2.5). `false`: no congestion
   * control — transport-wide CC is neither offered nor accepted, media leaves as written.
   */
  readonly congestionControl?: CongestionControlOptions | false;
  /** NSS key log lines (CLIENT_RANDOM …) for Wireshark. */
  readonly keyLog?: (line: string) => void;
  /** SCTP tuning for the data channels (window, send buffer, MTU, I-DATA, zero checksum; see @tern/sctp). */
  readonly sctp?: SctpTuning;
  readonly logger?: Logger;
}

/** A local candidate as the icecandidate event carries it (RTCIceCandidateInit with every field set). */
export interface LocalIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
}

export interface PeerConnectionEvents {
  icecandidate: [event: { candidate: LocalIceCandidate | null }];
  icecandidateerror: [event: IceCandidateErrorInit];
  track: [event: { track: RemoteTrack; transceiver: Transceiver; streams: readonly string[] }];
  connectionstatechange: [state: PeerConnectionState];
  iceconnectionstatechange: [state: IceConnectionState];
  icegatheringstatechange: [state: IceGatheringState];
  signalingstatechange: [state: SignalingState];
  negotiationneeded: [];
  /**
   * Congestion control's target bitrate changed (by 2 % or more): what all senders together should send,
   * and each sender's share (by mid; within its `maxBitrate`). Encode at it: frames that wait in the pacer
   * past 400 ms are dropped (and `keyframerequest` fires on the track).
   */
  bandwidthestimate: [estimate: BandwidthEstimate];
  /** The peer opened a data channel (DATA_CHANNEL_OPEN, RFC 8832); its `open` follows. */
  datachannel: [event: { channel: DataChannel }];
  /** A bug in Tern caught by a guard (the connection closed itself). Only emitted when listened to. */
  error: [error: Error];
}

/** W3C webrtc-pc errors are DOMExceptions named after the failure (InvalidStateError, OperationError, …). */
export function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

/** W3C webrtc-pc §11.1 RTCErrorDetailType, the values Tern raises. */
export type RTCErrorDetailType =
  | "sdp-syntax-error"
  | "data-channel-failure"
  | "dtls-failure"
  | "sctp-failure"
  | "hardware-encoder-error";

/** W3C webrtc-pc §11.1 RTCError: an OperationError with a detail (a bad SDP line, …). */
export class RTCError extends DOMException {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber: number | null;
  readonly sctpCauseCode: number | null = null;
  readonly receivedAlert: number | null = null;
  readonly sentAlert: number | null = null;
  readonly httpRequestStatusCode: number | null = null;

  constructor(init: { errorDetail: RTCErrorDetailType; sdpLineNumber?: number }, message = "") {
    super(message, "OperationError");
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
  }
}

/**
 * What the transport reads and writes on its peer connection: the transceivers, the public states and
 * timings, and the events (emitted there, in the order the transport sees them).
 */
export interface BundleTransportHost {
  readonly transceivers: readonly Transceiver[];
  connectionState: PeerConnectionState;
  iceConnectionState: IceConnectionState;
  iceGatheringState: IceGatheringState;
  readonly timings: { iceConnected?: number; dtlsConnected?: number };
  /** The mid candidates are signaled for (the first m= section of the BUNDLE group). */
  readonly transportMid: string | null;
  emit<K extends keyof PeerConnectionEvents>(event: K, ...args: PeerConnectionEvents[K]): boolean;
  /** A bug caught by the guard of a socket or timer callback: the connection closes. */
  internalError(error: unknown): void;
  /** The connection's data channels: their machine goes to the media session, their events out after each pump. */
  readonly dataChannels: PeerDataChannels;
}
