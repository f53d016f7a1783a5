import type { IceConnectionState, IceGatheringState, IceServer } from "@tern/ice";
import type { PeerConnectionState } from "../machine/connection-state.js";
import type { DataChannel } from "../node/data-channel.js";
import { type EventHandler, EventHandlerAttributes } from "../node/event-handlers.js";
import type { LocalTrack, MediaStreamTrackLike } from "../node/media-track.js";
import { PeerConnection } from "../node/peer-connection.js";
import type { PeerConnectionConfig } from "../node/peer-connection-types.js";
import type { StatsReport } from "../node/peer-stats.js";
import type { Transceiver } from "../node/rtp-transceiver.js";
import type { Direction, SignalingState } from "../sdp/index.js";
import { MediaStream } from "./media-stream.js";
import { generateCertificate, type RTCCertificate } from "./rtc-certificate.js";
import { RTCDataChannel, RTCDataChannelEvent, type RTCDataChannelInit } from "./rtc-data-channel.js";
import { RTCPeerConnectionIceErrorEvent, RTCPeerConnectionIceEvent, RTCTrackEvent } from "./rtc-events.js";
import { RTCIceCandidate, type RTCIceCandidateInit } from "./rtc-ice-candidate.js";
import {
  type RTCRtpEncodingParameters,
  type RTCRtpReceiver,
  type RTCRtpSender,
  RTCRtpTransceiver,
} from "./rtc-rtp-transceiver.js";
import { RTCSctpTransport } from "./rtc-sctp-transport.js";
import { RTCSessionDescription, type RTCSessionDescriptionInit } from "./rtc-session-description.js";

/** W3C webrtc-pc §4.2.1 RTCConfiguration, plus Tern's own options (iceAddresses, mdns, logger, …). */
export interface RTCConfiguration extends Omit<PeerConnectionConfig, "certificates" | "iceServers"> {
  readonly iceServers?: readonly IceServer[];
  readonly certificates?: readonly RTCCertificate[];
  /** Pre-gathering is not done: accepted and ignored. */
  readonly iceCandidatePoolSize?: number;
}

/** W3C webrtc-pc §5.1 RTCRtpTransceiverInit. */
export interface RTCRtpTransceiverInit {
  readonly direction?: Direction;
  readonly streams?: readonly MediaStream[];
  readonly sendEncodings?: readonly RTCRtpEncodingParameters[];
}

const EVENTS = [
  "negotiationneeded",
  "icecandidate",
  "icecandidateerror",
  "signalingstatechange",
  "iceconnectionstatechange",
  "icegatheringstatechange",
  "connectionstatechange",
  "track",
  "datachannel",
] as const;

/**
 * W3C webrtc-pc RTCPeerConnection, so that browser code runs unchanged on Tern: an `EventTarget` with the
 * `on…` handler attributes and the spec's events, RTCRtpTransceiver/Sender/Receiver objects, MediaStreams,
 * RTCSessionDescription and RTCIceCandidate objects. A thin façade: every decision is taken by the
 * Node-level `PeerConnection` underneath (`node/`), which Node code can keep using with `.on(…)`.
 */
export class RTCPeerConnection extends EventTarget {
  readonly #pc: PeerConnection;
  readonly #handlers = new EventHandlerAttributes(this);
  readonly #transceivers = new WeakMap<Transceiver, RTCRtpTransceiver>();
  readonly #streams = new Map<string, MediaStream>();
  readonly #certificates: readonly RTCCertificate[];
  readonly #channels = new WeakMap<DataChannel, RTCDataChannel>();
  #sctp: RTCSctpTransport | undefined;
  #closed = false;

