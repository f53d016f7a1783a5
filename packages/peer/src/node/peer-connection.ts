import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import {
  type CertificateFingerprint,
  certificateFingerprint,
  type DtlsCertificate,
  generateCertificate,
  parseFingerprint,
} from "@tern/dtls-srtp";
import {
  formatCandidate,
  generateIceCredentials,
  type HostAddressOptions,
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  type IceServer,
  IceTransport,
  secureRandom,
  secureRandomU32,
  silentLogger,
} from "@tern/ice";
import type { Logger } from "pino";
import { type PeerConnectionState, peerConnectionState } from "../machine/connection-state.js";
import { MediaSession } from "../machine/media-session.js";
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
  type LocalTransceiver,
  type LocalTransport,
  negotiatedMedia,
  parseSessionDescription,
  remoteTransport,
  type SdpType,
  type SessionDescription,
  type SessionDescriptionInit,
  type SignalingState,
  writeSessionDescription,
} from "../sdp/index.js";
import { withLocalCandidates } from "../sdp/local-candidates.js";
import { type LocalTrack, RemoteTrack } from "./media-track.js";
import { buildStats, type StatsReport } from "./peer-stats.js";

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

let sharedCertificate: Promise<DtlsCertificate> | undefined;

/**
 * The certificate of connections that bring none: one self-signed ECDSA P-256 certificate per process,
 * made on first use (as libdatachannel does), so a connection's set-up does not pay for key generation and
 * signing. Its fingerprint identifies this process to every peer; pass `certificates` for one per connection.
 */
function processCertificate(): Promise<DtlsCertificate> {
  sharedCertificate ??= generateCertificate();
  return sharedCertificate;
}

function domError(name: string, message: string): Error {
  return new DOMException(message, name);
}

/** A random SSRC (never 0). */
function randomSsrc(): number {
  return secureRandomU32() || 1;
}

/**
 * A WebRTC peer connection with the browser's shape (W3C webrtc-pc), composing @tern/ice (one BUNDLE
 * transport), @tern/dtls-srtp and @tern/rtp through the sans-IO `MediaSession`. Signaling is yours: pass
 * descriptions and candidates as you would between browsers.
 */
