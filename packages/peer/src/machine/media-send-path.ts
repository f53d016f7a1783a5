import type { SrtpContext } from "@tern/dtls-srtp";
import { extensionElementOffset, type RtpPacket } from "@tern/rtp";
import type { ProbeCluster } from "./bandwidth-estimator.js";
import type { PacedSendSide } from "./congestion-controller.js";
import { type DroppedFrame, type PacedClass, type PacedOutput, PacedSender } from "./paced-sender.js";
import { RtpSender, type RtpSenderConfig } from "./rtp-sender.js";

/** What the send path reports of each packet that leaves, for congestion control. */
export interface SentPacketSink {
  /** The next transport-wide sequence number (only asked when the extension is negotiated). */
  allocateTransportSequence(): number;
  /** A packet left: its transport-wide number (undefined: none), its size on the wire, its probe cluster (−1). */
  handleSent(now: number, seq: number | undefined, bytes: number, probeCluster: number): void;
}

export interface MediaSendPathCounters {
  /** probe padding asked for that no sender could make (no RTX negotiated) */
  paddingUnavailable: number;
}

/**
 * The send side of one media session, sans-IO: an RTP sender per sending m= section (by mid), pacing, and
 * SRTP protection of what leaves. Every packet — media, NACK answers, probe padding — waits in the
 * session's `PacedSender` (at the congestion controller's rate, a fixed `pacingBitrateBps`, or none: then
 * it leaves at once), after its sender's own `maxBitrate` bucket (W3C RTCRtpEncodingParameters) if set.
 * When a packet leaves it gets its transport-wide sequence number (written into its header extension in
 * place), is protected (SRTP indices in per-SSRC send order) and goes to `transmit`; `sink` hears of it.
 */
export class MediaSendPath implements PacedSendSide {
  readonly senders = new Map<string, RtpSender>();
  readonly sendersBySsrc = new Map<number, RtpSender>();
  readonly counters: MediaSendPathCounters = { paddingUnavailable: 0 };
  /** Every outgoing packet waits here (a pass-through while no rate is set). */
  readonly pacer = new PacedSender();
  private readonly senderPacers = new Map<string, PacedSender>();
  /** Senders removed, by SSRC: one that comes back (removeTrack then addTrack) goes on where it stopped. */
  private readonly retired = new Map<number, RtpSender>();
  /** `now` and mid of the frame being packetized (for the pacers, from the packetizer's callback). */
  private sendingAt = 0;
  private sendingMid = "";
  private sendingClass: PacedClass = "video";
  private sendingFrame = 0;
  srtp: SrtpContext | undefined;
  /** The transport-wide sequence number's extmap id, when negotiated. */
  transportCcExtensionId: number | undefined;

  constructor(
    private readonly random: (n: number) => Uint8Array,
    private readonly fixedPacingBps: number | undefined,
    private readonly transmit: (datagram: Uint8Array) => void,
    private readonly sink: SentPacketSink,
  ) {
    if (fixedPacingBps !== undefined) this.pacer.setRate(0, fixedPacingBps);
  }

  /** A probe cluster for the pacer to send. */
  startProbe(cluster: ProbeCluster): void {
    this.pacer.startProbe(cluster);
  }

  /**
   * The pacing rate congestion control asks for (undefined: CC off), and the estimate it may exceed only
   * in bursts. A fixed `pacingBitrateBps` wins.
   */
  setPacingRate(now: number, bps: number | undefined, targetBps?: number): void {
    if (this.fixedPacingBps === undefined) this.pacer.setRate(now, bps, targetBps);
  }

  /**
   * The negotiated senders. A sender whose mid, SSRC, payload type and transport-wide CC id are unchanged
   * is kept (its sequence numbers and history go on across renegotiation); a sender no longer listed is
   * removed. A sender on an SSRC that sent before continues its sequence numbers (the peer's SRTP replay
   * window would drop a restart). Returns the SSRCs of the senders removed (for an RTCP BYE, RFC 3550 §6.6).
   */
  configure(configs: readonly RtpSenderConfig[]): number[] {
    const removed: number[] = [];
    const keep = new Set(configs.map((c) => c.mid));
    for (const [mid, s] of this.senders) {
      if (keep.has(mid)) continue;
      this.retire(mid, s);
      removed.push(s.config.ssrc);
    }
    const tw = this.transportCcExtensionId;
    for (const given of configs) {
      const cfg = tw === undefined ? given : { ...given, transportCcExtensionId: tw };
      const existing = this.senders.get(cfg.mid);
      if (
        existing &&
        existing.config.ssrc === cfg.ssrc &&
        existing.config.payloadType === cfg.payloadType &&
        existing.config.transportCcExtensionId === cfg.transportCcExtensionId
      )
        continue;
      if (existing) {
        this.retire(cfg.mid, existing);
        if (existing.config.ssrc !== cfg.ssrc) removed.push(existing.config.ssrc);
      }
      const before = this.retired.get(cfg.ssrc);
      this.retired.delete(cfg.ssrc);
      const s =
        before &&
        before.config.payloadType === cfg.payloadType &&
        before.config.codec === cfg.codec &&
        before.config.transportCcExtensionId === cfg.transportCcExtensionId
          ? before
          : new RtpSender(cfg, this.random, before);
      this.senders.set(cfg.mid, s);
      this.sendersBySsrc.set(cfg.ssrc, s);
    }
    return removed;
  }

  private retire(mid: string, s: RtpSender): void {
    this.senders.delete(mid);
    this.sendersBySsrc.delete(s.config.ssrc);
    this.senderPacers.delete(mid);
    this.pacer.purge(mid); // after its BYE, nothing of the stream may still leave the pacer
    if (this.retired.size >= 64) this.retired.delete(this.retired.keys().next().value as number);
    this.retired.set(s.config.ssrc, s);
  }

