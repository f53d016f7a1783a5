import {
  type CertificateFingerprint,
  type DtlsCertificate,
  DtlsEndpoint,
  type DtlsError,
  keyingMaterialLength,
  SrtpContext,
  type SrtpProfileName,
  SrtpProtectionProfile,
  srtpProfileByCode,
} from "@tern/dtls-srtp";
import {
  decodeRtcpCompound,
  decodeRtpPacket,
  encodeRtcpCompound,
  encodeRtcpPacket,
  findHeaderExtensionElement,
  ntpTimestampFromUnixMs,
  type RtcpPacket,
  type RtpPacket,
  SdesItemType,
  sdesItem,
} from "@tern/rtp";
import { Pacer } from "./pacer.js";
import { RtpReceiver, type RtpReceiverConfig } from "./rtp-receiver.js";
import { RtpSender, type RtpSenderConfig } from "./rtp-sender.js";

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

/** One m= section we receive on: how to make a receiver for an SSRC it carries. */
export type ReceiveTemplate = Omit<RtpReceiverConfig, "ssrc"> & {
  /** SSRCs signaled for this mid (a=ssrc / FID), if any. */
  readonly ssrcs: readonly { readonly ssrc: number; readonly rtxSsrc?: number }[];
  /** The extmap id of the MID header extension, when negotiated. */
  readonly midExtensionId?: number;
};

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

const MAX_QUEUED_DTLS = 32;
const MAX_RECEIVERS = 64;
const DEFAULT_PROFILES = [
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
  SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
  SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
];

