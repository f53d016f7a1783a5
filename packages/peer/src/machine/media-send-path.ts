import type { SrtpContext } from "@tern/dtls-srtp";
import type { RtpPacket } from "@tern/rtp";
import { Pacer } from "./pacer.js";
import { RtpSender, type RtpSenderConfig } from "./rtp-sender.js";

/**
 * The send side of one media session, sans-IO: an RTP sender per sending m= section (by mid), SRTP
 * protection of what they make, and pacing — the session's token bucket (`pacingBitrateBps`) and, per
 * sender, the W3C `maxBitrate` encoding parameter as a token bucket of its own. Protected datagrams go
 * to `transmit` in order.
 */
export class MediaSendPath {
  readonly senders = new Map<string, RtpSender>();
  readonly sendersBySsrc = new Map<number, RtpSender>();
  /** Outgoing media of every sender waits here when the session paces. */
  readonly pacer: Pacer | undefined;
  private readonly senderPacers = new Map<string, Pacer>();
  /** Senders removed, by SSRC: one that comes back (removeTrack then addTrack) goes on where it stopped. */
  private readonly retired = new Map<number, RtpSender>();
  /** `now` of the frame being packetized (for the pacers, from the packetizer's callback). */
  private sendingAt = 0;
  private sendingMid = "";
  srtp: SrtpContext | undefined;

  constructor(
    private readonly random: (n: number) => Uint8Array,
    pacingBitrateBps: number | undefined,
    private readonly transmit: (datagram: Uint8Array) => void,
  ) {
    this.pacer = pacingBitrateBps === undefined ? undefined : new Pacer({ bitrateBps: pacingBitrateBps });
  }

  /**
   * The negotiated senders. A sender whose mid, SSRC and payload type are unchanged is kept (its sequence
   * numbers and history go on across renegotiation); a sender no longer listed is removed. A sender on an
   * SSRC that sent before continues its sequence numbers (the peer's SRTP replay window would drop a
   * restart). Returns the SSRCs of the senders removed (for an RTCP BYE, RFC 3550 §6.6).
   */
  configure(configs: readonly RtpSenderConfig[]): number[] {
    const removed: number[] = [];
    const keep = new Set(configs.map((c) => c.mid));
    for (const [mid, s] of this.senders) {
      if (keep.has(mid)) continue;
      this.retire(mid, s);
      removed.push(s.config.ssrc);
    }
    for (const cfg of configs) {
      const existing = this.senders.get(cfg.mid);
      if (existing && existing.config.ssrc === cfg.ssrc && existing.config.payloadType === cfg.payloadType)
        continue;
      if (existing) {
        this.retire(cfg.mid, existing);
        if (existing.config.ssrc !== cfg.ssrc) removed.push(existing.config.ssrc);
      }
      const before = this.retired.get(cfg.ssrc);
      this.retired.delete(cfg.ssrc);
      const s =
        before && before.config.payloadType === cfg.payloadType && before.config.codec === cfg.codec
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
    if (this.retired.size >= 64) this.retired.delete(this.retired.keys().next().value as number);
    this.retired.set(s.config.ssrc, s);
  }

  /** W3C RTCRtpEncodingParameters.maxBitrate for the sender of `mid` (undefined: no limit of its own). */
  setMaxBitrate(mid: string, bitrateBps: number | undefined): void {
    if (bitrateBps === undefined) this.senderPacers.delete(mid);
    else this.senderPacers.set(mid, new Pacer({ bitrateBps: Math.max(8000, bitrateBps) }));
  }

  /** One encoded frame on the stream of `mid`; false when there is no such sender or no SRTP yet. */
  sendFrame(now: number, mid: string, frame: Uint8Array, rtpTimestamp: number): boolean {
    const s = this.senders.get(mid);
    if (!s || !this.srtp) return false;
    this.sendingAt = now;
    this.sendingMid = mid;
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
    this.sendMedia(s.sendPacket(now, packet));
    this.drain(now);
    return true;
  }

  /** A retransmission (NACK answer): protected and sent at once, unpaced. */
  sendProtected(rtp: Uint8Array): void {
    if (this.srtp) this.transmit(this.srtp.protect(rtp));
  }

  private readonly sendMediaBound = (rtp: Uint8Array): void => this.sendMedia(rtp);

  /** New media: protected at once (SRTP indices in sequence order), then sent or queued in a pacer. */
  private sendMedia(rtp: Uint8Array): void {
    const srtp = (this.srtp as SrtpContext).protect(rtp);
    const own = this.senderPacers.get(this.sendingMid);
    if (own) own.enqueue(this.sendingAt, srtp);
    else if (this.pacer) this.pacer.enqueue(this.sendingAt, srtp);
    else this.transmit(srtp);
  }

  /** Lets out what the pacers allow at `now`. */
  drain(now: number): void {
    for (const own of this.senderPacers.values()) {
      for (let p = own.poll(now); p; p = own.poll(now)) {
        if (this.pacer) this.pacer.enqueue(now, p);
        else this.transmit(p);
      }
    }
    const pacer = this.pacer;
    if (pacer) for (let p = pacer.poll(now); p; p = pacer.poll(now)) this.transmit(p);
  }

  pollTimeout(): number | undefined {
    let t = this.pacer?.pollTimeout();
    for (const own of this.senderPacers.values()) {
      const x = own.pollTimeout();
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }
}
