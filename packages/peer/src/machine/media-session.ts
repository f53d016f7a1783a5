import type {
  CertificateFingerprint,
  DtlsCertificate,
  DtlsEndpoint,
  DtlsError,
  SrtpContext,
  SrtpProfileName,
} from "@tern/dtls-srtp";
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeRtcpCompound,
  encodeRtcpPacket,
  ntpTimestampFromUnixMs,
  type RtcpPacket,
  type RtpPacket,
} from "@tern/rtp";
import { DtlsTransport, type DtlsTransportEvent } from "./dtls-transport.js";
import { Pacer } from "./pacer.js";
import { handleRtcpPacket, type RtcpFeedbackTarget } from "./rtcp-feedback.js";
import { periodicReports } from "./rtcp-reports.js";
import type { RtpReceiver } from "./rtp-receiver.js";
import { RtpSender, type RtpSenderConfig } from "./rtp-sender.js";
import { type ReceiveTemplate, SsrcRouter } from "./ssrc-router.js";

export type { ReceiveTemplate } from "./ssrc-router.js";

export interface MediaSessionOptions {
  readonly certificate: DtlsCertificate;
  readonly random: (n: number) => Uint8Array;
  /** RTCP CNAME (RFC 7022) of this endpoint. */
  readonly cname: string;
  /** Unix time (ms) at `now` = 0: SR NTP timestamps are wall-clock. */
  readonly unixMsAtZero: number;
  /**
   * DTLS-SRTP profiles in preference order. Default AES_CM_80, GCM-128, GCM-256, AES_CM_32: with node:crypto,
   * AES-CM + HMAC-SHA1 batches its keystream and costs about a third of GCM per packet (GCM needs one cipher
   * object per packet; `pnpm bench srtp`). AES_CM_80 is also what Chromium picks as a DTLS server.
   */
  readonly srtpProfiles?: readonly number[];
  /** First DTLS retransmission; default 100 ms (ICE has proved the path; a loopback RTT is µs). */
  readonly dtlsInitialRetransmitMs?: number;
  /** SRTP replay window per SSRC (default 1024 for video-heavy sessions). */
  readonly replayWindowPackets?: number;
  /** RTCP report interval; default 1000 ms. */
  readonly rtcpIntervalMs?: number;
  readonly keyLog?: (line: string) => void;
  /** Whether anyone wants the raw RTP of `mid` (an `rtp` event per packet); default nobody. */
  readonly wantsRtp?: (mid: string) => boolean;
  /**
   * Pace outgoing media (frames and ready RTP packets of every sender) to at most this many bits per
   * second (`Pacer`: a token bucket, 10 ms bursts); default: no pacing, packets leave as they are made.
   * Retransmissions answering a NACK, and RTCP, are not paced.
   */
  readonly pacingBitrateBps?: number;
}

export type MediaSessionEvent =
  | {
      readonly kind: "dtls-connected";
      readonly cipherSuite: string;
      readonly srtpProfile: SrtpProfileName;
      readonly remoteFingerprint: string | undefined;
    }
  | { readonly kind: "failed"; readonly error: DtlsError | Error }
  | { readonly kind: "closed" }
  | { readonly kind: "remote-stream"; readonly mid: string; readonly ssrc: number }
  | {
      readonly kind: "frame";
      readonly mid: string;
      readonly ssrc: number;
      readonly data: Uint8Array;
      readonly isKeyframe: boolean;
      readonly rtpTimestamp: number;
    }
  | { readonly kind: "rtp"; readonly mid: string; readonly packet: RtpPacket }
  | { readonly kind: "keyframe-request"; readonly mid: string };

export interface MediaSessionCounters {
  dtlsQueued: number;
  dtlsQueueOverflow: number;
  srtpDropped: number;
  srtcpDropped: number;
  rtpMalformed: number;
  rtpUnknownSsrc: number;
  rtcpMalformed: number;
  notDemuxable: number;
  sentBeforeConnected: number;
}

