import { parseCandidate } from "@tern/ice";
import type { IceCandidateInit } from "../sdp/index.js";

export type RTCIceCandidateInit = IceCandidateInit;
export type RTCIceCandidateType = "host" | "srflx" | "prflx" | "relay";

/**
 * W3C webrtc-pc §4.8.1 RTCIceCandidate: the init's fields, and the candidate line's parsed into
 * foundation, component, priority, address, protocol, port, type, tcpType, relatedAddress and relatedPort
 * (null when the line does not parse, RFC 8839 §5.1). `usernameFragment` defaults to the line's `ufrag`.
 */
export class RTCIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
  readonly foundation: string | null = null;
  readonly component: "rtp" | "rtcp" | null = null;
  readonly priority: number | null = null;
  readonly address: string | null = null;
  readonly protocol: "udp" | "tcp" | null = null;
  readonly port: number | null = null;
  readonly type: RTCIceCandidateType | null = null;
  readonly tcpType: "active" | "passive" | "so" | null = null;
  readonly relatedAddress: string | null = null;
  readonly relatedPort: number | null = null;
  readonly relayProtocol: "udp" | "tcp" | "tls" | null = null;
  readonly url: string | null = null;

  constructor(init: RTCIceCandidateInit = {}) {
    const sdpMid = init.sdpMid ?? null;
    const sdpMLineIndex = init.sdpMLineIndex ?? null;
    if (sdpMid === null && sdpMLineIndex === null)
      throw new TypeError("sdpMid and sdpMLineIndex are both null");
    this.candidate = init.candidate ?? "";
    this.sdpMid = sdpMid;
    this.sdpMLineIndex = sdpMLineIndex;
    const parsed = this.candidate === "" ? undefined : parseCandidate(this.candidate);
    const c = parsed?.ok ? parsed.value : undefined;
    this.usernameFragment =
      init.usernameFragment ?? c?.extensions.find((e) => e.name === "ufrag")?.value ?? null;
    if (!c) return;
    this.foundation = c.foundation;
    this.component = c.component === 1 ? "rtp" : c.component === 2 ? "rtcp" : null;
    this.priority = c.priority;
    this.address = c.address;
    this.protocol = c.transport === "udp" || c.transport === "tcp" ? c.transport : null;
    this.port = c.port;
    this.type = c.type;
    const tcpType = c.tcpType;
    this.tcpType = tcpType === "active" || tcpType === "passive" || tcpType === "so" ? tcpType : null;
    this.relatedAddress = c.relatedAddress ?? null;
    this.relatedPort = c.relatedPort ?? null;
  }

  toJSON(): {
    candidate: string;
    sdpMid: string | null;
    sdpMLineIndex: number | null;
    usernameFragment: string | null;
  } {
    return {
      candidate: this.candidate,
      sdpMid: this.sdpMid,
      sdpMLineIndex: this.sdpMLineIndex,
      usernameFragment: this.usernameFragment,
    };
  }
}
