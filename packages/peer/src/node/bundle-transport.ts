import type { CertificateFingerprint, DtlsCertificate } from "@tern/dtls-srtp";
import {
  type Candidate,
  DeadlineTimer,
  generateIceCredentials,
  type IceCredentials,
  IceTransport,
  secureRandom,
  silentLogger,
  UsageError,
} from "@tern/ice";
import type { RtpPacket } from "@tern/rtp";
import type { Logger } from "pino";
import { type PeerConnectionState, peerConnectionState } from "../machine/connection-state.js";
import { MediaSession } from "../machine/media-session.js";
import type { LocalTransport, RemoteTransport } from "../sdp/index.js";
import { ByeGrace } from "./bye-grace.js";
import { resetIceStates, STUN_TIMING, wireIceTransport } from "./ice-wiring.js";
import { localTransport } from "./local-parameters.js";
import { OncePerTurn } from "./once-per-turn.js";
import type { BundleTransportHost, PeerConnectionConfig } from "./peer-connection-types.js";
import { RemoteIceParameters } from "./remote-ice-parameters.js";
import { deliverMediaEvent, transceiverOf } from "./stream-wiring.js";

/**
 * The one transport every m= section shares (RFC 8843 BUNDLE, max-bundle): an `IceTransport` below, the
 * sans-IO `MediaSession` (DTLS-SRTP, RTP) above, and the adapter's pump between them — after every input
 * drain `pollTransmit()` / `pollEvent()`, then arm one timer at `pollTimeout()` — and the peer connection's
 * state computed from both (W3C webrtc-pc §4.3.3). It starts only when a negotiation accepts an m= section.
 */
export class BundleTransport {
  private readonly log: Logger;
  private readonly session0 = performance.now();
  private _certificate: DtlsCertificate | undefined;
  private _iceCredentials: IceCredentials;
  private _ice: IceTransport | undefined;
  private _session: MediaSession | undefined;
  /** Our candidates so far, as "candidate:…" lines, for the local description. */
  readonly localCandidates: string[] = [];
  private _localGatheringDone = false;
  private gathered = false;
  /** Our DTLS role, fixed by the first negotiation (RFC 8842 §5). */
  dtlsRole: "client" | "server" | undefined;
  /** The remote a=fingerprint values the peer's certificate must match (RFC 8122 §5). */
  remoteFingerprints: readonly CertificateFingerprint[] = [];
  /** The remote ICE parameters and candidates, kept while no ICE transport runs yet. */
  private readonly remote = new RemoteIceParameters();
  private readonly timer = new DeadlineTimer(
    () =>
      this.guard(() => {
        this._session?.handleTimeout(this.now());
        this.checkByeGrace();
        this.flushSession();
      }),
    () => this.now(),
  );
  /** The timer is armed at the session's next deadline once per event-loop turn, not per datagram. */
  private readonly armSoon = new OncePerTurn(() => {
    if (!this._closing) this.guard(() => this.armTimer());
  });
  private dtlsFailed = false;
  /** Datagrams dropped because ICE had no selected pair (yet, or any more). */
  datagramsWithoutPair = 0;
  /** An error `ice.send` threw that was not "no selected pair": the transport below is broken. */
  sendError: Error | undefined;
  private _closing = false;
  private remoteClosed = false;
  /** RTCP BYE on every remote stream: the connection closes after a grace unless the peer speaks again. */
  private readonly bye = new ByeGrace();

  constructor(
    private readonly host: BundleTransportHost,
    private readonly config: () => PeerConnectionConfig,
    private readonly cname: string,
    certificateReady: Promise<DtlsCertificate>,
  ) {
    this.log = config().logger ?? silentLogger();
    this._iceCredentials = generateIceCredentials(secureRandom);
    void certificateReady.then((c) => {
      this._certificate = c;
    });
  }

  get certificate(): DtlsCertificate | undefined {
    return this._certificate;
  }
  get iceCredentials(): IceCredentials {
    return this._iceCredentials;
  }
  get ice(): IceTransport | undefined {
    return this._ice;
  }
  get session(): MediaSession | undefined {
    return this._session;
  }
  get localGatheringDone(): boolean {
    return this._localGatheringDone;
  }
  /** Closing has begun: the transports winding down do not move the connection state any more. */
  get closing(): boolean {
    return this._closing;
  }

  /** ms since the peer connection was made: the clock of the machines and of `timings`. */
  now(): number {
    return performance.now() - this.session0;
  }

  /** One encoded frame on `mid`'s sender, then the session pumped; false without a session (or sender). */
  sendFrame(mid: string, frame: Uint8Array, rtpTimestamp: number): boolean {
    const s = this._session;
    if (!s) return false;
    const now = this.now();
    const ok = s.sendFrame(now, mid, frame, rtpTimestamp);
    this.flushSession(now);
    return ok;
  }

