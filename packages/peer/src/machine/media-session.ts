import type { CertificateFingerprint, DtlsEndpoint, SrtpContext, SrtpProfileName } from "@tern/dtls-srtp";
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeRtcpCompound,
  encodeRtcpPacket,
  ntpTimestampFromUnixMs,
  type RtcpPacket,
  type RtpPacket,
} from "@tern/rtp";
import { CongestionController } from "./congestion-controller.js";
import type { SctpTransportParameters } from "./data-channels.js";
import { DtlsTransport, type DtlsTransportEvent } from "./dtls-transport.js";
import { MediaReceivePath } from "./media-receive-path.js";
import { MediaSendPath } from "./media-send-path.js";
import type { MediaSessionCounters, MediaSessionEvent, MediaSessionOptions } from "./media-session-types.js";
import type { PacedSender } from "./paced-sender.js";
import { handleRtcpPacket, type RtcpFeedbackTarget } from "./rtcp-feedback.js";
import { periodicReports } from "./rtcp-reports.js";
import type { RtpReceiver } from "./rtp-receiver.js";
import type { RtpSender, RtpSenderConfig } from "./rtp-sender.js";
import { SctpOverDtls } from "./sctp-over-dtls.js";
import type { ReceiveTemplate } from "./ssrc-router.js";

export type { MediaSessionCounters, MediaSessionEvent, MediaSessionOptions } from "./media-session-types.js";
export type { ReceiveTemplate } from "./ssrc-router.js";

/**
 * Everything above ICE on one BUNDLE transport, sans-IO: the DTLS handshake (`DtlsTransport`, RFC 5764),
 * SRTP/SRTCP with the exported keys, RFC 7983 / RFC 5761 demultiplexing, RTP senders and receivers per m=
 * section, and RTCP (SR/RR + SDES every interval, NACK and PLI as they are needed, answering the peer's
 * NACK/PLI), transport-wide congestion control both ways (`CongestionController`: feedback to the
 * peer's senders; the peer's feedback → the estimate → the pacer and `bandwidth-estimate` events), and
 * DTLS application data to and from the data channels (`SctpOverDtls`, when given them: their events
 * stay theirs, `DataChannels.pollEvent`).
 */
export class MediaSession {
  readonly counters: MediaSessionCounters = {
    dtlsQueued: 0,
    dtlsQueueOverflow: 0,
    srtpDropped: 0,
    srtcpDropped: 0,
    rtpMalformed: 0,
    rtpUnknownSsrc: 0,
    rtcpMalformed: 0,
    notDemuxable: 0,
    sentBeforeConnected: 0,
  };
  readonly dtlsTransport: DtlsTransport;
  srtp: SrtpContext | undefined;
  srtpProfile: SrtpProfileName | undefined;
  cipherSuite: string | undefined;
  /** The DTLS handshake completed (with or without SRTP keys). */
  dtlsConnected = false;
  private readonly transmits: Uint8Array[] = [];
  private readonly events: MediaSessionEvent[] = [];
  private readonly sendPath: MediaSendPath;
  private readonly receivePath: MediaReceivePath;
  /** Whether media m= sections were negotiated: then DTLS must bring SRTP keys (RFC 5764 §4.1). */
  private mediaNegotiated = true;
  /** What received RTCP acts on (one object per session, not per packet). */
  private readonly feedbackTarget: RtcpFeedbackTarget;
  private readonly rtcpSsrc: number;
  private nextReportAt: number | undefined;
  private closed = false;
  /** Transport-wide congestion control (runs when the extension is negotiated). */
  readonly congestion: CongestionController;
  /** The data channels' SCTP association on this DTLS transport (RFC 8261), when the owner gave them. */
  readonly data: SctpOverDtls | undefined;

