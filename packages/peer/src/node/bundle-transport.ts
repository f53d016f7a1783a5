import type { EventEmitter } from "node:events";
import type { CertificateFingerprint, DtlsCertificate } from "@tern/dtls-srtp";
import {
  DeadlineTimer,
  formatCandidate,
  generateIceCredentials,
  type IceConnectionState,
  type IceCredentials,
  type IceGatheringState,
  IceTransport,
  secureRandom,
  silentLogger,
} from "@tern/ice";
import type { Logger } from "pino";
import { type PeerConnectionState, peerConnectionState } from "../machine/connection-state.js";
import { MediaSession } from "../machine/media-session.js";
import type { LocalTransport } from "../sdp/index.js";
import { localTransport } from "./local-parameters.js";
import type { PeerConnectionConfig, PeerConnectionEvents, Transceiver } from "./peer-connection-types.js";

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
  emit: EventEmitter<PeerConnectionEvents>["emit"];
}

/**
 * The one transport every m= section shares (RFC 8843 BUNDLE, max-bundle): an `IceTransport` below, the
 * sans-IO `MediaSession` (DTLS-SRTP, RTP) above, and the adapter's pump between them — after every input
 * drain `pollTransmit()` / `pollEvent()`, then arm one timer at `pollTimeout()` — and the peer connection's
 * state computed from both (W3C webrtc-pc §4.3.3).
 */
export class BundleTransport {
  private readonly transceivers: readonly Transceiver[];
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
  /** Our DTLS role, once both descriptions are in (RFC 8842 §5). */
  dtlsRole: "client" | "server" | undefined;
  /** The remote a=fingerprint values the peer's certificate must match (RFC 8122 §5). */
  remoteFingerprints: CertificateFingerprint[] = [];
  private readonly timer = new DeadlineTimer(
    () => {
      this._session?.handleTimeout(this.now());
      this.flushSession();
    },
    () => this.now(),
  );
  private dtlsFailed = false;
  private _closing = false;
  private dtlsClosed = false;

  constructor(
    private readonly host: BundleTransportHost,
    private readonly config: PeerConnectionConfig,
    private readonly cname: string,
    certificateReady: Promise<DtlsCertificate>,
  ) {
    this.transceivers = host.transceivers;
    this.log = config.logger ?? silentLogger();
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

  /** Runs `fn` on the media session (if there is one yet), then pumps it. */
  withSession(fn: (s: MediaSession, now: number) => boolean): boolean {
    const s = this._session;
    if (!s) return false;
    const ok = fn(s, this.now());
    this.flushSession();
    return ok;
  }

  /** Our transport's parameters for a local description (credentials, fingerprint, candidates so far). */
  localTransport(cert: DtlsCertificate): LocalTransport {
    return localTransport(this._iceCredentials, cert, this.localCandidates, this._localGatheringDone);
  }

  restartIceCredentials(): void {
    if (this._ice) {
      this._iceCredentials = this._ice.restart();
      this.localCandidates.length = 0;
      this._localGatheringDone = false;
      this.gathered = false;
    } else this._iceCredentials = generateIceCredentials(secureRandom);
  }

  ensureIce(role: "controlling" | "controlled", remoteIceLite = false): void {
    if (this._ice) return;
    const ice = new IceTransport({
      role,
      remoteIceLite,
      localCredentials: this._iceCredentials,
      ...(this.config.iceServers ? { iceServers: this.config.iceServers } : {}),
      ...(this.config.iceTransportPolicy ? { iceTransportPolicy: this.config.iceTransportPolicy } : {}),
      ...(this.config.iceAddresses ? { addresses: this.config.iceAddresses } : {}),
      ...(this.config.iceInterfaces ? { interfaces: this.config.iceInterfaces } : {}),
      mdns: this.config.mdns ?? true,
      ...(this.config.logger ? { logger: this.log.child({ layer: "ice" }) } : {}),
      // The media path: datagrams straight to the session (no Buffer, no event per datagram).
      onData: (d) => {
        const s = this._session ?? this.createSession();
        if (!s) return;
        s.handleDatagram(this.now(), d);
        this.flushSession();
      },
    });
    this._ice = ice;
    const host = this.host;
    ice.on("candidate", (c) => {
      if (c) {
        const line = `candidate:${formatCandidateLine(c)}`;
        this.localCandidates.push(line);
        host.emit("icecandidate", {
          candidate: {
            candidate: line,
            sdpMid: this.firstMid(),
            sdpMLineIndex: 0,
            usernameFragment: this._iceCredentials.ufrag,
          },
        });
      } else {
        this._localGatheringDone = true;
        host.emit("icecandidate", { candidate: null });
      }
    });
    ice.on("icecandidateerror", (e) =>
      host.emit("icecandidateerror", { url: e.url, errorText: e.error.message }),
    );
    ice.on("gatheringstatechange", (s) => {
      host.iceGatheringState = s;
      host.emit("icegatheringstatechange", s);
    });
    ice.on("connectionstatechange", (s) => {
      host.iceConnectionState = s;
      if ((s === "connected" || s === "completed") && host.timings.iceConnected === undefined)
        host.timings.iceConnected = this.now();
      host.emit("iceconnectionstatechange", s);
      this.updateConnectionState();
    });
    ice.on("selectedpair", () => this.maybeStartDtls());
  }

  private firstMid(): string {
    return this.transceivers[0]?.mid ?? "0";
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
    this._session = new MediaSession({
      certificate: cert,
      random: secureRandom,
      cname: this.cname,
      unixMsAtZero: Date.now() - this.now(),
      wantsRtp: (mid) =>
        (this.transceivers.find((t) => t.mid === mid)?.receiver.track.listenerCount("rtp") ?? 0) > 0,
      ...(this.config.srtpProfiles ? { srtpProfiles: this.config.srtpProfiles } : {}),
      ...(this.config.keyLog ? { keyLog: this.config.keyLog } : {}),
      ...(this.config.pacingBitrateBps !== undefined
        ? { pacingBitrateBps: this.config.pacingBitrateBps }
        : {}),
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

  flushSession(): void {
    const s = this._session;
    if (!s) return;
    const ice = this._ice;
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
          this.host.timings.dtlsConnected = this.now();
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

  /** Closing, first half: the media session closes (DTLS close_notify goes out) and the timer stops. */
  closeSession(): void {
    this._closing = true; // the transports winding down must not pass through "connecting" on the way out
    this._session?.close();
    this.flushSession();
    this.timer.clear();
  }

  /** Closing, second half: the ICE transport closes, then the connection is "closed". */
  async closeTransport(): Promise<void> {
    await this._ice?.close();
    this.setConnectionState("closed");
  }

  private armTimer(): void {
    if (this.host.connectionState === "closed") this.timer.clear();
    else this.timer.arm(this._session?.pollTimeout());
  }

  private updateConnectionState(): void {
    if (this.host.connectionState === "closed" || this._closing) return;
    this.setConnectionState(
      peerConnectionState({
        ice: this.host.iceConnectionState,
        dtlsStarted: this._session?.dtls !== undefined,
        dtlsConnected: this._session?.srtp !== undefined,
        dtlsFailed: this.dtlsFailed,
        dtlsClosed: this.dtlsClosed,
      }),
    );
  }

  private setConnectionState(s: PeerConnectionState): void {
    if (this.host.connectionState === s) return;
    this.host.connectionState = s;
    this.host.emit("connectionstatechange", s);
  }
}

function formatCandidateLine(c: Parameters<typeof formatCandidate>[0]): string {
  return formatCandidate(c).slice("candidate:".length);
}