  /** One ready RTP packet on `mid`'s sender, then the session pumped; false without a session (or sender). */
  sendRtp(mid: string, packet: RtpPacket): boolean {
    const s = this._session;
    if (!s) return false;
    const now = this.now();
    const ok = s.sendRtp(now, mid, packet);
    this.flushSession(now);
    return ok;
  }

  /** Our transport's parameters for a local description (credentials, fingerprint, candidates so far). */
  localTransport(cert: DtlsCertificate): LocalTransport {
    return localTransport(this._iceCredentials, cert, this.localCandidates, this._localGatheringDone);
  }

  /** New ICE credentials for the next local offer (applied to ICE when the offer is set). */
  nextIceCredentials(): IceCredentials {
    return generateIceCredentials(secureRandom);
  }

  /** RFC 8445 §9: restart ICE with `credentials` (ours from now on); gathering starts again. */
  restartIce(credentials: IceCredentials): void {
    this._iceCredentials = credentials;
    if (this._ice) {
      this._ice.agent.restart(this._ice.now(), credentials);
      this.localCandidates.length = 0;
      this._localGatheringDone = false;
      this.gathered = false;
    }
  }

  /** The remote side's current ICE ufrag, once a remote description gave one. */
  get remoteUfrag(): string | undefined {
    return this.remote.ufrag;
  }

  /** The remote side's ICE credentials and the DTLS fingerprints its certificate must match. */
  setRemote(t: RemoteTransport, fingerprints: readonly CertificateFingerprint[]): void {
    this.remoteFingerprints = fingerprints;
    this.remote.set(t, this._ice);
  }

  addRemoteCandidate(c: Candidate): void {
    this.remote.addCandidate(c, this._ice);
  }

  endOfRemoteCandidates(): void {
    this.remote.end(this._ice);
  }

  /** The ICE transport, made on the first negotiation that accepts an m= section; then it gathers. */
  startIce(role: "controlling" | "controlled"): void {
    if (this._ice) return;
    const config = this.config();
    const ice = new IceTransport({
      role,
      remoteIceLite: this.remote.iceLite,
      localCredentials: this._iceCredentials,
      ...(config.iceServers ? { iceServers: config.iceServers } : {}),
      ...(config.iceTransportPolicy ? { iceTransportPolicy: config.iceTransportPolicy } : {}),
      ...(config.iceAddresses ? { addresses: config.iceAddresses } : {}),
      ...(config.iceInterfaces ? { interfaces: config.iceInterfaces } : {}),
      mdns: config.mdns ?? true,
      ...STUN_TIMING,
      ...(config.logger ? { logger: this.log.child({ layer: "ice" }) } : {}),
      // The media path: datagrams straight to the session (no Buffer, no event per datagram).
      onData: (d) => this.receive(d),
    });
    this._ice = ice;
    wireIceTransport(ice, this, this.host);
    this.remote.applyTo(ice);
  }

  /** @internal gathering is complete: the local description says a=end-of-candidates */
  gatheringDone(): void {
    this._localGatheringDone = true;
  }

  async gatherOnce(): Promise<void> {
    if (this.gathered || !this._ice) return;
    this.gathered = true;
    await this._ice.gather();
  }

  createSession(): MediaSession | undefined {
    if (this._session) return this._session;
    const cert = this._certificate;
    if (!cert) return undefined;
    const config = this.config();
    this._session = new MediaSession({
      certificate: cert,
      random: secureRandom,
      cname: this.cname,
      unixMsAtZero: Date.now() - this.now(),
      wantsRtp: (mid) =>
        (transceiverOf(this.host.transceivers, mid)?.receiver.track.listenerCount("rtp") ?? 0) > 0,
      ...(config.srtpProfiles ? { srtpProfiles: config.srtpProfiles } : {}),
      ...(config.dtlsVersions ? { dtlsVersions: config.dtlsVersions } : {}),
      ...(config.dtlsGroups ? { dtlsGroups: config.dtlsGroups } : {}),
      ...(config.keyLog ? { keyLog: config.keyLog } : {}),
      ...(config.pacingBitrateBps !== undefined ? { pacingBitrateBps: config.pacingBitrateBps } : {}),
      ...(config.congestionControl ? { congestionControl: config.congestionControl } : {}),
      dataChannels: this.host.dataChannels.machine,
    });
    return this._session;
  }

  maybeStartDtls(): void {
    const s = this._session;
    if (!s || s.dtls || !this.dtlsRole || !this._ice?.selectedPair) return;
    s.startDtls(this.now(), this.dtlsRole, this.remoteFingerprints);
    this.updateConnectionState();
    this.flushSession();
  }