/**
 * Everything above ICE on one BUNDLE transport, sans-IO: the DTLS handshake (RFC 5764), SRTP/SRTCP with
 * the exported keys, RFC 7983 / RFC 5761 demultiplexing, RTP senders and receivers per m= section, and
 * RTCP (SR/RR + SDES every interval, NACK and PLI as they are needed, answering the peer's NACK/PLI).
 *
 * DTLS datagrams that arrive before `startDtls` (the remote description can lag the peer's first flight)
 * are queued, not dropped: a dropped first ClientHello costs a full retransmission timeout.
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
  dtls: DtlsEndpoint | undefined;
  srtp: SrtpContext | undefined;
  srtpProfile: SrtpProfileName | undefined;
  cipherSuite: string | undefined;
  private readonly queued: Uint8Array[] = [];
  private readonly transmits: Uint8Array[] = [];
  private readonly events: MediaSessionEvent[] = [];
  readonly senders = new Map<string, RtpSender>();
  private readonly sendersBySsrc = new Map<number, RtpSender>();
  readonly receivers = new Map<number, RtpReceiver>();
  private readonly rtxToReceiver = new Map<number, RtpReceiver>();
  private templates: ReceiveTemplate[] = [];
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
  }

  /** Starts the DTLS handshake in our role (RFC 5763: from a=setup), checking the peer against its fingerprints. */
  startDtls(
    now: number,
    role: "client" | "server",
    remoteFingerprints: readonly CertificateFingerprint[],
  ): void {
    if (this.dtls || this.closed) return;
    this.dtls = new DtlsEndpoint({
      role,
      certificate: this.o.certificate,
      srtpProfiles: this.o.srtpProfiles ?? DEFAULT_PROFILES,
      remoteFingerprints,
      requestClientCertificate: true,
      helloVerifyRequest: false,
      initialRetransmitMs: this.o.dtlsInitialRetransmitMs ?? 100,
      random: this.o.random,
      ...(this.o.keyLog ? { keyLog: this.o.keyLog } : {}),
    });
    if (role === "client") this.dtls.handleTimeout(now); // the ClientHello goes out now
    for (const d of this.queued.splice(0)) this.dtls.handleDatagram(now, d);
    this.drainDtls(now);
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
    this.templates = [...receive];
    for (const t of receive) for (const s of t.ssrcs) this.addReceiver(t, s.ssrc, s.rtxSsrc);
  }

  private addReceiver(t: ReceiveTemplate, ssrc: number, rtxSsrc?: number): RtpReceiver | undefined {
    const existing = this.receivers.get(ssrc);
    if (existing) return existing;
    if (this.receivers.size >= MAX_RECEIVERS) return undefined;
    const r = new RtpReceiver({ ...t, ssrc }, this.o.random);
    this.receivers.set(ssrc, r);
    if (rtxSsrc !== undefined) this.rtxToReceiver.set(rtxSsrc, r);
    this.events.push({ kind: "remote-stream", mid: t.mid, ssrc });
    return r;
  }

  // ---- input -------------------------------------------------------------------------------------------

  /** A datagram from the ICE path that is not STUN. */
  handleDatagram(now: number, data: Uint8Array): void {
    if (this.closed) return;
    const first = data[0] ?? 0;
    if (first >= 20 && first <= 63) {
      if (!this.dtls) {
        if (this.queued.length >= MAX_QUEUED_DTLS) this.counters.dtlsQueueOverflow++;
        else {
          this.queued.push(data.slice());
          this.counters.dtlsQueued++;
        }
        return;
      }
      this.dtls.handleDatagram(now, data);
      this.drainDtls(now);
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
    let r = this.receivers.get(p.ssrc);
    const repairs = r ? undefined : this.rtxToReceiver.get(p.ssrc);
    if (r) {
      if (this.o.wantsRtp?.(r.config.mid)) this.events.push({ kind: "rtp", mid: r.config.mid, packet: p });
      r.handlePacket(now, p);
    } else if (repairs) {
      r = repairs;
      r.handleRtx(now, p);
    } else {
      r = this.learn(p);
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

  /**
   * An SSRC nobody signaled (RFC 8843 §9.2): route it by the MID header extension, else by a payload type
   * only one m= section uses. An RTX payload type binds the SSRC as the repair stream of that section's
   * (single) media stream.
   */
  private learn(p: RtpPacket): RtpReceiver | undefined {
    let t: ReceiveTemplate | undefined;
    if (p.extension) {
      for (const c of this.templates) {
        if (c.midExtensionId === undefined) continue;
        const el = findHeaderExtensionElement(p.extension, c.midExtensionId);
        if (el && new TextDecoder().decode(el) === c.mid) {
          t = c;
          break;
        }
      }
    }
    const byPt = this.templates.filter(
      (c) => c.payloadType === p.payloadType || c.rtx?.payloadType === p.payloadType,
    );
    t ??= byPt.length === 1 ? byPt[0] : undefined;
    if (!t) return undefined;
    if (t.rtx && p.payloadType === t.rtx.payloadType) {
      const media = [...this.receivers.values()].filter((r) => r.config.mid === t?.mid);
      if (media.length !== 1) return undefined;
      const only = media[0] as RtpReceiver;
      this.rtxToReceiver.set(p.ssrc, only);
      return only;
    }
    if (p.payloadType !== t.payloadType) return undefined;
    return this.addReceiver(t, p.ssrc);
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
    for (const p of compound.value) this.handleRtcpPacket(now, p);
  }

  private handleRtcpPacket(now: number, p: RtcpPacket): void {
    switch (p.type) {
      case "sr":
        this.receivers.get(p.ssrc)?.handleSenderReport(now, p);
        for (const b of p.reports) this.sendersBySsrc.get(b.ssrc)?.handleReportBlock(now, b);
        this.shareRtt();
        break;
      case "rr":
        for (const b of p.reports) this.sendersBySsrc.get(b.ssrc)?.handleReportBlock(now, b);
        this.shareRtt();
        break;
      case "nack": {
        const s = this.sendersBySsrc.get(p.mediaSsrc);
        if (!s) break;
        for (const packet of s.handleNack(now, p.lost)) this.sendProtected(packet);
        break;
      }
      case "pli":
      case "fir": {
        const ssrc = p.type === "pli" ? p.mediaSsrc : (p.entries[0]?.ssrc ?? p.mediaSsrc);
        const s = this.sendersBySsrc.get(ssrc) ?? this.sendersBySsrc.get(p.mediaSsrc);
        if (!s) break;
        if (p.type === "pli") s.counters.pliReceived++;
        else s.counters.firReceived++;
        this.events.push({ kind: "keyframe-request", mid: s.config.mid });
        break;
      }
      default:
        break;
    }
  }

  /** The sender side measures RTT (RFC 3550 §6.4.1); receivers use it to pace NACKs. */
  private shareRtt(): void {
    let rtt: number | undefined;
    for (const s of this.senders.values()) rtt = s.stats.rttMs ?? rtt;
    if (rtt === undefined) return;
    for (const r of this.receivers.values()) r.handleRtt(rtt);
  }

  handleTimeout(now: number): void {
    if (this.closed) return;
    if (this.dtls) {
      const t = this.dtls.pollTimeout();
      if (t !== undefined && t <= now) {
        this.dtls.handleTimeout(now);
        this.drainDtls(now);
      }
    }
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

  /** RFC 3550 §6.4: SR for each stream we send (report blocks on the first), else an RR; SDES CNAME. */
  private sendReports(now: number): void {
    const blocks = [];
    for (const r of this.receivers.values()) {
      const b = r.stats.reportBlock(now);
      if (b) blocks.push(b);
    }
    const ntp = ntpTimestampFromUnixMs(this.o.unixMsAtZero + now);
    const packets: RtcpPacket[] = [];
    let first = true;
    for (const s of this.senders.values()) {
      const sr = s.senderReport(now, ntp, first ? blocks.slice(0, 31) : []);
      if (!sr) continue;
      packets.push(sr);
      first = false;
    }
    if (packets.length === 0) {
      if (blocks.length === 0) return;
      packets.push({
        type: "rr",
        ssrc: this.rtcpSsrc,
        reports: blocks.slice(0, 31),
        profileExtension: new Uint8Array(0),
      });
    }
    const ssrcs = packets.map((p) => (p.type === "sr" || p.type === "rr" ? p.ssrc : this.rtcpSsrc));
    packets.push({
      type: "sdes",
      chunks: ssrcs.map((ssrc) => ({ ssrc, items: [sdesItem(SdesItemType.CNAME, this.o.cname)] })),
    });
    this.sendRtcp(packets);
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

  private drainDtls(now: number): void {
    const dtls = this.dtls;
    if (!dtls) return;
    for (let d = dtls.pollTransmit(); d; d = dtls.pollTransmit()) this.transmits.push(d);
    for (let e = dtls.pollEvent(); e; e = dtls.pollEvent()) {
      if (e.kind === "connected") {
        const profile = e.srtpProfile === undefined ? undefined : srtpProfileByCode(e.srtpProfile);
        if (!profile) {
          this.events.push({
            kind: "failed",
            error: new Error("DTLS connected without an SRTP profile (use_srtp)"),
          });
          continue;
        }
        const km = dtls.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, keyingMaterialLength(profile));
        this.srtp = SrtpContext.fromKeyingMaterial(profile, km, dtls.role, {
          replayWindowPackets: this.o.replayWindowPackets ?? 1024,
        });
        this.srtpProfile = profile;
        this.cipherSuite = e.cipherSuite;
        this.nextReportAt = now + (this.o.rtcpIntervalMs ?? 1000);
        this.events.push({
          kind: "dtls-connected",
          cipherSuite: e.cipherSuite,
          srtpProfile: profile,
          remoteFingerprint: e.peerCertificate?.fingerprint,
        });
      } else if (e.kind === "failed") {
        this.events.push({ kind: "failed", error: e.error });
      } else if (e.kind === "closed") {
        this.events.push({ kind: "closed" });
      }
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
    // Runs after every datagram: a plain loop, no closure.
    let t = this.dtls?.pollTimeout();
    for (const r of this.receivers.values()) {
      const x = r.pollTimeout();
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
    this.dtls?.close();
    if (this.dtls)
      for (let d = this.dtls.pollTransmit(); d; d = this.dtls.pollTransmit()) this.transmits.push(d);
    this.closed = true;
  }
}
