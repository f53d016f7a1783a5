import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { DtlsCertificate } from "@tern/dtls-srtp";
import type { IceConnectionState, IceGatheringState } from "@tern/ice";
import type { PeerConnectionState } from "../machine/connection-state.js";
import {
  checkRemoteCandidate,
  type Direction,
  type IceCandidateInit,
  type NegotiatedDataSection,
  type SdpType,
  type SessionDescriptionInit,
  type SignalingState,
} from "../sdp/index.js";
import { BundleTransport } from "./bundle-transport.js";
import type { DataChannel, DataChannelInit } from "./data-channel.js";
import { DescriptionCache } from "./description-cache.js";
import { processCertificate } from "./local-parameters.js";
import type { LocalTrack } from "./media-track.js";
import { isNegotiationNeeded, NegotiationNeededFlag } from "./negotiation-needed.js";
import { OperationsChain } from "./operations-chain.js";
import { domError, type PeerConnectionConfig, type PeerConnectionEvents } from "./peer-connection-types.js";
import { PeerDataChannels } from "./peer-data-channels.js";
import { connectionStats, type StatsReport, type StatsSelector } from "./peer-stats.js";
import type { SenderParameters, Transceiver } from "./rtp-transceiver.js";
import type { SctpTransport } from "./sctp-transport.js";
import { SessionDescriptions } from "./session-descriptions.js";
import type { NegotiationHost } from "./session-negotiation.js";
import { attachTrack, configureStreams, type WriteCounters } from "./stream-wiring.js";
import { addTrackTo, removeTrackFrom, stopTransceiverOf } from "./track-operations.js";
import { checkCodecPreferences, checkConfiguration, type RtpCodec } from "./transceiver-checks.js";
import { TransceiverSet } from "./transceiver-set.js";

export type {
  IceCandidateInit,
  PeerConnectionConfig,
  PeerConnectionEvents,
  PeerConnectionState,
  Transceiver,
} from "./peer-connection-types.js";

/**
 * A WebRTC peer connection for Node (W3C webrtc-pc semantics, Node-style events), composing @tern/ice (one
 * BUNDLE transport), @tern/dtls-srtp and @tern/rtp through the sans-IO `MediaSession`. Signaling is yours:
 * pass descriptions and candidates as between browsers. `RTCPeerConnection` (`@tern/peer`, w3c/) is the
 * browser-shaped façade over it.
 */
export class PeerConnection extends EventEmitter<PeerConnectionEvents> implements NegotiationHost {
  /** @internal */ readonly set = new TransceiverSet();
  /** @internal */ readonly certificateReady: Promise<DtlsCertificate>;
  /** @internal ICE, DTLS-SRTP and the pump between them; it sets our states and emits transport events. */
  readonly bundle: BundleTransport;
  /** @internal */ readonly descriptions = new DescriptionCache();
  /** @internal RTCP CNAME and default stream id of this connection's tracks. */
  readonly cname = randomUUID();
  /** The offer/answer side: descriptions, signaling state, rollback, remote candidates. */
  private readonly sd: SessionDescriptions = new SessionDescriptions(this);
  /** @internal what the current descriptions negotiated (see session-negotiation.ts) */
  readonly negotiation: NegotiationHost["negotiation"] = { current: new Map(), data: undefined, media: [] };
  private readonly ops = new OperationsChain(() => this.updateNegotiationNeeded());
  /** webrtc-pc §4.7.3: the negotiation-needed flag and its queued event. */
  private readonly negotiationNeeded = new NegotiationNeededFlag(
    () => !this.closed && this.ops.length === 0 && this.signalingState === "stable",
    (fire) => this.bundle.guard(fire),
    () => this.emit("negotiationneeded"),
  );
  private _config: PeerConnectionConfig;
  private closed = false;
  /** @internal */ readonly counters: WriteCounters & { internalErrors: number } = {
    writeErrors: 0,
    internalErrors: 0,
  };
  connectionState: PeerConnectionState = "new";
  iceConnectionState: IceConnectionState = "new";
  iceGatheringState: IceGatheringState = "new";
  /** Connection set-up times, ms from construction (for stats and benches). */
  readonly timings: { iceConnected?: number; dtlsConnected?: number } = {};
  /** @internal the data channels (webrtc-pc §6) */
  readonly dataChannels: PeerDataChannels;