  constructor(private readonly o: MediaSessionOptions) {
    const b = o.random(4);
    this.rtcpSsrc = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
    this.congestion = new CongestionController(this.rtcpSsrc, o.congestionControl, {
      feedback: (fb) => this.sendRtcp([fb]),
      estimate: (estimate) => this.events.push({ kind: "bandwidth-estimate", estimate }),
      keyframeNeeded: (mid) => this.events.push({ kind: "keyframe-request", mid }),
    });
    this.sendPath = new MediaSendPath(
      o.random,
      o.pacingBitrateBps,
      (d) => this.transmits.push(d),
      this.congestion,
    );
    this.dtlsTransport = new DtlsTransport(
      o,
      {
        transmit: (d) => this.transmits.push(d),
        event: (now, e) => this.onDtlsEvent(now, e),
      },
      this.counters,
    );
    this.data = o.dataChannels ? new SctpOverDtls(o.dataChannels, this.dtlsTransport) : undefined;
    this.receivePath = new MediaReceivePath(
      o.random,
      this.rtcpSsrc,
      {
        event: (e) => this.events.push(e),
        rtcp: (packets) => this.sendRtcp(packets),
        wantsRtp: o.wantsRtp,
      },
      this.counters,
    );
    this.feedbackTarget = {
      senders: this.sendPath.senders,
      sendersBySsrc: this.sendPath.sendersBySsrc,
      receivers: this.receivePath.receivers,
      resend: (now, mid, rtp) => this.sendPath.sendRetransmission(now, mid, rtp),
      transportFeedback: (now, fb) => this.congestion.handleTransportFeedback(now, fb),
      remb: (now, bps) => this.congestion.handleRemb(now, bps),
      rtt: (ms) => this.congestion.handleRtt(ms),
      keyframeRequested: (mid) => this.events.push({ kind: "keyframe-request", mid }),
      bye: (ssrcs) => this.receivePath.handleBye(ssrcs),
    };
  }

  /** The RTP senders by mid. */
  get senders(): ReadonlyMap<string, RtpSender> {
    return this.sendPath.senders;
  }

  /** Every outgoing packet waits here (paced by congestion control or `pacingBitrateBps`; else at once). */
  get pacer(): PacedSender {
    return this.sendPath.pacer;
  }

  /** The DTLS endpoint, once started. */
  get dtls(): DtlsEndpoint | undefined {
    return this.dtlsTransport.endpoint;
  }

  /** Every remote stream we receive, by SSRC. */
  get receivers(): ReadonlyMap<number, RtpReceiver> {
    return this.receivePath.receivers;
  }

  /** Starts the DTLS handshake in our role (RFC 5763: from a=setup), checking the peer against its fingerprints. */
  startDtls(
    now: number,
    role: "client" | "server",
    remoteFingerprints: readonly CertificateFingerprint[],
  ): void {
    if (this.closed) return;
    this.data?.setRole(role);
    this.dtlsTransport.start(now, role, remoteFingerprints, !this.mediaNegotiated);
  }

  /** The data section of the latest offer/answer (RFC 8841), or undefined when none was accepted. */
  configureData(now: number, parameters: SctpTransportParameters | undefined): void {
    if (!this.closed) this.data?.configure(now, parameters);
  }

  /** Hands the data channels' pending SCTP packets to DTLS (call before draining `pollTransmit`). */
  flushData(now: number): void {
    if (!this.closed) this.data?.flush(now);
  }

  /**
   * The negotiated streams (after each offer/answer, and when a sender's track changes). Senders and
   * receivers are kept across renegotiation by mid; those no longer listed are removed (an RTCP BYE goes
   * out for the senders, RFC 3550 §6.6). `mediaNegotiated` false (a data-only session): DTLS may complete
   * without an SRTP profile.
   */
  configure(
    senders: readonly RtpSenderConfig[],
    receive: readonly ReceiveTemplate[],
    opts: { readonly mediaNegotiated?: boolean; readonly transportCcExtensionId?: number } = {},
  ): void {
    this.mediaNegotiated = opts.mediaNegotiated ?? true;
    this.sendPath.transportCcExtensionId = opts.transportCcExtensionId;
    this.congestion.configure(opts.transportCcExtensionId, senders);
    const removed = this.sendPath.configure(senders);
    if (removed.length > 0) this.sendRtcp([{ type: "bye", ssrcs: removed, reason: undefined }]);
    this.receivePath.configure(receive);
  }

