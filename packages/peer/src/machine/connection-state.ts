import type { IceConnectionState } from "@tern/ice";

export type PeerConnectionState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";

export interface TransportStates {
  readonly ice: IceConnectionState;
  readonly dtlsStarted: boolean;
  readonly dtlsConnected: boolean;
  readonly dtlsFailed: boolean;
  readonly dtlsClosed: boolean;
}

/** W3C webrtc-pc §4.3.3: the RTCPeerConnectionState from the ICE and DTLS transports' states. */
export function peerConnectionState(t: TransportStates): PeerConnectionState {
  if (t.ice === "failed" || t.dtlsFailed) return "failed";
  if (t.ice === "disconnected") return "disconnected";
  if (t.dtlsClosed) return "closed";
  if ((t.ice === "connected" || t.ice === "completed") && t.dtlsConnected) return "connected";
  if (t.ice === "new" && !t.dtlsStarted) return "new";
  return "connecting";
}