  constructor(config: PeerConnectionConfig = {}) {
    super();
    checkConfiguration(config);
    this._config = config;
    this.dataChannels = new PeerDataChannels(this);
    const given = config.certificates?.[0];
    this.certificateReady = given ? Promise.resolve(given) : processCertificate();
    this.bundle = new BundleTransport(this, () => this._config, this.cname, this.certificateReady);
  }

  get config(): PeerConnectionConfig {
    return this._config;
  }
  get signalingState(): SignalingState {
    return this.sd.jsep.signalingState;
  }
  /** As in the browser, with the candidates gathered so far (and a=end-of-candidates once complete). */
  get localDescription(): SessionDescriptionInit | null {
    return this.sd.withCandidates(
      this.sd.jsep.pendingLocalDescription ?? this.sd.jsep.currentLocalDescription,
    );
  }
  get remoteDescription(): SessionDescriptionInit | null {
    return this.sd.jsep.pendingRemoteDescription ?? this.sd.jsep.currentRemoteDescription ?? null;
  }
  get currentLocalDescription(): SessionDescriptionInit | null {
    return this.sd.withCandidates(this.sd.jsep.currentLocalDescription);
  }
  get pendingLocalDescription(): SessionDescriptionInit | null {
    return this.sd.withCandidates(this.sd.jsep.pendingLocalDescription);
  }
  get currentRemoteDescription(): SessionDescriptionInit | null {
    return this.sd.jsep.currentRemoteDescription ?? null;
  }
  get pendingRemoteDescription(): SessionDescriptionInit | null {
    return this.sd.jsep.pendingRemoteDescription ?? null;
  }
  /** null before a remote description; then whether it says a=ice-options:trickle (RFC 8840). */
  get canTrickleIceCandidates(): boolean | null {
    return this.sd.canTrickle;
  }
  /** The transceivers (webrtc-pc getTransceivers()), stopped ones until their stop is negotiated. */
  get transceivers(): readonly Transceiver[] {
    return this.set.transceivers;
  }
  /** The data section the current descriptions negotiated, for the data-channel layer. */
  get dataSection(): NegotiatedDataSection | undefined {
    return this.negotiation.data;
  }
  /** @internal the mid candidates are signaled for */
  get transportMid(): string | null {
    return this.set.slots.find((s) => s.owner !== undefined && !s.rejected)?.mid ?? null;
  }
  /** The negotiated DTLS cipher suite and SRTP profile, once connected. */
  get security(): { cipherSuite: string | undefined; srtpProfile: string | undefined } {
    const session = this.bundle.session;
    return { cipherSuite: session?.cipherSuite, srtpProfile: session?.srtpProfile };
  }
  /** The selected ICE candidate pair. */
  get selectedCandidatePair() {
    return this.bundle.ice?.selectedPair;
  }

  getConfiguration(): PeerConnectionConfig {
    return { ...this._config };
  }

  /**
   * webrtc-pc §4.4.1.1: certificates and bundle/rtcp-mux policies cannot change (InvalidModificationError);
   * ICE servers and policy apply to the next ICE transport.
   */
  setConfiguration(config: PeerConnectionConfig): void {
    this.assertOpen();
    checkConfiguration(config, this._config);
    this._config = { ...this._config, ...config };
  }

  // ---- tracks and transceivers (webrtc-pc §5.1) --------------------------------------------------------

  addTransceiver(
    trackOrKind: LocalTrack | "audio" | "video",
    init: { direction?: Direction; streams?: readonly string[] } = {},
  ): Transceiver {
    this.assertOpen();
    const track = typeof trackOrKind === "string" ? undefined : trackOrKind;
    const kind = typeof trackOrKind === "string" ? trackOrKind : trackOrKind.kind;
    if (kind !== "audio" && kind !== "video") throw new TypeError(`kind must be audio or video, not ${kind}`);
    const t = this.set.add(kind, init.direction ?? "sendrecv", false);
    t.sender.streamIds = init.streams ?? (track ? [this.cname] : []);
    if (track) attachTrack(t, track, this.bundle, this.counters);
    this.updateNegotiationNeeded();
    return t;
  }

