import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { type DtlsCertificate, parseFingerprint } from "@tern/dtls-srtp";
import { type IceConnectionState, type IceGatheringState, type IceTransport, secureRandom } from "@tern/ice";
import type { PeerConnectionState } from "../machine/connection-state.js";
import type { MediaCodecName } from "../machine/payload-formats.js";
import { type LocalStream, planStreams } from "../machine/stream-plan.js";
import {
  createAnswer,
  createOffer,
  createSessionId,
  type Direction,
  dtlsRoleFor,
  INITIAL_JSEP_STATE,
  type JsepState,
  jsepTransition,
  type LocalSession,
  negotiatedMedia,
  remoteTransport,
  type SdpType,
  type SessionDescriptionInit,
  type SignalingState,
  writeSessionDescription,
} from "../sdp/index.js";
import { withLocalCandidates } from "../sdp/local-candidates.js";
import { BundleTransport } from "./bundle-transport.js";
import { DescriptionCache } from "./description-cache.js";
import {
  localSender,
  localTransceiver,
  processCertificate,
  randomSsrc,
  transportMid,
} from "./local-parameters.js";
import { type LocalTrack, RemoteTrack } from "./media-track.js";
import {
  domError,
  type IceCandidateInit,
  type PeerConnectionConfig,
  type PeerConnectionEvents,
  type Transceiver,
} from "./peer-connection-types.js";
import { buildStats, type StatsReport } from "./peer-stats.js";

export type {
  IceCandidateInit,
  PeerConnectionConfig,
  PeerConnectionEvents,
  PeerConnectionState,
  Transceiver,
} from "./peer-connection-types.js";

/**
 * A WebRTC peer connection with the browser's shape (W3C webrtc-pc), composing @tern/ice (one BUNDLE
 * transport), @tern/dtls-srtp and @tern/rtp through the sans-IO `MediaSession`. Signaling is yours: pass
 * descriptions and candidates as you would between browsers.
 */
export class PeerConnection extends EventEmitter<PeerConnectionEvents> {
  readonly transceivers: Transceiver[] = [];
  private jsep: JsepState = INITIAL_JSEP_STATE;
  private readonly certificateReady: Promise<DtlsCertificate>;
  /** ICE, DTLS-SRTP and the pump between them; it sets our states and emits our transport events. */
  private readonly bundle: BundleTransport;
  private readonly descriptions = new DescriptionCache();
  private readonly sessionId = createSessionId(secureRandom);
  private sessionVersion = 0;
  private readonly cname = randomUUID();
  private pendingRemoteCandidates: (IceCandidateInit | null)[] = [];
  private midCounter = 0;
  private restartPending = false;
  private remoteUfrag: string | undefined;
  connectionState: PeerConnectionState = "new";
  iceConnectionState: IceConnectionState = "new";
  iceGatheringState: IceGatheringState = "new";
  /** Connection set-up times, ms from construction (for stats and benches). */
  readonly timings: { iceConnected?: number; dtlsConnected?: number } = {};

