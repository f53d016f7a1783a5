import {
  type BufferedFrame,
  type DepacketizedFrame,
  decodeRtxPacket,
  JitterBuffer,
  NackGenerator,
  ReceiverStats,
  type RtpPacket,
  type SenderReport,
} from "@tern/rtp";
import { type MediaCodecName, payloadFormatFor } from "./payload-formats.js";

/** One remote media stream we receive: its SSRC, codec, and RTX if negotiated. */
export interface RtpReceiverConfig {
  readonly mid: string;
  readonly kind: "audio" | "video";
  readonly ssrc: number;
  readonly codec: MediaCodecName;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly rtx?: { readonly ssrc?: number; readonly payloadType: number };
  /** Ask for lost packets with NACK (a=rtcp-fb:… nack). */
  readonly nack: boolean;
  /** Ask for keyframes with PLI (a=rtcp-fb:… nack pli). */
  readonly pli: boolean;
}

export type RtpReceiverOutput =
  | { readonly kind: "frame"; readonly frame: BufferedFrame<DepacketizedFrame> }
  | { readonly kind: "nack"; readonly lost: readonly number[] }
  | { readonly kind: "keyframe-request" };

export interface RtpReceiverCounters {
  packetsReceived: number;
  bytesReceived: number;
  framesReceived: number;
  retransmittedPacketsReceived: number;
  nackSent: number;
  pliSent: number;
  framesDropped: number;
}

/** ReceiverStats options per packet, made once (no object per packet on the media path). */
const ORIGINAL = { retransmitted: false } as const;
const RETRANSMITTED = { retransmitted: true } as const;

/**
 * The receive side of one remote stream: RFC 3550 statistics, a NACK generator for gaps (RFC 4585), a
 * jitter buffer that reassembles frames in order and asks for keyframes when one cannot be completed.
 * Sans-IO: packets and timeouts in, frames / NACKs / PLIs out.
 */
export class RtpReceiver {
  readonly counters: RtpReceiverCounters = {
    packetsReceived: 0,
    bytesReceived: 0,
    framesReceived: 0,
    retransmittedPacketsReceived: 0,
    nackSent: 0,
    pliSent: 0,
    framesDropped: 0,
  };
  readonly stats: ReceiverStats;
  private readonly jitter: JitterBuffer<DepacketizedFrame>;
  private readonly nack: NackGenerator | undefined;
  private readonly out: RtpReceiverOutput[] = [];

  constructor(
    readonly config: RtpReceiverConfig,
    random: (n: number) => Uint8Array,
  ) {
    this.stats = new ReceiverStats({ ssrc: config.ssrc, clockRate: config.clockRate });
    const video = config.kind === "video";
    this.jitter = new JitterBuffer({
      format: payloadFormatFor(config.codec, random),
      maxLatencyMs: video ? 500 : 200,
      maxPackets: video ? 1024 : 64,
      // Payloads are views of fresh SRTP output (or of an RTX packet's): nothing rewrites them.
      adoptPayloads: true,
    });
    this.nack = config.nack ? new NackGenerator({ maxAgeMs: video ? 450 : 180 }) : undefined;
  }

  /** An RTP packet on this stream's SSRC (already unprotected). */
  handlePacket(now: number, packet: RtpPacket): void {
    this.receive(now, packet, false);
  }

  /** An RTX packet repairing this stream (RFC 4588 §4): unwrapped to the original. */
  handleRtx(now: number, rtx: RtpPacket): boolean {
    const original = decodeRtxPacket(rtx, { ssrc: this.config.ssrc, payloadType: this.config.payloadType });
    if (!original.ok) return false;
    this.counters.retransmittedPacketsReceived++;
    this.receive(now, original.value, true);
    return true;
  }

  private receive(now: number, packet: RtpPacket, retransmitted: boolean): void {
    this.counters.packetsReceived++;
    this.counters.bytesReceived += packet.payload.length;
    this.stats.handlePacket(now, packet, retransmitted ? RETRANSMITTED : ORIGINAL);
    this.nack?.handlePacket(now, packet.sequenceNumber);
    this.jitter.handlePacket(now, packet);
    this.drain();
  }

  handleSenderReport(now: number, sr: SenderReport): void {
    this.stats.handleSenderReport(now, sr);
  }

  handleRtt(rttMs: number): void {
    this.nack?.handleRtt(rttMs);
  }

  handleTimeout(now: number): void {
    this.nack?.handleTimeout(now);
    this.jitter.handleTimeout(now);
    this.drain();
  }

  pollTimeout(): number | undefined {
    const a = this.nack?.pollTimeout();
    const b = this.jitter.pollTimeout();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  poll(): RtpReceiverOutput | undefined {
    return this.out.shift();
  }

  private drain(): void {
    for (let f = this.jitter.pollFrame(); f; f = this.jitter.pollFrame()) {
      this.counters.framesReceived++;
      this.out.push({ kind: "frame", frame: f });
    }
    for (let e = this.jitter.pollEvent(); e; e = this.jitter.pollEvent()) {
      if (e.kind === "keyframe-request" && this.config.pli) {
        this.counters.pliSent++;
        this.out.push({ kind: "keyframe-request" });
      }
    }
    if (!this.nack) return;
    for (let e = this.nack.pollEvent(); e; e = this.nack.pollEvent()) {
      if (e.kind === "nack") {
        this.counters.nackSent++;
        this.out.push({ kind: "nack", lost: e.lost });
      } else if (e.kind === "keyframe-request" && this.config.pli) {
        this.counters.pliSent++;
        this.out.push({ kind: "keyframe-request" });
      }
    }
  }
}