  /**
   * Drains the session to ICE and its events to the connection, then has the timer armed (once per
   * event-loop turn, not per datagram); false without a session. `now`: the caller's clock, if read.
   */
  flushSession(now = this.now()): boolean {
    const s = this._session;
    if (!s) return false;
    s.flushData(now);
    const ice = this._ice;
    for (let d = s.pollTransmit(); d; d = s.pollTransmit()) {
      try {
        ice?.send(d);
      } catch (err) {
        // No selected pair (yet, or any more): the datagram is lost, as on a wire. Anything else is not a
        // lost packet but a broken transport (or our bug): it fails the connection, once, and is logged.
        if (err instanceof UsageError) this.datagramsWithoutPair++;
        else this.failSend(err);
      }
    }
    for (let e = s.pollEvent(); e; e = s.pollEvent()) {
      switch (e.kind) {
        case "dtls-connected":
          this.host.timings.dtlsConnected = now;
          this.log.debug({ cipherSuite: e.cipherSuite, srtpProfile: e.srtpProfile }, "DTLS connected");
          this.updateConnectionState();
          break;
        case "failed":
          this.log.warn({ err: e.error }, "DTLS failed");
          this.dtlsFailed = true;
          this.updateConnectionState();
          break;
        case "closed":
          this.remoteClosed = true;
          this.updateConnectionState();
          break;
        case "remote-bye":
          if (e.all) this.bye.allSaidBye(now);
          break;
        case "frame":
        case "rtp":
        case "keyframe-request":
          deliverMediaEvent(this.host.transceivers, e);
          break;
        case "bandwidth-estimate": // congestion control's new target (congestion-controller.ts)
          this.host.emit("bandwidthestimate", e.estimate);
          break;
        case "remote-stream":
        case "application-data":
          break;
      }
    }
    this.host.dataChannels.drain();
    this.armSoon.request();
    return true;
  }

  /** A remote description arrived: a BYE on every stream was a renegotiation, not a goodbye. */
  peerSpoke(): void {
    this.bye.peerSpoke();
  }

  private checkByeGrace(): void {
    if (!this.bye.expired(this.now())) return;
    this.log.debug("every remote stream said BYE and the peer went quiet: closed");
    this.remoteClosed = true;
    this.updateConnectionState();
  }

  /** Every m= section was rejected: the transport stops (nothing to carry), states back to new. */
  async stopIce(): Promise<void> {
    const ice = this._ice;
    if (!ice) return;
    this._ice = undefined;
    this.gathered = false;
    this.localCandidates.length = 0;
    this._localGatheringDone = false;
    ice.removeAllListeners();
    await ice.close();
  }

  /** Closing, first half: the media session closes (DTLS close_notify and BYE go out), the timer stops. */
  closeSession(): void {
    this._closing = true; // the transports winding down must not pass through "connecting" on the way out
    this._session?.close(this.now());
    this.flushSession();
    this.timer.clear();
  }

  /**
   * Closing, second half: the ICE transport closes — after the datagrams just handed to its sockets have
   * left (a socket closed in the same tick drops a send still resolving its address: the peer would never
   * see our close_notify).
   */
  async closeTransport(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this._ice?.close();
  }

  private failSend(err: unknown): void {
    if (this.sendError) return;
    this.sendError = err instanceof Error ? err : new Error(String(err));
    this.log.error({ err: this.sendError }, "sending on the ICE transport failed; the connection fails");
    this.updateConnectionState();
  }

  private armTimer(): void {
    if (this.host.connectionState === "closed") this.timer.clear();
    else {
      const t = this._session?.pollTimeout();
      const bye = this.bye.deadline;
      this.timer.arm(bye !== undefined && (t === undefined || bye < t) ? bye : t);
    }
  }

  /** @internal */
  updateConnectionState(): void {
    if (this.host.connectionState === "closed" || this._closing) return;
    this.setConnectionState(
      peerConnectionState({
        ice: this.host.iceConnectionState,
        dtlsStarted: this._session?.dtls !== undefined,
        dtlsConnected: this._session?.dtlsConnected === true,
        dtlsFailed: this.dtlsFailed || this.sendError !== undefined,
        dtlsClosed: this.remoteClosed,
      }),
    );
  }

  /** The transport was stopped (all rejected): the connection is "new" again. */
  resetStates(): void {
    if (this.host.connectionState === "closed") return;
    resetIceStates(this.host);
    this.setConnectionState("new");
  }

  private setConnectionState(s: PeerConnectionState): void {
    if (this.host.connectionState === s) return;
    this.host.connectionState = s;
    this.host.emit("connectionstatechange", s);
  }

  /** A datagram from the peer that is not STUN, under the guard without a closure per datagram. */
  private receive(d: Uint8Array): void {
    try {
      const s = this._session ?? this.createSession();
      if (!s) return;
      this.bye.peerSpoke(); // the peer is still talking
      const now = this.now();
      s.handleDatagram(now, d);
      this.flushSession(now);
    } catch (err) {
      this.host.internalError(err);
    }
  }

  /** Every socket and timer callback runs through here: what it catches is our bug. */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.host.internalError(err);
    }
  }
}