/**
 * Everything above ICE on one BUNDLE transport, sans-IO: the DTLS handshake (`DtlsTransport`, RFC 5764),
 * SRTP/SRTCP with the exported keys, RFC 7983 / RFC 5761 demultiplexing, RTP senders and receivers per m=
 * section, and RTCP (SR/RR + SDES every interval, NACK and PLI as they are needed, answering the peer's
 * NACK/PLI).
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
  private readonly transmits: Uint8Array[] = [];
  private readonly events: MediaSessionEvent[] = [];
  readonly senders = new Map<string, RtpSender>();
  private readonly sendersBySsrc = new Map<number, RtpSender>();
  private readonly router: SsrcRouter;
  /** What received RTCP acts on (one object per session, not per packet). */
  private readonly feedbackTarget: RtcpFeedbackTarget;
  private readonly rtcpSsrc: number;
  private nextReportAt: number | undefined;
  private closed = false;
  /** Outgoing media waits here when pacing is on. */
  readonly pacer: Pacer | undefined;
  /** `now` of the frame being packetized (for the pacer, from the packetizer's callback). */
  private sendingAt = 0;

  constructor(private readonly o: MediaSessionOptions) {
    const b = o.random(4);
    this.rtcpSsrc = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
    this.pacer = o.pacingBitrateBps === undefined ? undefined : new Pacer({ bitrateBps: o.pacingBitrateBps });
    this.dtlsTransport = new DtlsTransport(
      o,
      {
        transmit: (d) => this.transmits.push(d),
        event: (now, e) => this.onDtlsEvent(now, e),
      },
      this.counters,
    );
    this.router = new SsrcRouter(o.random, (mid, ssrc) =>
      this.events.push({ kind: "remote-stream", mid, ssrc }),
    );
    this.feedbackTarget = {
      senders: this.senders,
      sendersBySsrc: this.sendersBySsrc,
      receivers: this.router.receivers,
      resend: (rtp) => this.sendProtected(rtp),
      keyframeRequested: (mid) => this.events.push({ kind: "keyframe-request", mid }),
    };
  }

  /** The DTLS endpoint, once started. */
  get dtls(): DtlsEndpoint | undefined {
    return this.dtlsTransport.endpoint;
  }

  /** Every remote stream we receive, by SSRC. */
  get receivers(): ReadonlyMap<number, RtpReceiver> {
    return this.router.receivers;
  }

  /** Starts the DTLS handshake in our role (RFC 5763: from a=setup), checking the peer against its fingerprints. */
  startDtls(
    now: number,
    role: "client" | "server",
    remoteFingerprints: readonly CertificateFingerprint[],
  ): void {
    if (this.closed) return;
    this.dtlsTransport.start(now, role, remoteFingerprints);
  }

  /** The negotiated streams (after each offer/answer). Senders are kept across renegotiation by mid. */
  configure(senders: readonly RtpSenderConfig[], receive: readonly ReceiveTemplate[]): void {
    for (const cfg of senders) {
      const existing = this.senders.get(cfg.mid);
      if (existing && existing.config.ssrc === cfg.ssrc && existing.config.payloadType === cfg.payloadType)
        continue;
      const s = new RtpSender(cfg, this.o.random);
      this.senders.set(cfg.mid, s);
      this.sendersBySsrc.set(cfg.ssrc, s);
    }
    this.router.configure(receive);
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
    const p = decoded.value;
    let r = this.router.media(p.ssrc);
    const repairs = r ? undefined : this.router.repaired(p.ssrc);
    if (r) {
      if (this.o.wantsRtp?.(r.config.mid)) this.events.push({ kind: "rtp", mid: r.config.mid, packet: p });
      r.handlePacket(now, p);
    } else if (repairs) {
      r = repairs;
      r.handleRtx(now, p);
    } else {
      r = this.router.learn(p);
      if (!r) {
        this.counters.rtpUnknownSsrc++;
        return;
      }
      if (r.config.ssrc === p.ssrc) {
        if (this.o.wantsRtp?.(r.config.mid)) this.events.push({ kind: "rtp", mid: r.config.mid, packet: p });
        r.handlePacket(now, p);
      } else r.handleRtx(now, p);
    }
    this.drainReceiver(r);
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
  }

  handleTimeout(now: number): void {
    if (this.closed) return;
    this.dtlsTransport.handleTimeout(now);
    for (const r of this.receivers.values()) {
      const t = r.pollTimeout();
      if (t !== undefined && t <= now) {
        r.handleTimeout(now);
        this.drainReceiver(r);
      }
    }
    if (this.srtp && this.nextReportAt !== undefined && now >= this.nextReportAt) {
      this.sendReports(now);
      this.nextReportAt = now + (this.o.rtcpIntervalMs ?? 1000);
    }
    if (this.pacer) this.drainPacer(now);
  }

  // ---- output ------------------------------------------------------------------------------------------

  /** One encoded frame on the stream of `mid`. Returns false (counted) before SRTP keys exist. */
  sendFrame(now: number, mid: string, frame: Uint8Array, rtpTimestamp: number): boolean {
    const s = this.senders.get(mid);
    if (!s || !this.srtp) {
      this.counters.sentBeforeConnected++;
      return false;
    }
    this.sendingAt = now;
    s.packetizeFrame(now, frame, rtpTimestamp, this.sendMediaBound);
    if (this.pacer) this.drainPacer(now);
    return true;
  }

  /** A ready RTP packet on the stream of `mid`. */
  sendRtp(now: number, mid: string, packet: RtpPacket): boolean {
    const s = this.senders.get(mid);
    if (!s || !this.srtp) {
      this.counters.sentBeforeConnected++;
      return false;
    }
    this.sendingAt = now;
    this.sendMedia(s.sendPacket(now, packet));
    if (this.pacer) this.drainPacer(now);
    return true;
  }

  /** Asks the sender of `mid`'s stream(s) for a keyframe (PLI, RFC 4585 §6.3.1). */
  requestKeyframe(mid: string): void {
    for (const r of this.receivers.values()) {
      if (r.config.mid === mid)
        this.sendRtcp([{ type: "pli", senderSsrc: this.rtcpSsrc, mediaSsrc: r.config.ssrc }]);
    }
  }

  private readonly sendMediaBound = (rtp: Uint8Array): void => this.sendMedia(rtp);

  /** New media: protected at once (SRTP indices in sequence order), then sent or, when pacing, queued. */
  private sendMedia(rtp: Uint8Array): void {
    const srtp = (this.srtp as SrtpContext).protect(rtp);
    if (this.pacer) this.pacer.enqueue(this.sendingAt, srtp);
    else this.transmits.push(srtp);
  }

  private drainPacer(now: number): void {
    const pacer = this.pacer as Pacer;
    for (let p = pacer.poll(now); p; p = pacer.poll(now)) this.transmits.push(p);
  }

  private sendProtected(rtp: Uint8Array): void {
    this.transmits.push((this.srtp as SrtpContext).protect(rtp));
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
      this.senders.values(),
      this.receivers.values(),
      this.rtcpSsrc,
      this.o.cname,
    );
    if (packets) this.sendRtcp(packets);
  }

  private drainReceiver(r: RtpReceiver): void {
    for (let o = r.poll(); o; o = r.poll()) {
      if (o.kind === "frame") {
        this.events.push({
          kind: "frame",
          mid: r.config.mid,
          ssrc: r.config.ssrc,
          data: o.frame.frame.data,
          isKeyframe: o.frame.frame.isKeyframe,
          rtpTimestamp: o.frame.rtpTimestamp,
        });
      } else if (o.kind === "nack") {
        this.sendRtcp([{ type: "nack", senderSsrc: this.rtcpSsrc, mediaSsrc: r.config.ssrc, lost: o.lost }]);
      } else {
        this.sendRtcp([{ type: "pli", senderSsrc: this.rtcpSsrc, mediaSsrc: r.config.ssrc }]);
      }
    }
  }

  private onDtlsEvent(now: number, e: DtlsTransportEvent): void {
    if (e.kind === "connected") {
      if (!e.srtp) {
        this.events.push({
          kind: "failed",
          error: new Error("DTLS connected without an SRTP profile (use_srtp)"),
        });
        return;
      }
      this.srtp = e.srtp.context;
      this.srtpProfile = e.srtp.profile;
      this.cipherSuite = e.cipherSuite;
      this.nextReportAt = now + (this.o.rtcpIntervalMs ?? 1000);
      this.events.push({
        kind: "dtls-connected",
        cipherSuite: e.cipherSuite,
        srtpProfile: e.srtp.profile,
        remoteFingerprint: e.remoteFingerprint,
      });
    } else if (e.kind === "failed") {
      this.events.push({ kind: "failed", error: e.error });
    } else if (e.kind === "closed") {
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
    // Runs after every datagram: a plain loop, no closure, no iterator.
    let t = this.dtlsTransport.pollTimeout();
    const receivers = this.router.receiverList;
    for (let i = 0; i < receivers.length; i++) {
      const x = (receivers[i] as RtpReceiver).pollTimeout();
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    const report = this.srtp ? this.nextReportAt : undefined;
    if (report !== undefined && (t === undefined || report < t)) t = report;
    const paced = this.pacer?.pollTimeout();
    if (paced !== undefined && (t === undefined || paced < t)) t = paced;
    return t;
  }

  /** close_notify to the peer, BYE for our streams; nothing after. */
  close(): void {
    if (this.closed) return;
    if (this.srtp && this.senders.size > 0) {
      this.sendRtcp([{ type: "bye", ssrcs: [...this.sendersBySsrc.keys()], reason: undefined }]);
    }
    this.dtlsTransport.close();
    this.closed = true;
  }
}