  /** W3C RTCRtpEncodingParameters.maxBitrate for the sender of `mid` (a token bucket; undefined: none). */
  setMaxBitrate(mid: string, bitrateBps: number | undefined): void {
    this.sendPath.setMaxBitrate(mid, bitrateBps);
    this.congestion.setMaxBitrate(mid, bitrateBps);
  }

  /** One DTLS record of application data (an SCTP packet, RFC 8261), once DTLS is connected. */
  sendApplicationData(now: number, data: Uint8Array): boolean {
    if (this.closed || !this.dtlsConnected) return false;
    this.dtlsTransport.sendApplicationData(now, data);
    return true;
  }

  // ---- input -------------------------------------------------------------------------------------------

  /** A datagram from the ICE path that is not STUN. */
  handleDatagram(now: number, data: Uint8Array): void {
    if (this.closed) return;
    const first = data[0] ?? 0;
    if (first >= 20 && first <= 63) {
      this.dtlsTransport.handleDatagram(now, data);
      return;
    }
    if (first < 128 || first > 191 || !this.srtp) {
      this.counters.notDemuxable++;
      return;
    }
    const pt = data[1] ?? 0;
    if (pt >= 192 && pt <= 223) this.handleSrtcp(now, data);
    else this.handleSrtp(now, data);
  }

  private handleSrtp(now: number, data: Uint8Array): void {
    const srtp = this.srtp as SrtpContext;
    const clear = srtp.unprotect(data);
    if (!clear.ok) {
      this.counters.srtpDropped++;
      return;
    }
    const decoded = decodeRtpPacket(clear.value);
    if (!decoded.ok) {
      this.counters.rtpMalformed++;
      return;
    }
    this.congestion.handleRtp(now, decoded.value, data.length);
    this.receivePath.handleRtp(now, decoded.value);
  }

  private handleSrtcp(now: number, data: Uint8Array): void {
    const clear = (this.srtp as SrtpContext).unprotectRtcp(data);
    if (!clear.ok) {
      this.counters.srtcpDropped++;
      return;
    }
    const compound = decodeRtcpCompound(clear.value);
    if (!compound.ok) {
      this.counters.rtcpMalformed++;
      return;
    }
    for (const p of compound.value) handleRtcpPacket(now, p, this.feedbackTarget);
    this.sendPath.drain(now);
    this.congestion.pump(now, this.sendPath);
  }

  handleTimeout(now: number): void {
    if (this.closed) return;
    this.dtlsTransport.handleTimeout(now);
    this.data?.channels.handleTimeout(now);
    this.receivePath.handleTimeout(now);
    if (this.srtp && this.nextReportAt !== undefined && now >= this.nextReportAt) {
      this.sendReports(now);
      this.nextReportAt = now + (this.o.rtcpIntervalMs ?? 1000);
    }
    this.congestion.handleTimeout(now);
    this.sendPath.drain(now);
    this.congestion.pump(now, this.sendPath);
  }

  // ---- output ------------------------------------------------------------------------------------------

  /** One encoded frame on the stream of `mid`. Returns false (counted) before SRTP keys exist. */
  sendFrame(now: number, mid: string, frame: Uint8Array, rtpTimestamp: number): boolean {
    if (this.closed) return false;
    const sent = this.sendPath.sendFrame(now, mid, frame, rtpTimestamp);
    if (!sent) this.counters.sentBeforeConnected++;
    return sent;
  }

  /** A ready RTP packet on the stream of `mid`. */
  sendRtp(now: number, mid: string, packet: RtpPacket): boolean {
    if (this.closed) return false;
    const sent = this.sendPath.sendRtp(now, mid, packet);
    if (!sent) this.counters.sentBeforeConnected++;
    return sent;
  }