  /**
   * webrtc-pc addTrack: onto a transceiver of its kind that has never sent and has no track, else a new
   * sendrecv one. `streams`: the MediaStream ids it is announced under (default: one for the connection).
   */
  addTrack(track: LocalTrack, streams?: readonly string[]): Transceiver {
    this.assertOpen();
    return addTrackTo(this, track, streams);
  }

  /** webrtc-pc removeTrack: the sender stops sending; its direction drops "send" (renegotiation). */
  removeTrack(t: Transceiver): void {
    this.assertOpen();
    removeTrackFrom(this, t);
  }

  /** webrtc-pc RTCRtpSender.replaceTrack: another track (or none) on the sender, with no renegotiation. */
  async replaceTrack(t: Transceiver, track: LocalTrack | null): Promise<void> {
    this.assertOpen();
    if (track && track.kind !== t.kind) throw new TypeError(`a ${track.kind} track on a ${t.kind} sender`);
    if (t.stopping) throw domError("InvalidStateError", "the transceiver is stopped");
    attachTrack(t, track ?? undefined, this.bundle, this.counters);
    this.reconfigure();
  }

  /** webrtc-pc RTCRtpTransceiver.direction (setter). */
  setDirection(t: Transceiver, direction: Direction): void {
    this.assertOpen();
    if (t.stopping) throw domError("InvalidStateError", "the transceiver is stopped");
    if (t.direction === direction) return;
    t.direction = direction;
    this.updateNegotiationNeeded();
  }

  /** webrtc-pc RTCRtpTransceiver.stop(): nothing more is sent or received; the stop is negotiated. */
  stopTransceiver(t: Transceiver): void {
    this.assertOpen();
    stopTransceiverOf(this, t);
  }

  /** webrtc-pc RTCRtpTransceiver.setCodecPreferences (InvalidModificationError for codecs Tern lacks). */
  setCodecPreferences(t: Transceiver, codecs: readonly RtpCodec[]): void {
    t.codecPreferences = checkCodecPreferences(t.kind, codecs);
  }

  /** webrtc-pc RTCRtpSender.setParameters: `active` and `maxBitrate` of the one encoding. */
  setSenderParameters(t: Transceiver, parameters: SenderParameters): void {
    t.sender.parameters = parameters;
    this.reconfigure();
  }

  /**
   * @internal The data-channel layer's hook (createDataChannel): the next offer carries the data m= section
   * (after the media sections, with a mid kept across renegotiations); fires negotiationneeded once.
   */
  requestDataSection(): void {
    this.assertOpen();
    if (this.set.data.wanted || this.set.data.mid !== null) return;
    this.set.data.wanted = true;
    this.updateNegotiationNeeded();
  }

  // ---- offer / answer (webrtc-pc §4.4.1.5–6), through the operations chain -----------------------------

  createOffer(options: { iceRestart?: boolean } = {}): Promise<SessionDescriptionInit> {
    return this.chained(() => this.sd.makeOffer(options));
  }

  createAnswer(): Promise<SessionDescriptionInit> {
    return this.chained(() => this.sd.makeAnswer());
  }

  setLocalDescription(desc?: { type?: SdpType; sdp?: string }): Promise<void> {
    return this.chained(() => this.sd.applyLocal(desc));
  }

  setRemoteDescription(desc: { type: SdpType; sdp?: string }): Promise<void> {
    return this.chained(() => this.sd.applyRemote(desc));
  }