  constructor(readonly config: PeerConnectionConfig = {}) {
    super();
    const pacing = config.pacingBitrateBps;
    if (pacing !== undefined && !(pacing >= 8000 && Number.isFinite(pacing))) {
      throw new RangeError("pacingBitrateBps must be a finite number ≥ 8000");
    }
    const given = config.certificates?.[0];
    this.certificateReady = given ? Promise.resolve(given) : processCertificate();
    this.bundle = new BundleTransport(this, config, this.cname, this.certificateReady);
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
  get currentRemoteDescription(): SessionDescriptionInit | null {
    return this.jsep.currentRemoteDescription ?? null;
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

  // ---- tracks and transceivers -------------------------------------------------------------------------

  addTransceiver(
    trackOrKind: LocalTrack | "audio" | "video",
    init: { direction?: Direction } = {},
  ): Transceiver {
    this.assertOpen();
    const track = typeof trackOrKind === "string" ? undefined : trackOrKind;
    const kind = typeof trackOrKind === "string" ? trackOrKind : trackOrKind.kind;
    const t = this.newTransceiver(
      String(this.midCounter++),
      kind,
      init.direction ?? (track ? "sendrecv" : "recvonly"),
    );
    if (track) this.attach(t, track);
    this.emit("negotiationneeded");
    return t;
  }

  /** Attaches `track` to a transceiver of its kind that has none, or adds one (sendrecv). */
  addTrack(track: LocalTrack): Transceiver {
    this.assertOpen();
    const free = this.transceivers.find((t) => t.kind === track.kind && !t.sender.track && !t.stopped);
    if (free) {
      this.attach(free, track);
      if (free.direction === "recvonly") free.direction = "sendrecv";
      if (free.direction === "inactive") free.direction = "sendonly";
      this.emit("negotiationneeded");
      return free;
    }
    return this.addTransceiver(track, { direction: "sendrecv" });
  }

  private newTransceiver(mid: string, kind: "audio" | "video", direction: Direction): Transceiver {
    const t: Transceiver = {
      mid,
      kind,
      direction,
      currentDirection: undefined,
      sender: { track: undefined, ssrc: randomSsrc(), rtxSsrc: randomSsrc() },
      receiver: { track: new RemoteTrack(kind, mid) },
      stopped: false,
    };
    this.transceivers.push(t);
    return t;
  }

  private attach(t: Transceiver, track: LocalTrack): void {
    t.sender.track = track;
    const bundle = this.bundle;
    track.sink = {
      frame: (data, ts) => bundle.withSession((s, now) => s.sendFrame(now, t.mid, data, ts)),
      rtp: (packet) => bundle.withSession((s, now) => s.sendRtp(now, t.mid, packet)),
    };
  }

  // ---- offer / answer ---------------------------------------------------------------------------------

  async createOffer(options: { iceRestart?: boolean } = {}): Promise<SessionDescriptionInit> {
    this.assertOpen();
    const cert = await this.certificateReady;
    if (options.iceRestart || this.restartPending) this.restartIceCredentials();
    const desc = createOffer(
      {
        session: this.localSession(),
        transceivers: this.transceivers.map((t) => localTransceiver(t, this.cname)),
      },
      { transport: this.bundle.localTransport(cert) },
    );
    const sdp = writeSessionDescription(desc);
    this.descriptions.remember(sdp, desc);
    this.apply(jsepTransition(this.jsep, { kind: "created-offer", sdp }));
    return { type: "offer", sdp };
  }

  async createAnswer(): Promise<SessionDescriptionInit> {
    this.assertOpen();
    const cert = await this.certificateReady;
    const remote = this.jsep.pendingRemoteDescription;
    if (remote?.type !== "offer") throw domError("InvalidStateError", "createAnswer needs a remote offer");
    const offer = this.descriptions.parse(remote.sdp);
    const result = createAnswer(offer, {
      session: this.localSession(),
      transport: this.bundle.localTransport(cert),
      setup: this.config.answerSetup ?? "active",
      transceivers: this.transceivers.map((t) => ({
        mid: t.mid,
        direction: t.direction,
        ...(t.sender.track ? { sender: localSender(t, this.cname) } : {}),
        stopped: t.stopped,
      })),
      defaultDirection: "recvonly",
    });
    if (!result.ok) throw domError("OperationError", `cannot answer: ${result.error.message}`);
    const sdp = writeSessionDescription(result.value);
    this.descriptions.remember(sdp, result.value);
    this.apply(jsepTransition(this.jsep, { kind: "created-answer", sdp }));
    return { type: "answer", sdp };
  }

  async setLocalDescription(desc?: { type?: SdpType; sdp?: string }): Promise<void> {
    this.assertOpen();
    let type = desc?.type;
    let sdp = desc?.sdp;
    if (!type || (type !== "rollback" && !sdp)) {
      // Parameterless: create what the state calls for (W3C webrtc-pc §4.4.1.5).
      const made =
        this.signalingState === "have-remote-offer" ? await this.createAnswer() : await this.createOffer();
      type = made.type;
      sdp = made.sdp;
    }
    const r = jsepTransition(
      this.jsep,
      type === "rollback" ? { kind: "set-local", type } : { kind: "set-local", type, sdp: sdp as string },
    );
    this.apply(r);
    if (type === "rollback") return;
    this.bundle.ensureIce(type === "offer" ? "controlling" : "controlled");
    if (type === "answer") this.negotiated();
    void this.bundle.gatherOnce();
  }

  async setRemoteDescription(desc: { type: SdpType; sdp?: string }): Promise<void> {
    this.assertOpen();
    if (desc.type === "rollback") {
      this.apply(jsepTransition(this.jsep, { kind: "set-remote", type: "rollback", sdp: "" }));
      return;
    }
    const parsed = this.descriptions.parse(desc.sdp ?? "");
    const r = jsepTransition(this.jsep, { kind: "set-remote", type: desc.type, sdp: desc.sdp ?? "" });
    this.apply(r);
    // The remote transport: credentials, candidates, fingerprints (RFC 8842/8839).
    const mid = transportMid(parsed);
    const transport = remoteTransport(parsed, mid);
    if (!transport.ok) throw domError("InvalidAccessError", transport.error.message);
    this.bundle.remoteFingerprints = transport.value.fingerprints.flatMap(
      (f) => parseFingerprint(`${f.algorithm} ${f.value}`) ?? [],
    );
    if (this.bundle.remoteFingerprints.length === 0)
      throw domError("InvalidAccessError", "no usable a=fingerprint");
    if (desc.type === "offer") {
      this.bundle.ensureIce("controlled", transport.value.iceLite);
      for (const section of parsed.media) {
        if (section.port === 0 || !section.mid || (section.kind !== "audio" && section.kind !== "video"))
          continue;
        if (!this.transceivers.some((t) => t.mid === section.mid))
          this.newTransceiver(section.mid, section.kind, "recvonly");
      }
    } else this.bundle.ensureIce("controlling", transport.value.iceLite);
    const ice = this.bundle.ice as IceTransport;
    // RFC 8445 §9 / RFC 8839 §4.4.1.1.1: new remote credentials in an offer are an ICE restart: restart ours too.
    if (
      desc.type === "offer" &&
      this.remoteUfrag !== undefined &&
      this.remoteUfrag !== transport.value.iceUfrag
    ) {
      this.restartIceCredentials();
    }
    this.remoteUfrag = transport.value.iceUfrag;
    ice.setRemoteCredentials({ ufrag: transport.value.iceUfrag, pwd: transport.value.icePwd });
    for (const c of transport.value.candidates) void ice.addRemoteCandidate(c);
    if (transport.value.endOfCandidates) ice.endOfRemoteCandidates();
    for (const c of this.pendingRemoteCandidates.splice(0)) void this.addIceCandidate(c);
    if (desc.type === "answer") this.negotiated();
  }

  async addIceCandidate(init?: IceCandidateInit | null): Promise<void> {
    this.assertOpen();
    if (!this.remoteDescription) {
      if (this.pendingRemoteCandidates.length < 256) this.pendingRemoteCandidates.push(init ?? null);
      return;
    }
    const ice = this.bundle.ice as IceTransport;
    if (!init || init.candidate === "") {
      ice.endOfRemoteCandidates();
      return;
    }
    await ice.addRemoteCandidate(init.candidate);
  }

  /** Marks the next offer as an ICE restart (new credentials). */
  restartIce(): void {
    this.restartPending = true;
    this.emit("negotiationneeded");
  }

  async getStats(): Promise<StatsReport> {
    return buildStats({
      now: this.bundle.now(),
      session: this.bundle.session,
      ice: this.bundle.ice,
      certificate: this.bundle.certificate,
      remoteFingerprint: this.bundle.remoteFingerprints[0],
      dtlsRole: this.bundle.dtlsRole,
    });
  }

  async close(): Promise<void> {
    if (this.connectionState === "closed" || this.bundle.closing) return;
    this.bundle.closeSession();
    this.apply(jsepTransition(this.jsep, { kind: "close" }));
    for (const t of this.transceivers) t.receiver.track.end();
    await this.bundle.closeTransport();
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private withCandidates(d: SessionDescriptionInit): SessionDescriptionInit {
    return withLocalCandidates(d, this.bundle.localCandidates, this.bundle.localGatheringDone);
  }

  private assertOpen(): void {
    if (this.connectionState === "closed")
      throw domError("InvalidStateError", "the peer connection is closed");
  }

  private apply(r: ReturnType<typeof jsepTransition>): void {
    if (!r.ok) throw domError(r.error.name, r.error.message);
    const before = this.jsep.signalingState;
    this.jsep = r.state;
    if (before !== r.state.signalingState) this.emit("signalingstatechange", r.state.signalingState);
  }

  private localSession(): LocalSession {
    return { sessionId: this.sessionId, sessionVersion: this.sessionVersion++ };
  }

  private restartIceCredentials(): void {
    this.restartPending = false;
    this.bundle.restartIceCredentials();
  }

  /** Both descriptions are in: configure the streams, learn the DTLS role, start DTLS when ICE is ready. */
  private negotiated(): void {
    const local = this.jsep.currentLocalDescription;
    const remote = this.jsep.currentRemoteDescription;
    if (!local || !remote) return;
    const l = this.descriptions.parse(local.sdp);
    const r = this.descriptions.parse(remote.sdp);
    const weOffered = local.type === "offer";
    const media = negotiatedMedia(l, r, weOffered ? "offer" : "answer");
    if (!media.ok) throw domError("OperationError", media.error.message);
    const localSetup = l.media.find((m) => m.port !== 0)?.setup ?? l.media[0]?.setup;
    const remoteSetup = r.media.find((m) => m.port !== 0)?.setup ?? r.media[0]?.setup;
    const role = dtlsRoleFor(localSetup, remoteSetup, weOffered);
    if (!role.ok) throw domError("OperationError", role.error.message);
    this.bundle.dtlsRole = role.value;
    const session = this.bundle.createSession();
    if (!session) throw domError("OperationError", "certificate not ready");
    const locals: LocalStream[] = [];
    for (const t of this.transceivers) {
      const m = media.value.find((x) => x.mid === t.mid);
      if (!m) continue;
      t.currentDirection = m.rejected ? "inactive" : m.direction;
      if (t.sender.track) {
        locals.push({
          mid: t.mid,
          ssrc: t.sender.ssrc,
          rtxSsrc: t.sender.rtxSsrc,
          codec: t.sender.track.codec as MediaCodecName,
        });
      }
    }
    const plan = planStreams(media.value, locals);
    session.configure(plan.senders, plan.receivers);
    for (const rcv of plan.receivers) {
      const t = this.transceivers.find((x) => x.mid === rcv.mid);
      if (t && !this.announced.has(t.mid)) {
        this.announced.add(t.mid);
        const streams = media.value.find((m) => m.mid === t.mid)?.remoteStreams[0]?.streamIds ?? [];
        this.emit("track", { track: t.receiver.track, transceiver: t, streams });
      }
    }
    this.bundle.maybeStartDtls();
    this.bundle.flushSession();
    // Negotiation is done: the parsed descriptions are not needed until the next one (memory per connection).
    this.descriptions.clear();
  }

  private readonly announced = new Set<string>();
}
