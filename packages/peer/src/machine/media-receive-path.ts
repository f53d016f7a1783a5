import type { RtcpPacket, RtpPacket } from "@tern/rtp";
import type { MediaSessionEvent } from "./media-session-types.js";
import type { RtpReceiver } from "./rtp-receiver.js";
import { type ReceiveTemplate, SsrcRouter } from "./ssrc-router.js";

/** Where the receive path's output goes (the media session's queues). */
export interface MediaReceiveOutput {
  event(e: MediaSessionEvent): void;
  /** RTCP feedback to send (NACK, PLI), unprotected. */
  rtcp(packets: readonly RtcpPacket[]): void;
  /** Whether anyone wants the raw RTP of `mid` (an `rtp` event per packet). */
  readonly wantsRtp: ((mid: string) => boolean) | undefined;
}

export interface MediaReceivePathCounters {
  rtpUnknownSsrc: number;
}

/**
 * The receive side of one media session, sans-IO: decoded RTP packets routed by SSRC to their receivers
 * (`SsrcRouter`: signaled SSRCs, RTX repair streams, SSRCs learned by mid), each receiver's frames out as
 * events and its NACK / PLI out as RTCP (RFC 4585), and the peer's BYEs (RFC 3550 §6.6).
 */
export class MediaReceivePath {
  readonly router: SsrcRouter;
  /** Remote SSRCs that said BYE (RFC 3550 §6.6). */
  private readonly byes = new Set<number>();

  constructor(
    random: (n: number) => Uint8Array,
    private readonly rtcpSsrc: number,
    private readonly out: MediaReceiveOutput,
    private readonly counters: MediaReceivePathCounters,
  ) {
    this.router = new SsrcRouter(random, (mid, ssrc) => out.event({ kind: "remote-stream", mid, ssrc }));
  }

  /** Every remote stream we receive, by SSRC. */
  get receivers(): ReadonlyMap<number, RtpReceiver> {
    return this.router.receivers;
  }

  configure(receive: readonly ReceiveTemplate[]): void {
    this.router.configure(receive);
  }

  /** One decoded (SRTP-unprotected) RTP packet. */
  handleRtp(now: number, p: RtpPacket): void {
    if (this.byes.size > 0) this.byes.delete(p.ssrc); // it said BYE, and sends again (a renegotiation)
    let r = this.router.media(p.ssrc);
    const repairs = r ? undefined : this.router.repaired(p.ssrc);
    if (r) {
      if (this.out.wantsRtp?.(r.config.mid)) this.out.event({ kind: "rtp", mid: r.config.mid, packet: p });
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
        if (this.out.wantsRtp?.(r.config.mid)) this.out.event({ kind: "rtp", mid: r.config.mid, packet: p });
        r.handlePacket(now, p);
      } else r.handleRtx(now, p);
    }
    this.drain(r);
  }

  /** The peer said BYE for these SSRCs; `remote-bye` for those we receive. */
  handleBye(ssrcs: readonly number[]): void {
    const mine = ssrcs.filter((s) => this.router.receivers.has(s));
    if (mine.length === 0) return;
    for (const s of mine) this.byes.add(s);
    const all = [...this.router.receivers.keys()].every((s) => this.byes.has(s));
    this.out.event({ kind: "remote-bye", ssrcs: mine, all });
  }

  handleTimeout(now: number): void {
    for (const r of this.router.receivers.values()) {
      const t = r.pollTimeout();
      if (t !== undefined && t <= now) {
        r.handleTimeout(now);
        this.drain(r);
      }
    }
  }

  /** The earliest receiver deadline (runs after every datagram: a plain loop, no closure, no iterator). */
  pollTimeout(): number | undefined {
    let t: number | undefined;
    const receivers = this.router.receiverList;
    for (let i = 0; i < receivers.length; i++) {
      const x = (receivers[i] as RtpReceiver).pollTimeout();
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  private drain(r: RtpReceiver): void {
    for (let o = r.poll(); o; o = r.poll()) {
      if (o.kind === "frame") {
        this.out.event({
          kind: "frame",
          mid: r.config.mid,
          ssrc: r.config.ssrc,
          data: o.frame.frame.data,
          isKeyframe: o.frame.frame.isKeyframe,
          rtpTimestamp: o.frame.rtpTimestamp,
        });
      } else if (o.kind === "nack") {
        this.out.rtcp([{ type: "nack", senderSsrc: this.rtcpSsrc, mediaSsrc: r.config.ssrc, lost: o.lost }]);
      } else {
        this.out.rtcp([{ type: "pli", senderSsrc: this.rtcpSsrc, mediaSsrc: r.config.ssrc }]);
      }
    }
  }
}