  /**
   * webrtc-pc §4.4.1.7: a remote candidate (null or an empty candidate: end of candidates). TypeError for a
   * string or a candidate that names no m= section; OperationError for one that does not parse (a bad port)
   * or names a mid, m= line or ufrag the remote description lacks. Before any remote description the
   * candidate is held (checked once it arrives) — Node signaling may deliver it first.
   */
  addIceCandidate(init?: IceCandidateInit | null): Promise<void> {
    if (typeof init === "string" || (init !== null && init !== undefined && typeof init !== "object"))
      return Promise.reject(new TypeError("addIceCandidate takes an RTCIceCandidateInit, not a string"));
    const candidate = init ?? { candidate: "" };
    const early = checkRemoteCandidate(candidate, undefined);
    if (!early.ok)
      return Promise.reject(
        early.name === "TypeError" ? new TypeError(early.message) : domError(early.name, early.message),
      );
    return this.chained(async () => this.sd.applyCandidate(candidate));
  }

  /** webrtc-pc restartIce(): the next offer restarts ICE (new credentials). */
  restartIce(): void {
    this.assertOpen();
    this.sd.restartPending = true;
    this.updateNegotiationNeeded();
  }

  /**
   * webrtc-pc §6.1 createDataChannel: a channel (RFC 8831) on the connection's SCTP association; the first
   * one asks for a data m= section (negotiationneeded). TypeError for a bad init, OperationError for an id
   * in use, InvalidStateError once closed.
   */
  createDataChannel(label: string, init?: DataChannelInit): DataChannel {
    return this.dataChannels.create(label, init);
  }

  /** W3C RTCPeerConnection.sctp: the data channels' transport, null until a data m= section is negotiated. */
  get sctp(): SctpTransport | null {
    return this.dataChannels.sctp;
  }

  /** W3C webrtc-stats for the connection, or only what concerns one transceiver's sender or receiver. */
  async getStats(selector?: StatsSelector): Promise<StatsReport> {
    return connectionStats(this.bundle, this.dataChannels, selector);
  }

  /**
   * Closes at once (webrtc-pc §4.4.1.4): every state is closed now, no event follows; DTLS close_notify and
   * RTCP BYE go out; the returned promise settles when the sockets are closed.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.bundle.closeSession();
    this.dataChannels.close();
    this.sd.close();
    for (const t of this.set.transceivers) {
      t.stopped = true;
      t.stopping = true;
      t.direction = "stopped";
      t.currentDirection = "stopped";
      t.receiver.track.end();
      attachTrack(t, undefined, this.bundle, this.counters);
    }
    this.iceConnectionState = "closed";
    this.connectionState = "closed";
    return this.bundle.closeTransport();
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private chained<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(domError("InvalidStateError", "the peer connection is closed"));
    return this.ops.chain(async () => {
      if (this.closed) throw domError("InvalidStateError", "the peer connection is closed");
      return op();
    });
  }

  /** @internal */
  assertOpen(): void {
    if (this.closed) throw domError("InvalidStateError", "the peer connection is closed");
  }

  /** @internal after a transceiver's sender changed: the media session's streams again. */
  reconfigure(): void {
    const session = this.bundle.session;
    if (!session || this.negotiation.media.length === 0) return;
    configureStreams(
      session,
      this.set.transceivers,
      this.negotiation.media,
      this.negotiation.data !== undefined,
    );
    this.bundle.flushSession();
  }

  /** webrtc-pc §4.7.3 "update the negotiation-needed flag", and the queued negotiationneeded event. */
  updateNegotiationNeeded(): void {
    if (this.closed || this.ops.length > 0 || this.signalingState !== "stable") return;
    const needed = isNegotiationNeeded({
      transceivers: this.set.transceivers,
      data: this.set.data,
      current: this.negotiation.current,
      currentDataMid: this.negotiation.data?.mid,
      restartIcePending: this.sd.restartPending,
    });
    this.negotiationNeeded.update(needed);
  }

  /** @internal */
  clearNegotiationNeeded(): void {
    this.negotiationNeeded.clear();
  }

  /** @internal a bug caught by a guard: counted, logged, the connection closes; `error` if listened to. */
  internalError(err: unknown): void {
    this.counters.internalErrors++;
    const e = err instanceof Error ? err : new Error(String(err));
    (this._config.logger ?? undefined)?.error({ err: e }, "internal error in the peer connection; closing");
    void this.close();
    if (this.listenerCount("error") > 0) this.emit("error", e);
  }
}