  constructor(configuration: RTCConfiguration = {}) {
    super();
    const { certificates, iceCandidatePoolSize: _pool, ...rest } = configuration;
    this.#certificates = certificates ?? [];
    this.#pc = new PeerConnection({
      ...rest,
      ...(certificates && certificates.length > 0 ? { certificates: certificates.map((c) => c.dtls) } : {}),
    });
    this.#wire();
  }

  static generateCertificate(
    keygenAlgorithm: Parameters<typeof generateCertificate>[0],
  ): Promise<RTCCertificate> {
    return generateCertificate(keygenAlgorithm);
  }

  /** The Node-level peer connection underneath (Node-style events, frames, Tern's own options). */
  get peerConnection(): PeerConnection {
    return this.#pc;
  }

  #wire(): void {
    const pc = this.#pc;
    const fire = (e: Event): void => {
      if (!this.#closed) this.dispatchEvent(e);
    };
    pc.on("negotiationneeded", () => fire(new Event("negotiationneeded")));
    pc.on("icecandidate", ({ candidate }) =>
      fire(
        new RTCPeerConnectionIceEvent("icecandidate", {
          candidate: candidate ? new RTCIceCandidate(candidate) : null,
        }),
      ),
    );
    pc.on("icecandidateerror", (e) => fire(new RTCPeerConnectionIceErrorEvent("icecandidateerror", e)));
    pc.on("signalingstatechange", () => fire(new Event("signalingstatechange")));
    pc.on("iceconnectionstatechange", () => fire(new Event("iceconnectionstatechange")));
    pc.on("icegatheringstatechange", () => fire(new Event("icegatheringstatechange")));
    pc.on("connectionstatechange", () => fire(new Event("connectionstatechange")));
    pc.on("track", ({ transceiver, streams }) => {
      const t = this.#transceiver(transceiver);
      const track = transceiver.receiver.track;
      const ms = streams.map((id) => this.#stream(id));
      for (const s of ms) s.addRemoteTrack(track);
      fire(new RTCTrackEvent("track", { receiver: t.receiver, track, streams: ms, transceiver: t }));
    });
    pc.on("datachannel", ({ channel }) =>
      fire(new RTCDataChannelEvent("datachannel", { channel: this.#channel(channel) })),
    );
  }

  #channel(c: DataChannel): RTCDataChannel {
    let w = this.#channels.get(c);
    if (!w) {
      w = new RTCDataChannel(c);
      this.#channels.set(c, w);
    }
    return w;
  }

  #transceiver(t: Transceiver): RTCRtpTransceiver {
    let w = this.#transceivers.get(t);
    if (!w) {
      w = new RTCRtpTransceiver(this.#pc, t);
      this.#transceivers.set(t, w);
    }
    return w;
  }

  #stream(id: string): MediaStream {
    let s = this.#streams.get(id);
    if (!s) {
      s = MediaStream.withId(id);
      this.#streams.set(id, s);
    }
    return s;
  }

  #description(
    d: { type: RTCSessionDescriptionInit["type"]; sdp: string } | null,
  ): RTCSessionDescription | null {
    return d ? new RTCSessionDescription(d) : null;
  }

  // ---- state ---------------------------------------------------------------------------------------------

  get localDescription(): RTCSessionDescription | null {
    return this.#description(this.#pc.localDescription);
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#description(this.#pc.currentLocalDescription);
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#description(this.#pc.pendingLocalDescription);
  }
  get remoteDescription(): RTCSessionDescription | null {
    return this.#description(this.#pc.remoteDescription);
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.#description(this.#pc.currentRemoteDescription);
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.#description(this.#pc.pendingRemoteDescription);
  }
  get signalingState(): SignalingState {
    return this.#pc.signalingState;
  }
  get iceGatheringState(): IceGatheringState {
    return this.#pc.iceGatheringState;
  }
  get iceConnectionState(): IceConnectionState {
    return this.#pc.iceConnectionState;
  }
  get connectionState(): PeerConnectionState {
    return this.#pc.connectionState;
  }
  get canTrickleIceCandidates(): boolean | null {
    return this.#pc.canTrickleIceCandidates;
  }
  /** RTCSctpTransport: null until a data m= section is negotiated. */
  get sctp(): RTCSctpTransport | null {
    const t = this.#pc.sctp;
    if (!t) return null;
    this.#sctp ??= new RTCSctpTransport(t);
    return this.#sctp;
  }

  /** webrtc-pc §6.1: TypeError for a bad init, OperationError for an id in use, InvalidStateError once closed. */
  createDataChannel(
    label: string,
    ...[dataChannelDict]: [dataChannelDict?: RTCDataChannelInit]
  ): RTCDataChannel {
    return this.#channel(this.#pc.createDataChannel(label, dataChannelDict));
  }

  // ---- offer / answer -------------------------------------------------------------------------------------

  async createOffer(options: { iceRestart?: boolean } = {}): Promise<RTCSessionDescriptionInit> {
    const d = await this.#pc.createOffer(options ?? {});
    return { type: d.type, sdp: d.sdp };
  }
  // Optional arguments as rest tuples: `length` is 0, as in browsers (libraries test it: simple-peer takes
  // a getStats of length 1 for the legacy callback form).
  async createAnswer(..._options: [options?: unknown]): Promise<RTCSessionDescriptionInit> {
    const d = await this.#pc.createAnswer();
    return { type: d.type, sdp: d.sdp };
  }
  setLocalDescription(...[description]: [description?: RTCSessionDescriptionInit | null]): Promise<void> {
    return this.#pc.setLocalDescription(description ?? undefined);
  }
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    return this.#pc.setRemoteDescription(description);
  }
  addIceCandidate(...[candidate]: [candidate?: RTCIceCandidateInit | RTCIceCandidate | null]): Promise<void> {
    return this.#pc.addIceCandidate(candidate);
  }
  restartIce(): void {
    this.#pc.restartIce();
  }

  getConfiguration(): RTCConfiguration {
    const { certificates: _c, ...rest } = this.#pc.getConfiguration();
    return {
      bundlePolicy: "max-bundle",
      rtcpMuxPolicy: "require",
      iceTransportPolicy: "all",
      iceServers: [],
      ...rest,
      certificates: this.#certificates,
    };
  }
  setConfiguration(configuration: RTCConfiguration = {}): void {
    const { certificates, iceCandidatePoolSize: _pool, ...rest } = configuration;
    if (
      certificates &&
      (certificates.length !== this.#certificates.length ||
        certificates.some((c, i) => c !== this.#certificates[i]))
    )
      throw new DOMException("certificates cannot change", "InvalidModificationError");
    this.#pc.setConfiguration(rest);
  }

  /** webrtc-pc §4.4.1.4: closes at once, returns nothing; no event fires afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#pc.close();
  }

  // ---- RTP media (webrtc-pc §5.1) -------------------------------------------------------------------------

  getTransceivers(): RTCRtpTransceiver[] {
    return this.#pc.transceivers.map((t) => this.#transceiver(t));
  }
  getSenders(): RTCRtpSender[] {
    return this.getTransceivers().map((t) => t.sender);
  }
  getReceivers(): RTCRtpReceiver[] {
    return this.getTransceivers().map((t) => t.receiver);
  }
  addTrack(track: LocalTrack, ...streams: MediaStream[]): RTCRtpSender {
    if (!isLocalTrack(track)) throw new TypeError("addTrack takes a LocalTrack (a track Tern can send)");
    return this.#transceiver(
      this.#pc.addTrack(
        track,
        streams.map((s) => s.id),
      ),
    ).sender;
  }
  removeTrack(sender: RTCRtpSender): void {
    this.#pc.removeTrack(sender.transceiverState);
  }
  addTransceiver(
    trackOrKind: LocalTrack | "audio" | "video",
    init: RTCRtpTransceiverInit = {},
  ): RTCRtpTransceiver {
    if (typeof trackOrKind !== "string" && !isLocalTrack(trackOrKind))
      throw new TypeError("addTransceiver takes a kind or a LocalTrack");
    if ((init.sendEncodings?.length ?? 0) > 1)
      throw new DOMException("simulcast (several sendEncodings) is not supported", "OperationError");
    const t = this.#pc.addTransceiver(trackOrKind, {
      ...(init.direction ? { direction: init.direction } : {}),
      ...(init.streams ? { streams: init.streams.map((s) => s.id) } : {}),
    });
    const e = init.sendEncodings?.[0];
    if (e)
      this.#pc.setSenderParameters(t, {
        active: e.active ?? true,
        ...(e.maxBitrate === undefined ? {} : { maxBitrate: e.maxBitrate }),
      });
    return this.#transceiver(t);
  }

  /** webrtc-pc §8.2: the connection's stats, or those of the sender/receiver of `selector`. */
  getStats(...[selector]: [selector?: MediaStreamTrackLike | null]): Promise<StatsReport> {
    if (!selector) return this.#pc.getStats();
    const t = this.#pc.transceivers.find((x) => x.sender.track === selector || x.receiver.track === selector);
    if (!t)
      return Promise.reject(new DOMException("no sender or receiver has this track", "InvalidAccessError"));
    return this.#pc.getStats({ transceiver: t, side: t.sender.track === selector ? "sender" : "receiver" });
  }

  // ---- event handler attributes ----------------------------------------------------------------------------

  get onnegotiationneeded(): EventHandler {
    return this.#handlers.get("negotiationneeded");
  }
  set onnegotiationneeded(fn: EventHandler) {
    this.#handlers.set("negotiationneeded", fn);
  }
  get onicecandidate(): EventHandler<RTCPeerConnectionIceEvent> {
    return this.#handlers.get("icecandidate");
  }
  set onicecandidate(fn: EventHandler<RTCPeerConnectionIceEvent>) {
    this.#handlers.set("icecandidate", fn);
  }
  get onicecandidateerror(): EventHandler<RTCPeerConnectionIceErrorEvent> {
    return this.#handlers.get("icecandidateerror");
  }
  set onicecandidateerror(fn: EventHandler<RTCPeerConnectionIceErrorEvent>) {
    this.#handlers.set("icecandidateerror", fn);
  }
  get onsignalingstatechange(): EventHandler {
    return this.#handlers.get("signalingstatechange");
  }
  set onsignalingstatechange(fn: EventHandler) {
    this.#handlers.set("signalingstatechange", fn);
  }
  get oniceconnectionstatechange(): EventHandler {
    return this.#handlers.get("iceconnectionstatechange");
  }
  set oniceconnectionstatechange(fn: EventHandler) {
    this.#handlers.set("iceconnectionstatechange", fn);
  }
  get onicegatheringstatechange(): EventHandler {
    return this.#handlers.get("icegatheringstatechange");
  }
  set onicegatheringstatechange(fn: EventHandler) {
    this.#handlers.set("icegatheringstatechange", fn);
  }
  get onconnectionstatechange(): EventHandler {
    return this.#handlers.get("connectionstatechange");
  }
  set onconnectionstatechange(fn: EventHandler) {
    this.#handlers.set("connectionstatechange", fn);
  }
  get ontrack(): EventHandler<RTCTrackEvent> {
    return this.#handlers.get("track");
  }
  set ontrack(fn: EventHandler<RTCTrackEvent>) {
    this.#handlers.set("track", fn);
  }
  get ondatachannel(): EventHandler<RTCDataChannelEvent> {
    return this.#handlers.get("datachannel");
  }
  set ondatachannel(fn: EventHandler<RTCDataChannelEvent>) {
    this.#handlers.set("datachannel", fn);
  }
}

/** The events an RTCPeerConnection fires (for tables and tests). */
export const RTC_PEER_CONNECTION_EVENTS: readonly string[] = EVENTS;

function isLocalTrack(t: unknown): t is LocalTrack {
  return typeof t === "object" && t !== null && "writeFrame" in t && "sinks" in t;
}