export class PeerConnection extends EventEmitter<PeerConnectionEvents> {
  readonly transceivers: Transceiver[] = [];
  private jsep: JsepState = INITIAL_JSEP_STATE;
  private readonly log: Logger;
  private certificate: DtlsCertificate | undefined;
  private readonly certificateReady: Promise<DtlsCertificate>;
  private iceCredentials: IceCredentials;
  private ice: IceTransport | undefined;
  private session: MediaSession | undefined;
  private readonly session0 = performance.now();
  private readonly sessionId = createSessionId(secureRandom);
  private sessionVersion = 0;
  private readonly cname = randomUUID();
  private readonly localCandidates: string[] = [];
  private localGatheringDone = false;
  private pendingRemoteCandidates: (IceCandidateInit | null)[] = [];
  private dtlsRole: "client" | "server" | undefined;
  private remoteFingerprints: CertificateFingerprint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
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
    this.log = config.logger ?? silentLogger();
    this.iceCredentials = generateIceCredentials(secureRandom);
    const given = config.certificates?.[0];
    this.certificateReady = given ? Promise.resolve(given) : processCertificate();
    void this.certificateReady.then((c) => {
      this.certificate = c;
    });
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
    return { cipherSuite: this.session?.cipherSuite, srtpProfile: this.session?.srtpProfile };
  }
  /** The selected ICE candidate pair. */
  get selectedCandidatePair() {
    return this.ice?.selectedPair;
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
    track.sink = {
      frame: (data, ts) => this.withSession((s, now) => s.sendFrame(now, t.mid, data, ts)),
      rtp: (packet) => this.withSession((s, now) => s.sendRtp(now, t.mid, packet)),
    };
  }

  private withSession(fn: (s: MediaSession, now: number) => boolean): boolean {
    const s = this.session;
    if (!s) return false;
    const ok = fn(s, this.now());
    this.flushSession();
    return ok;
  }

  // ---- offer / answer ---------------------------------------------------------------------------------

  async createOffer(options: { iceRestart?: boolean } = {}): Promise<SessionDescriptionInit> {
    this.assertOpen();
    const cert = await this.certificateReady;
    if (options.iceRestart || this.restartPending) this.restartIceCredentials();
    const desc = createOffer(
      { session: this.localSession(), transceivers: this.transceivers.map((t) => this.localTransceiver(t)) },
      { transport: this.localTransport(cert) },
    );
    const sdp = writeSessionDescription(desc);
    this.remember(sdp, desc);
    this.apply(jsepTransition(this.jsep, { kind: "created-offer", sdp }));
    return { type: "offer", sdp };
  }

  async createAnswer(): Promise<SessionDescriptionInit> {
    this.assertOpen();
    const cert = await this.certificateReady;
    const remote = this.jsep.pendingRemoteDescription;
    if (remote?.type !== "offer") throw domError("InvalidStateError", "createAnswer needs a remote offer");
    const offer = this.parse(remote.sdp);
    const result = createAnswer(offer, {
      session: this.localSession(),
      transport: this.localTransport(cert),
      setup: this.config.answerSetup ?? "active",
      transceivers: this.transceivers.map((t) => ({
        mid: t.mid,
        direction: t.direction,
        ...(t.sender.track ? { sender: this.localSender(t) } : {}),
        stopped: t.stopped,
      })),
      defaultDirection: "recvonly",
    });
    if (!result.ok) throw domError("OperationError", `cannot answer: ${result.error.message}`);
    const sdp = writeSessionDescription(result.value);
    this.remember(sdp, result.value);
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
    this.ensureIce(type === "offer" ? "controlling" : "controlled");
    if (type === "answer") this.negotiated();
    void this.gatherOnce();
  }

  async setRemoteDescription(desc: { type: SdpType; sdp?: string }): Promise<void> {
    this.assertOpen();
    if (desc.type === "rollback") {
      this.apply(jsepTransition(this.jsep, { kind: "set-remote", type: "rollback", sdp: "" }));
      return;
    }
    const parsed = this.parse(desc.sdp ?? "");
    const r = jsepTransition(this.jsep, { kind: "set-remote", type: desc.type, sdp: desc.sdp ?? "" });
    this.apply(r);
    // The remote transport: credentials, candidates, fingerprints (RFC 8842/8839).
    const mid = this.transportMid(parsed);
    const transport = remoteTransport(parsed, mid);
    if (!transport.ok) throw domError("InvalidAccessError", transport.error.message);
    this.remoteFingerprints = transport.value.fingerprints.flatMap(
      (f) => parseFingerprint(`${f.algorithm} ${f.value}`) ?? [],
    );
    if (this.remoteFingerprints.length === 0) throw domError("InvalidAccessError", "no usable a=fingerprint");
    if (desc.type === "offer") {
      this.ensureIce("controlled", transport.value.iceLite);
      for (const section of parsed.media) {
        if (section.port === 0 || !section.mid || (section.kind !== "audio" && section.kind !== "video"))
          continue;
        if (!this.transceivers.some((t) => t.mid === section.mid))
          this.newTransceiver(section.mid, section.kind, "recvonly");
      }
    } else this.ensureIce("controlling", transport.value.iceLite);
    const ice = this.ice as IceTransport;
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
    const ice = this.ice as IceTransport;
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
      now: this.now(),
      session: this.session,
      ice: this.ice,
      certificate: this.certificate,
      remoteFingerprint: this.remoteFingerprints[0],
      dtlsRole: this.dtlsRole,
    });
  }

  async close(): Promise<void> {
    if (this.connectionState === "closed" || this.closing) return;
    this.closing = true; // the transports winding down must not pass through "connecting" on the way out
    this.session?.close();
    this.flushSession();
    if (this.timer) clearTimeout(this.timer);
    this.apply(jsepTransition(this.jsep, { kind: "close" }));
    for (const t of this.transceivers) t.receiver.track.end();
    await this.ice?.close();
    this.setConnectionState("closed");
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private withCandidates(d: SessionDescriptionInit): SessionDescriptionInit {
    return withLocalCandidates(d, this.localCandidates, this.localGatheringDone);
  }

  private now(): number {
    return performance.now() - this.session0;
  }

  private assertOpen(): void {
    if (this.connectionState === "closed")
      throw domError("InvalidStateError", "the peer connection is closed");
  }

  /** Parses a description once: the same text comes back for createAnswer, negotiation, renegotiation. */
  private parse(sdp: string): SessionDescription {
    const cached = this.parsed.get(sdp);
    if (cached) return cached;
    const p = parseSessionDescription(sdp);
    if (!p.ok) throw domError("InvalidAccessError", `bad SDP: ${p.error.code} at ${p.error.at}`);
    this.remember(sdp, p.value);
    return p.value;
  }

  /**
   * The model behind a text: parsed, or the one we wrote it from (a description we create reads back
   * equal to its model — sdp-tern-to-tern.test.ts — so our own offer or answer is never parsed again).
   */
  private remember(sdp: string, desc: SessionDescription): void {
    if (this.parsed.size >= 4) this.parsed.delete(this.parsed.keys().next().value as string);
    this.parsed.set(sdp, desc);
  }

  private readonly parsed = new Map<string, SessionDescription>();

  private apply(r: ReturnType<typeof jsepTransition>): void {
    if (!r.ok) throw domError(r.error.name, r.error.message);
    const before = this.jsep.signalingState;
    this.jsep = r.state;
    if (before !== r.state.signalingState) this.emit("signalingstatechange", r.state.signalingState);
  }

  private localSession(): LocalSession {
    return { sessionId: this.sessionId, sessionVersion: this.sessionVersion++ };
  }

  private localTransport(cert: DtlsCertificate): LocalTransport {
    const fp = this.fingerprintOf(cert);
    return {
      iceUfrag: this.iceCredentials.ufrag,
      icePwd: this.iceCredentials.pwd,
      fingerprints: [fp],
      candidates: this.localCandidates,
      endOfCandidates: this.localGatheringDone,
    };
  }

  private fingerprintOf(cert: DtlsCertificate): CertificateFingerprint {
    const leaf = cert.chain[0];
    if (!leaf) throw domError("InvalidStateError", "certificate without a leaf");
    return certificateFingerprint(leaf, "sha-256");
  }

  private localSender(t: Transceiver) {
    return {
      ssrc: t.sender.ssrc,
      rtxSsrc: t.sender.rtxSsrc,
      cname: this.cname,
      streamIds: [this.cname],
      trackId: t.sender.track?.id ?? t.mid,
    };
  }

  private localTransceiver(t: Transceiver): LocalTransceiver {
    return {
      mid: t.mid,
      kind: t.kind,
      direction: t.direction,
      ...(t.sender.track ? { sender: this.localSender(t) } : {}),
      stopped: t.stopped,
    };
  }

  /** The mid whose m= section carries the transport: the first of the BUNDLE group we take part in. */
  private transportMid(desc: SessionDescription): string | undefined {
    const group = desc.groups.find((g) => g.semantics === "BUNDLE");
    for (const mid of group?.mids ?? []) {
      const s = desc.media.find((m) => m.mid === mid);
      if (s && s.port !== 0) return mid;
    }
    return undefined;
  }

  private restartIceCredentials(): void {
    this.restartPending = false;
    if (this.ice) {
      this.iceCredentials = this.ice.restart();
      this.localCandidates.length = 0;
      this.localGatheringDone = false;
      this.gathered = false;
    } else this.iceCredentials = generateIceCredentials(secureRandom);
  }

  private ensureIce(role: "controlling" | "controlled", remoteIceLite = false): void {
    if (this.ice) return;
    const ice = new IceTransport({
      role,
      remoteIceLite,
      localCredentials: this.iceCredentials,
      ...(this.config.iceServers ? { iceServers: this.config.iceServers } : {}),
      ...(this.config.iceTransportPolicy ? { iceTransportPolicy: this.config.iceTransportPolicy } : {}),
      ...(this.config.iceAddresses ? { addresses: this.config.iceAddresses } : {}),
      ...(this.config.iceInterfaces ? { interfaces: this.config.iceInterfaces } : {}),
      mdns: this.config.mdns ?? true,
      ...(this.config.logger ? { logger: this.log.child({ layer: "ice" }) } : {}),
    });
    this.ice = ice;
    ice.on("candidate", (c) => {
      if (c) {
        const line = `candidate:${formatCandidateLine(c)}`;
        this.localCandidates.push(line);
        this.emit("icecandidate", {
          candidate: {
            candidate: line,
            sdpMid: this.firstMid(),
            sdpMLineIndex: 0,
            usernameFragment: this.iceCredentials.ufrag,
          },
        });
      } else {
        this.localGatheringDone = true;
        this.emit("icecandidate", { candidate: null });
      }
    });
    ice.on("icecandidateerror", (e) =>
      this.emit("icecandidateerror", { url: e.url, errorText: e.error.message }),
    );
    ice.on("gatheringstatechange", (s) => {
      this.iceGatheringState = s;
      this.emit("icegatheringstatechange", s);
    });
    ice.on("connectionstatechange", (s) => {
      this.iceConnectionState = s;
      if ((s === "connected" || s === "completed") && this.timings.iceConnected === undefined)
        this.timings.iceConnected = this.now();
      this.emit("iceconnectionstatechange", s);
      this.updateConnectionState();
    });
    ice.on("selectedpair", () => this.maybeStartDtls());
    ice.on("data", (d) => {
      const s = this.session ?? this.createSession();
      if (!s) return;
      s.handleDatagram(this.now(), new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      this.flushSession();
    });
  }

  private firstMid(): string {
    return this.transceivers[0]?.mid ?? "0";
  }

  private gathered = false;
  private async gatherOnce(): Promise<void> {
    if (this.gathered || !this.ice) return;
    this.gathered = true;
    await this.ice.gather();
  }

  private createSession(): MediaSession | undefined {
    if (this.session) return this.session;
    const cert = this.certificate;
    if (!cert) return undefined;
    this.session = new MediaSession({
      certificate: cert,
      random: secureRandom,
      cname: this.cname,
      unixMsAtZero: Date.now() - this.now(),
      wantsRtp: (mid) =>
        (this.transceivers.find((t) => t.mid === mid)?.receiver.track.listenerCount("rtp") ?? 0) > 0,
      ...(this.config.srtpProfiles ? { srtpProfiles: this.config.srtpProfiles } : {}),
      ...(this.config.keyLog ? { keyLog: this.config.keyLog } : {}),
    });
    return this.session;
  }

  /** Both descriptions are in: configure the streams, learn the DTLS role, start DTLS when ICE is ready. */
  private negotiated(): void {
    const local = this.jsep.currentLocalDescription;
    const remote = this.jsep.currentRemoteDescription;
    if (!local || !remote) return;
    const l = this.parse(local.sdp);
    const r = this.parse(remote.sdp);
    const weOffered = local.type === "offer";
    const media = negotiatedMedia(l, r, weOffered ? "offer" : "answer");
    if (!media.ok) throw domError("OperationError", media.error.message);
    const localSetup = l.media.find((m) => m.port !== 0)?.setup ?? l.media[0]?.setup;
    const remoteSetup = r.media.find((m) => m.port !== 0)?.setup ?? r.media[0]?.setup;
    const role = dtlsRoleFor(localSetup, remoteSetup, weOffered);
    if (!role.ok) throw domError("OperationError", role.error.message);
    this.dtlsRole = role.value;
    const session = this.createSession();
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
    this.maybeStartDtls();
    this.flushSession();
    // Negotiation is done: the parsed descriptions are not needed until the next one (memory per connection).
    this.parsed.clear();
  }

  private readonly announced = new Set<string>();

  private maybeStartDtls(): void {
    const s = this.session;
    if (!s || s.dtls || !this.dtlsRole || !this.ice?.selectedPair) return;
    s.startDtls(this.now(), this.dtlsRole, this.remoteFingerprints);
    this.updateConnectionState();
    this.flushSession();
  }

  private flushSession(): void {
    const s = this.session;
    if (!s) return;
    const ice = this.ice;
    for (let d = s.pollTransmit(); d; d = s.pollTransmit()) {
      try {
        ice?.send(d);
      } catch {
        // no selected pair (yet, or any more): the datagram is lost, as on a wire
      }
    }
    for (let e = s.pollEvent(); e; e = s.pollEvent()) {
      switch (e.kind) {
        case "dtls-connected":
          this.timings.dtlsConnected = this.now();
          this.log.debug({ cipherSuite: e.cipherSuite, srtpProfile: e.srtpProfile }, "DTLS connected");
          this.updateConnectionState();
          break;
        case "failed":
          this.log.warn({ err: e.error }, "DTLS failed");
          this.dtlsFailed = true;
          this.updateConnectionState();
          break;
        case "closed":
          this.dtlsClosed = true;
          this.updateConnectionState();
          break;
        case "frame": {
          const t = this.transceivers.find((x) => x.mid === e.mid);
          t?.receiver.track.pushFrame({
            data: e.data,
            isKeyframe: e.isKeyframe,
            rtpTimestamp: e.rtpTimestamp,
          });
          break;
        }
        case "rtp": {
          const t = this.transceivers.find((x) => x.mid === e.mid);
          t?.receiver.track.emit("rtp", e.packet);
          break;
        }
        case "keyframe-request":
          this.transceivers.find((x) => x.mid === e.mid)?.sender.track?.emit("keyframerequest");
          break;
        case "remote-stream":
          break;
      }
    }
    this.armTimer();
  }

  private dtlsFailed = false;
  private closing = false;
  private dtlsClosed = false;

  private armTimer(): void {
    const at = this.session?.pollTimeout();
    // Re-arm only for an earlier deadline: a timer that fires early is harmless (the machine finds nothing
    // due and the flush re-arms), while clearTimeout + setTimeout on every packet is not free.
    if (
      at === undefined ||
      this.connectionState === "closed" ||
      (this.timer !== undefined && this.timerAt !== undefined && this.timerAt <= at)
    ) {
      if (this.connectionState === "closed" && this.timer) clearTimeout(this.timer);
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = undefined;
        this.session?.handleTimeout(this.now());
        this.flushSession();
      },
      Math.max(0, at - this.now()),
    );
  }

  private updateConnectionState(): void {
    if (this.connectionState === "closed" || this.closing) return;
    this.setConnectionState(
      peerConnectionState({
        ice: this.iceConnectionState,
        dtlsStarted: this.session?.dtls !== undefined,
        dtlsConnected: this.session?.srtp !== undefined,
        dtlsFailed: this.dtlsFailed,
        dtlsClosed: this.dtlsClosed,
      }),
    );
  }

  private setConnectionState(s: PeerConnectionState): void {
    if (this.connectionState === s) return;
    this.connectionState = s;
    this.emit("connectionstatechange", s);
  }
}

function formatCandidateLine(c: Parameters<typeof formatCandidate>[0]): string {
  return formatCandidate(c).slice("candidate:".length);
}