  /** Asks the sender of `mid`'s stream(s) for a keyframe (PLI, RFC 4585 §6.3.1). */
  requestKeyframe(mid: string): void {
    for (const r of this.receivers.values()) {
      if (r.config.mid === mid)
        this.sendRtcp([{ type: "pli", senderSsrc: this.rtcpSsrc, mediaSsrc: r.config.ssrc }]);
    }
  }

  private sendRtcp(packets: readonly RtcpPacket[]): void {
    if (!this.srtp) return;
    const bytes =
      packets.length === 1 ? encodeRtcpPacket(packets[0] as RtcpPacket) : encodeRtcpCompound(packets);
    this.transmits.push(this.srtp.protectRtcp(bytes));
  }

  /** RFC 3550 §6.4: the periodic SR/RR + SDES compound. */
  private sendReports(now: number): void {
    const ntp = ntpTimestampFromUnixMs(this.o.unixMsAtZero + now);
    const packets = periodicReports(
      now,
      ntp,
      this.sendPath.senders.values(),
      this.receivers.values(),
      this.rtcpSsrc,
      this.o.cname,
    );
    if (packets) this.sendRtcp(packets);
  }

  private onDtlsEvent(now: number, e: DtlsTransportEvent): void {
    if (e.kind === "connected") {
      if (!e.srtp && this.mediaNegotiated) {
        this.events.push({
          kind: "failed",
          error: new Error("DTLS connected without an SRTP profile (use_srtp) while media is negotiated"),
        });
        return;
      }
      this.dtlsConnected = true;
      this.cipherSuite = e.cipherSuite;
      this.data?.dtlsConnected(now);
      if (e.srtp) {
        this.srtp = e.srtp.context;
        this.sendPath.srtp = e.srtp.context;
        this.srtpProfile = e.srtp.profile;
        this.nextReportAt = now + (this.o.rtcpIntervalMs ?? 1000);
        this.congestion.start(now);
        this.congestion.pump(now, this.sendPath);
      }
      this.events.push({
        kind: "dtls-connected",
        cipherSuite: e.cipherSuite,
        srtpProfile: e.srtp?.profile,
        remoteFingerprint: e.remoteFingerprint,
      });
    } else if (e.kind === "application-data") {
      if (this.data) this.data.receive(now, e.data);
      else this.events.push({ kind: "application-data", data: e.data });
    } else if (e.kind === "failed") {
      this.data?.dtlsEnded(`DTLS failed: ${e.error.message}`);
      this.events.push({ kind: "failed", error: e.error });
    } else if (e.kind === "closed") {
      this.data?.dtlsEnded(undefined);
      this.events.push({ kind: "closed" });
    }
  }

  pollTransmit(): Uint8Array | undefined {
    return this.transmits.shift();
  }

  pollEvent(): MediaSessionEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    if (this.closed) return undefined;
    let t = this.dtlsTransport.pollTimeout();
    const received = this.receivePath.pollTimeout();
    if (received !== undefined && (t === undefined || received < t)) t = received;
    const report = this.srtp ? this.nextReportAt : undefined;
    if (report !== undefined && (t === undefined || report < t)) t = report;
    const paced = this.sendPath.pollTimeout();
    if (paced !== undefined && (t === undefined || paced < t)) t = paced;
    const cc = this.congestion.pollTimeout();
    if (cc !== undefined && (t === undefined || cc < t)) t = cc;
    const sctp = this.data?.channels.pollTimeout();
    if (sctp !== undefined && (t === undefined || sctp < t)) t = sctp;
    return t;
  }

  /** ABORT to the data channels' peer, BYE for our streams, close_notify; nothing after. */
  close(now = 0): void {
    if (this.closed) return;
    this.data?.close(now);
    if (this.srtp && this.sendPath.senders.size > 0) {
      this.sendRtcp([{ type: "bye", ssrcs: [...this.sendPath.sendersBySsrc.keys()], reason: undefined }]);
    }
    this.dtlsTransport.close();
    this.closed = true;
  }
}
