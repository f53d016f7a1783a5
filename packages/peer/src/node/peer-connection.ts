import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { DtlsCertificate } from "@tern/dtls-srtp";
import {
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  secureRandom,
} from "@tern/ice";
import type { PeerConnectionState } from "../machine/connection-state.js";
import {
  checkRemoteCandidate,
  createSessionId,
  type Direction,
  extmapIdsOf,
  type IceCandidateInit,
  INITIAL_JSEP_STATE,
  type JsepState,
  jsepTransition,
  type LocalSession,
  type NegotiatedDataSection,
  type OfferLayout,
  type RemoteCandidateTarget,
  remoteCandidateTarget,
  type SdpType,
  type SessionDescription,
  type SessionDescriptionInit,
  type SignalingState,
  withLocalCandidates,
  writeSessionDescription,
} from "../sdp/index.js";
import { BundleTransport } from "./bundle-transport.js";
import { DescriptionCache } from "./description-cache.js";
import { checkRemoteOffer } from "./description-checks.js";
import { buildAnswer, buildOffer } from "./local-descriptions.js";
import { processCertificate } from "./local-parameters.js";
import type { LocalTrack } from "./media-track.js";
import { isNegotiationNeeded } from "./negotiation-needed.js";
import { OperationsChain } from "./operations-chain.js";
import { domError, type PeerConnectionConfig, type PeerConnectionEvents } from "./peer-connection-types.js";
import { buildStats, type StatsReport } from "./peer-stats.js";
import type { SenderParameters, Transceiver } from "./rtp-transceiver.js";
import { completeNegotiation, type NegotiationHost } from "./session-negotiation.js";
import { attachTrack, configureStreams, processRemoteTracks, type WriteCounters } from "./stream-wiring.js";
import { checkCodecPreferences, checkConfiguration, type RtpCodec } from "./transceiver-checks.js";
import { type SlotOwner, TransceiverSet, type TransceiverSnapshot } from "./transceiver-set.js";

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
  private jsep: JsepState = INITIAL_JSEP_STATE;
  private readonly certificateReady: Promise<DtlsCertificate>;
  /** @internal ICE, DTLS-SRTP and the pump between them; it sets our states and emits transport events. */
  readonly bundle: BundleTransport;
  /** @internal */ readonly descriptions = new DescriptionCache();
  private readonly sessionId = createSessionId(secureRandom);
  private sessionVersion = 0;
  /** @internal RTCP CNAME and default stream id of this connection's tracks. */
  readonly cname = randomUUID();
  private readonly earlyCandidates: IceCandidateInit[] = [];
  private restartPending = false;
  private pendingRestart: IceCredentials | undefined;
  private remoteTarget: RemoteCandidateTarget | undefined;
  private rollbackPoint: TransceiverSnapshot | undefined;
  private offerLayout: { sdp: string; layout: OfferLayout<SlotOwner> } | undefined;
  /** @internal what the current descriptions negotiated (see session-negotiation.ts) */
  readonly negotiation: NegotiationHost["negotiation"] = { current: new Map(), data: undefined, media: [] };
  private readonly ops = new OperationsChain(() => this.updateNegotiationNeeded());
  private negotiationNeededFlag = false;
  private _config: PeerConnectionConfig;
  private _canTrickle: boolean | null = null;
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

  constructor(config: PeerConnectionConfig = {}) {
    super();
    checkConfiguration(config);
    this._config = config;
    const given = config.certificates?.[0];
    this.certificateReady = given ? Promise.resolve(given) : processCertificate();
    this.bundle = new BundleTransport(this, () => this._config, this.cname, this.certificateReady);
  }

  get config(): PeerConnectionConfig {
    return this._config;
  }
  get signalingState(): SignalingState {
    return this.jsep.signalingState;
  }
  /** As in the browser, with the candidates gathered so far (and a=end-of-candidates once complete). */
  get localDescription(): SessionDescriptionInit | null {
    const d = this.jsep.pendingLocalDescription ?? this.jsep.currentLocalDescription;
    return d ? this.withCandidates(d) : null;
  }
  get remoteDescription(): SessionDescriptionInit | null {
    return this.jsep.pendingRemoteDescription ?? this.jsep.currentRemoteDescription ?? null;
  }
  get currentLocalDescription(): SessionDescriptionInit | null {
    const d = this.jsep.currentLocalDescription;
    return d ? this.withCandidates(d) : null;
  }
  get pendingLocalDescription(): SessionDescriptionInit | null {
    const d = this.jsep.pendingLocalDescription;
    return d ? this.withCandidates(d) : null;
  }
  get currentRemoteDescription(): SessionDescriptionInit | null {
    return this.jsep.currentRemoteDescription ?? null;
  }
  get pendingRemoteDescription(): SessionDescriptionInit | null {
    return this.jsep.pendingRemoteDescription ?? null;
  }
  /** null before a remote description; then whether it says a=ice-options:trickle (RFC 8840). */
  get canTrickleIceCandidates(): boolean | null {
    return this._canTrickle;
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
    if (this.set.transceivers.some((t) => t.sender.track === track && !t.stopped))
      throw domError("InvalidAccessError", "the track is already on a sender of this connection");
    const free = this.set.transceivers.find(
      (t) => t.kind === track.kind && !t.sender.track && !t.stopping && !t.stopped && !t.usedToSend(),
    );
    if (!free) {
      const t = this.addTransceiver(track, { direction: "sendrecv", ...(streams ? { streams } : {}) });
      t.addedByAddTrack = true;
      return t;
    }
    free.sender.streamIds = streams ?? [this.cname];
    attachTrack(free, track, this.bundle, this.counters);
    if (free.direction === "recvonly") free.direction = "sendrecv";
    else if (free.direction === "inactive") free.direction = "sendonly";
    this.updateNegotiationNeeded();
    return free;
  }

  /** webrtc-pc removeTrack: the sender stops sending; its direction drops "send" (renegotiation). */
  removeTrack(t: Transceiver): void {
    this.assertOpen();
    if (!this.set.transceivers.includes(t))
      throw domError("InvalidAccessError", "not a sender of this connection");
    if (t.stopping || !t.sender.track) return;
    attachTrack(t, undefined, this.bundle, this.counters);
    if (t.direction === "sendrecv") t.direction = "recvonly";
    else if (t.direction === "sendonly") t.direction = "inactive";
    this.reconfigure();
    this.updateNegotiationNeeded();
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
    if (t.stopping) return;
    t.stopping = true;
    t.direction = "stopped";
    t.receiver.track.end();
    if (t.mid === null) {
      // Never in an m= section: nothing to negotiate, it is gone.
      t.stopped = true;
      t.currentDirection = "stopped";
      attachTrack(t, undefined, this.bundle, this.counters);
      this.set.transceivers.splice(this.set.transceivers.indexOf(t), 1);
    }
    this.reconfigure();
    this.updateNegotiationNeeded();
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
    return this.chained(() => this.makeOffer(options));
  }

  createAnswer(): Promise<SessionDescriptionInit> {
    return this.chained(() => this.makeAnswer());
  }

  setLocalDescription(desc?: { type?: SdpType; sdp?: string }): Promise<void> {
    return this.chained(() => this.applyLocal(desc));
  }

  setRemoteDescription(desc: { type: SdpType; sdp?: string }): Promise<void> {
    return this.chained(() => this.applyRemote(desc));
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
    return this.chained(async () => this.applyCandidate(candidate));
  }

  /** webrtc-pc restartIce(): the next offer restarts ICE (new credentials). */
  restartIce(): void {
    this.assertOpen();
    this.restartPending = true;
    this.updateNegotiationNeeded();
  }

  /** W3C webrtc-stats for the connection, or only what concerns one transceiver's sender or receiver. */
  async getStats(selector?: { transceiver: Transceiver; side: "sender" | "receiver" }): Promise<StatsReport> {
    return buildStats({
      now: this.bundle.now(),
      session: this.bundle.session,
      ice: this.bundle.ice,
      certificate: this.bundle.certificate,
      remoteFingerprint: this.bundle.remoteFingerprints[0],
      dtlsRole: this.bundle.dtlsRole,
      ...(selector?.transceiver.mid
        ? { selector: { mid: selector.transceiver.mid, side: selector.side } }
        : {}),
    });
  }

  /**
   * Closes at once (webrtc-pc §4.4.1.4): every state is closed now, no event follows; DTLS close_notify and
   * RTCP BYE go out; the returned promise settles when the sockets are closed.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.bundle.closeSession();
    this.jsep = { ...this.jsep, signalingState: "closed" };
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

  private withCandidates(d: SessionDescriptionInit): SessionDescriptionInit {
    return withLocalCandidates(d, this.bundle.localCandidates, this.bundle.localGatheringDone);
  }

  private assertOpen(): void {
    if (this.closed) throw domError("InvalidStateError", "the peer connection is closed");
  }

  /** Applies a signaling transition; throws the spec's error when it is not allowed. */
  private transition(action: Parameters<typeof jsepTransition>[1], dryRun = false): JsepState {
    const r = jsepTransition(this.jsep, action);
    if (!r.ok) throw domError(r.error.name, r.error.message);
    if (dryRun) return r.state;
    const before = this.jsep.signalingState;
    this.jsep = r.state;
    if (before !== r.state.signalingState) this.emit("signalingstatechange", r.state.signalingState);
    return r.state;
  }

  private localSession(): LocalSession {
    return { sessionId: this.sessionId, sessionVersion: this.sessionVersion++ };
  }

  private async makeOffer(options: { iceRestart?: boolean }): Promise<SessionDescriptionInit> {
    const cert = await this.certificateReady;
    this.assertOpen();
    if ((options.iceRestart || this.restartPending) && this.pendingRestart === undefined)
      this.pendingRestart = this.bundle.nextIceCredentials();
    const layout = this.set.layout(this.descriptionMids());
    const transport = this.bundle.localTransport(cert);
    const restart = this.pendingRestart;
    const current = this.jsep.currentRemoteDescription;
    const desc = buildOffer(
      this.set,
      layout,
      this.localSession(),
      restart
        ? {
            ...transport,
            iceUfrag: restart.ufrag,
            icePwd: restart.pwd,
            candidates: [],
            endOfCandidates: false,
          }
        : transport,
      this.cname,
      current ? extmapIdsOf(this.parse(current.sdp)) : new Map(),
    );
    const sdp = writeSessionDescription(desc);
    this.descriptions.remember(sdp, desc);
    this.offerLayout = { sdp, layout };
    this.transition({ kind: "created-offer", sdp });
    return { type: "offer", sdp };
  }

  private async makeAnswer(): Promise<SessionDescriptionInit> {
    const cert = await this.certificateReady;
    this.assertOpen();
    const remote = this.jsep.pendingRemoteDescription;
    if (remote?.type !== "offer") throw domError("InvalidStateError", "createAnswer needs a remote offer");
    const offer = this.parse(remote.sdp);
    const result = buildAnswer(
      this.set,
      offer,
      this.localSession(),
      this.bundle.localTransport(cert),
      this.cname,
      {
        role: this.bundle.dtlsRole,
        preferred: this._config.answerSetup ?? "active",
      },
    );
    if (!result.ok) throw domError("OperationError", `cannot answer: ${result.error.message}`);
    const sdp = writeSessionDescription(result.value);
    this.descriptions.remember(sdp, result.value);
    this.transition({ kind: "created-answer", sdp });
    return { type: "answer", sdp };
  }

  /** Every mid in the session's descriptions, current and pending (none may be reused). */
  private descriptionMids(): string[] {
    const out: string[] = [];
    for (const d of [this.jsep.pendingRemoteDescription, this.jsep.currentRemoteDescription]) {
      if (d) for (const m of this.parse(d.sdp).media) if (m.mid !== undefined) out.push(m.mid);
    }
    return out;
  }

  private async applyLocal(desc?: { type?: SdpType; sdp?: string }): Promise<void> {
    let type = desc?.type;
    let sdp = desc?.sdp;
    if (type === "rollback") {
      this.transition({ kind: "set-local", type: "rollback" }, true);
      this.rollback();
      this.transition({ kind: "set-local", type: "rollback" });
      return;
    }
    if (!sdp) {
      // webrtc-pc §4.4.1.5: create what the state (or the given type) calls for.
      const state = this.signalingState;
      const wantsAnswer = state === "have-remote-offer" || state === "have-local-pranswer";
      if (type === undefined) type = wantsAnswer ? "answer" : "offer";
      if ((type === "answer" || type === "pranswer") && !wantsAnswer)
        throw domError("InvalidStateError", `cannot set a local ${type} in ${state}`);
      if (type === "offer" && wantsAnswer)
        throw domError("InvalidStateError", `cannot set a local offer in ${state}`);
      const last = type === "offer" ? this.jsep.lastCreatedOffer : this.jsep.lastCreatedAnswer;
      sdp = last ?? (type === "offer" ? (await this.makeOffer({})).sdp : (await this.makeAnswer()).sdp);
    }
    if (type === undefined) throw new TypeError("a description with sdp needs a type");
    this.transition({ kind: "set-local", type, sdp }, true);
    const parsed = this.parse(sdp);
    if (type === "offer") {
      const layout = this.offerLayout?.sdp === sdp ? this.offerLayout.layout : undefined;
      if (!layout) throw domError("InvalidModificationError", "the offer differs from the last one created");
      this.rollbackPoint = this.set.snapshot();
      this.set.applyLocalOffer(layout, parsed);
      if (this.pendingRestart) {
        this.bundle.restartIce(this.pendingRestart);
        this.pendingRestart = undefined;
      }
      this.restartPending = false;
      this.negotiationNeededFlag = false;
      this.transition({ kind: "set-local", type, sdp });
      this.bundle.startIce("controlling");
      void this.bundle.gatherOnce();
      return;
    }
    // A local (pr)answer completes the negotiation: checked before anything changes.
    const remote = this.jsep.pendingRemoteDescription;
    if (!remote) throw domError("InvalidStateError", "no remote offer");
    completeNegotiation(this, parsed, this.parse(remote.sdp), "answer", () => {
      this.transition({ kind: "set-local", type, sdp });
    });
  }

  private async applyRemote(desc: { type: SdpType; sdp?: string }): Promise<void> {
    if (desc === null || typeof desc !== "object")
      throw new TypeError("setRemoteDescription takes a description");
    const type = desc.type;
    if (type === "rollback") {
      this.transition({ kind: "set-remote", type: "rollback", sdp: "" }, true);
      this.rollback();
      this.transition({ kind: "set-remote", type: "rollback", sdp: "" });
      return;
    }
    if (type !== "offer" && type !== "answer" && type !== "pranswer")
      throw new TypeError(`not a description type: ${String(type)}`);
    const sdp = desc.sdp ?? "";
    this.transition({ kind: "set-remote", type, sdp }, true);
    const parsed = this.parse(sdp);
    this.bundle.peerSpoke();
    if (type === "offer") {
      // A remote offer in have-local-offer rolls our offer back first (perfect negotiation's polite peer):
      // it is checked against the session as it was before our offer, and on failure our offer stays.
      const implicitRollback = this.signalingState === "have-local-offer";
      const undo = this.set.snapshot();
      if (implicitRollback && this.rollbackPoint) this.set.restore(this.rollbackPoint);
      const checked = checkRemoteOffer(parsed, {
        slots: this.set.slots,
        transceivers: this.set.transceivers,
        dtlsRole: this.bundle.dtlsRole,
      });
      if (!checked.ok) {
        if (implicitRollback) this.set.restore(undo);
        throw domError(checked.name, checked.message);
      }
      if (implicitRollback) this.pendingRestart = undefined;
      const point = this.set.snapshot();
      point.created.push(...this.set.associateRemoteOffer(parsed));
      this.rollbackPoint = point;
      this.transition({ kind: "set-remote", type, sdp });
      const t = checked.transport;
      // RFC 8445 §9 / RFC 8839 §4.4.1.1.1: new remote credentials in an offer are an ICE restart: ours too.
      const ufrag = this.bundle.remoteUfrag;
      if (t && ufrag !== undefined && ufrag !== t.transport.iceUfrag)
        this.bundle.restartIce(this.bundle.nextIceCredentials());
      if (t) this.bundle.setRemote(t.transport, t.fingerprints);
      this.afterRemote(parsed);
      return;
    }
    const local = this.jsep.pendingLocalDescription;
    if (!local) throw domError("InvalidStateError", "no local offer");
    completeNegotiation(this, this.parse(local.sdp), parsed, "offer", () => {
      this.transition({ kind: "set-remote", type, sdp });
      this.afterRemote(parsed);
    });
  }

  /** What every applied remote description does: candidates' targets, trickle support, track events. */
  private afterRemote(parsed: SessionDescription): void {
    this.remoteTarget = remoteCandidateTarget(parsed);
    this._canTrickle =
      parsed.iceOptions.includes("trickle") || parsed.media.some((m) => m.iceOptions.includes("trickle"));
    for (const e of processRemoteTracks(this.set, parsed)) {
      this.emit("track", {
        track: e.transceiver.receiver.track,
        transceiver: e.transceiver,
        streams: e.streams,
      });
    }
    for (const c of this.earlyCandidates.splice(0)) void this.applyCandidate(c).catch(() => undefined);
  }

  private rollback(): void {
    const point = this.rollbackPoint;
    this.rollbackPoint = undefined;
    this.pendingRestart = undefined;
    if (!point) return;
    for (const t of this.set.restore(point)) t.receiver.track.end();
  }

  private async applyCandidate(init: IceCandidateInit): Promise<void> {
    if (!this.remoteTarget) {
      if (this.earlyCandidates.length < 256) this.earlyCandidates.push(init);
      return;
    }
    const c = checkRemoteCandidate(init, this.remoteTarget);
    if (!c.ok) throw c.name === "TypeError" ? new TypeError(c.message) : domError(c.name, c.message);
    if (c.kind === "end-of-candidates") this.bundle.endOfRemoteCandidates();
    else this.bundle.addRemoteCandidate(c.candidate);
  }

  /** @internal parses a description we hold, or throws RTCError(sdp-syntax-error). */
  parse(sdp: string): SessionDescription {
    return this.descriptions.parse(sdp);
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
      restartIcePending: this.restartPending,
    });
    if (!needed) {
      this.negotiationNeededFlag = false;
      return;
    }
    if (this.negotiationNeededFlag) return;
    this.negotiationNeededFlag = true;
    setImmediate(() =>
      this.bundle.guard(() => {
        if (this.closed || this.ops.length > 0 || this.signalingState !== "stable") return;
        if (!this.negotiationNeededFlag) return;
        this.emit("negotiationneeded");
      }),
    );
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