  /** W3C RTCRtpEncodingParameters.maxBitrate for the sender of `mid` (undefined: no limit of its own). */
  setMaxBitrate(mid: string, bitrateBps: number | undefined): void {
    if (bitrateBps === undefined) {
      this.senderPacers.delete(mid);
      return;
    }
    const p = this.senderPacers.get(mid) ?? new PacedSender({ burstMs: 10 });
    p.setRate(this.sendingAt, Math.max(8000, bitrateBps));
    this.senderPacers.set(mid, p);
  }

  /** One encoded frame on the stream of `mid`; false when there is no such sender or no SRTP yet. */
  sendFrame(now: number, mid: string, frame: Uint8Array, rtpTimestamp: number): boolean {
    const s = this.senders.get(mid);
    if (!s || !this.srtp) return false;
    this.sendingAt = now;
    this.sendingMid = mid;
    this.sendingClass = s.config.kind;
    this.sendingFrame = s.counters.framesSent;
    s.packetizeFrame(now, frame, rtpTimestamp, this.sendMediaBound);
    this.drain(now);
    return true;
  }

  /** A ready RTP packet on the stream of `mid`. */
  sendRtp(now: number, mid: string, packet: RtpPacket): boolean {
    const s = this.senders.get(mid);
    if (!s || !this.srtp) return false;
    this.sendingAt = now;
    this.sendingMid = mid;
    this.sendingClass = s.config.kind;
    // a packet with the marker bit ends a frame: the next one starts another
    this.sendingFrame = s.counters.packetsSent;
    this.sendMedia(s.sendPacket(now, packet));
    this.drain(now);
    return true;
  }

  /** A retransmission (NACK answer) of `mid`'s stream: paced ahead of video, never dropped for age. */
  sendRetransmission(now: number, mid: string, rtp: Uint8Array): void {
    if (!this.srtp) return;
    this.sendingAt = now;
    this.sendingMid = mid;
    this.sendingClass = "retransmission";
    this.sendMedia(rtp);
  }

  private readonly sendMediaBound = (rtp: Uint8Array): void => this.sendMedia(rtp);

  /** New media: straight out when nothing paces or waits; else a copy queued in the pacers. */
  private sendMedia(rtp: Uint8Array): void {
    const own = this.senderPacers.get(this.sendingMid);
    const now = this.sendingAt;
    if (
      !own &&
      this.pacer.rateBps === undefined &&
      this.pacer.size === 0 &&
      this.pacer.pollTimeout() === undefined
    ) {
      this.release(now, rtp, -1);
      return;
    }
    const p = { bytes: rtp.slice(), cls: this.sendingClass, mid: this.sendingMid, frame: this.sendingFrame };
    (own ?? this.pacer).enqueue(now, p);
  }

  /** Lets out what the pacers allow at `now`. */
  drain(now: number): void {
    if (this.senderPacers.size > 0) this.drainSenderPacers(now);
    for (let o = this.pacer.poll(now); o; o = this.pacer.poll(now)) this.output(now, o);
  }

  private drainSenderPacers(now: number): void {
    for (const own of this.senderPacers.values()) {
      for (let o = own.poll(now); o; o = own.poll(now))
        if (o.kind === "packet") this.pacer.enqueue(now, o.packet);
    }
  }

  /**
   * A video frame a pacer dropped for waiting too long: its mid (the sender should make a keyframe). Its
   * packets are forgotten by the retransmission history, so the receiver's NACKs for them go unanswered
   * (the frame is gone; the keyframe repairs the stream).
   */
  pollDroppedFrame(): string | undefined {
    let d: DroppedFrame | undefined;
    for (const own of this.senderPacers.values()) {
      d = own.pollDroppedFrame();
      if (d) break;
    }
    d ??= this.pacer.pollDroppedFrame();
    if (!d) return undefined;
    const s = this.senders.get(d.mid);
    for (const p of d.packets) s?.forgetPacket(((p.bytes[2] ?? 0) << 8) | (p.bytes[3] ?? 0));
    return d.mid;
  }

  pollTimeout(): number | undefined {
    let t = this.pacer.pollTimeout();
    for (const own of this.senderPacers.values()) {
      const x = own.pollTimeout();
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  private output(now: number, o: PacedOutput): void {
    if (o.kind === "packet") {
      this.release(now, o.packet.bytes, o.probeCluster);
      return;
    }
    // Probe padding: a padding-only packet on the first video sender with RTX.
    for (const s of this.senders.values()) {
      if (!s.canPad) continue;
      const pad = s.paddingPacket(o.bytes);
      if (pad) {
        this.release(now, pad, o.probeCluster);
        return;
      }
    }
    this.counters.paddingUnavailable++;
  }

  /** Out on the wire: the transport-wide sequence number written in, protected, sent, reported. */
  private release(now: number, rtp: Uint8Array, probeCluster: number): void {
    const srtp = this.srtp;
    if (!srtp) return;
    let seq: number | undefined;
    const id = this.transportCcExtensionId;
    if (id !== undefined) {
      // our senders' element is always 2 octets (rtp-sender.ts); an application's packet got one too
      const at = extensionElementOffset(rtp, id);
      if (at >= 0) {
        seq = this.sink.allocateTransportSequence();
        rtp[at] = seq >>> 8;
        rtp[at + 1] = seq & 0xff;
      }
    }
    const out = srtp.protect(rtp);
    this.transmit(out);
    this.sink.handleSent(now, seq, out.length, probeCluster);
  }
}
