import type { DtlsCertificate, DtlsVersion, KeyExchangeGroup } from "@tern/dtls-srtp";
import type { HostAddressOptions, IceConnectionState, IceGatheringState, IceServer } from "@tern/ice";
import type { Logger } from "pino";
import type { PeerConnectionState } from "../machine/connection-state.js";
import type { Direction, SignalingState } from "../sdp/index.js";
import type { LocalTrack, RemoteTrack } from "./media-track.js";

export type { PeerConnectionState } from "../machine/connection-state.js";

export interface PeerConnectionConfig {
  readonly iceServers?: readonly IceServer[];
  readonly iceTransportPolicy?: "all" | "relay";
  /** Tern always bundles everything on one transport ("max-bundle"); browsers' "balanced" offers are accepted. */
  readonly bundlePolicy?: "max-bundle";
  /** Our DTLS certificates (the first is used); default: one self-signed ECDSA P-256 certificate per process. */
  readonly certificates?: readonly DtlsCertificate[];
  /** Local addresses to gather on (default: every interface, see `iceInterfaces`). */
  readonly iceAddresses?: readonly string[];
  readonly iceInterfaces?: HostAddressOptions;
  /** Resolve remote `.local` candidates (default true). */
  readonly mdns?: boolean;
  /** Our a=setup when answering an actpass offer: "active" (default: we are the DTLS client) or "passive". */
  readonly answerSetup?: "active" | "passive";
  /** DTLS-SRTP profiles in preference order (RFC 5764 codes). */
  readonly srtpProfiles?: readonly number[];
  /** DTLS versions in preference order: ["1.3", "1.2"] (default), ["1.2"] or ["1.3"]. */
  readonly dtlsVersions?: readonly DtlsVersion[];
  /** DTLS key exchange groups in preference order (default X25519MLKEM768, x25519, secp256r1, secp384r1). */
  readonly dtlsGroups?: readonly KeyExchangeGroup[];
  /**
   * Pace outgoing media to at most this many bits per second (a token bucket with 10 ms bursts, over all
   * tracks; NACK repairs and RTCP are not paced). Default: no pacing — frames leave as soon as written.
   */
  readonly pacingBitrateBps?: number;
  /** NSS key log lines (CLIENT_RANDOM …) for Wireshark. */
  readonly keyLog?: (line: string) => void;
  readonly logger?: Logger;
}

export interface IceCandidateInit {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

export interface Transceiver {
  readonly mid: string;
  readonly kind: "audio" | "video";
  direction: Direction;
  currentDirection: Direction | undefined;
  readonly sender: { track: LocalTrack | undefined; readonly ssrc: number; readonly rtxSsrc: number };
  readonly receiver: { readonly track: RemoteTrack };
  stopped: boolean;
}

export interface PeerConnectionEvents {
  icecandidate: [event: { candidate: IceCandidateInit | null }];
  icecandidateerror: [event: { url: string; errorText: string }];
  track: [event: { track: RemoteTrack; transceiver: Transceiver; streams: readonly string[] }];
  connectionstatechange: [state: PeerConnectionState];
  iceconnectionstatechange: [state: IceConnectionState];
  icegatheringstatechange: [state: IceGatheringState];
  signalingstatechange: [state: SignalingState];
  negotiationneeded: [];
}

/** W3C webrtc-pc errors are DOMExceptions named after the failure (InvalidStateError, OperationError, …). */
export function domError(name: string, message: string): Error {
  return new DOMException(message, name);
}
