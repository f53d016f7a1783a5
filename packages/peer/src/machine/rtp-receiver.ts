import {
  type BufferedFrame,
  type DepacketizedFrame,
  decodeRtxPacket,
  JitterBuffer,
  NackGenerator,
  ReceiverStats,
  type RtpPacket,
  type SenderReport,
  UsageError,
} from "@tern/rtp";
import { type MediaCodecName, payloadFormatFor } from "./payload-formats.js";

/** One codec negotiated on the m= section, as a receiver reassembles it. */
export interface ReceiveCodec {
  readonly codec: MediaCodecName;
  readonly payloadType: number;
  readonly clockRate: number;
  /** The RTX payload type repairing this one (RFC 4588 apt), when negotiated. */
  readonly rtxPayloadType?: number;
  /** Ask for lost packets with NACK (a=rtcp-fb:… nack). */
  readonly nack: boolean;
  /** Ask for keyframes with PLI (a=rtcp-fb:… nack pli). */
  readonly pli: boolean;
}

/**
 * One remote media stream we receive: its SSRC and the codecs its m= section negotiated. The sender may
 * use any of them, and change from one to another (RFC 3550 §5.1, RFC 3264 §6.1): each packet is
 * reassembled with the codec of its own payload type.
 */
export interface RtpReceiverConfig {
  readonly mid: string;
  readonly kind: "audio" | "video";
  readonly ssrc: number;
  /** The negotiated codecs we can reassemble, in the m= section's order (at least one). */
  readonly codecs: readonly ReceiveCodec[];
}

/** The codec of `payloadType` among `codecs`, if negotiated (a loop: nothing allocated per packet). */
export function receiveCodecOf(
  codecs: readonly ReceiveCodec[],
  payloadType: number,
): ReceiveCodec | undefined {
  for (let i = 0; i < codecs.length; i++) {
    const c = codecs[i] as ReceiveCodec;
    if (c.payloadType === payloadType) return c;
  }
  return undefined;
}

/** The media codec an RTX payload type repairs, if negotiated. */
export function repairedCodecOf(
  codecs: readonly ReceiveCodec[],
  rtxPayloadType: number,
): ReceiveCodec | undefined {
  for (let i = 0; i < codecs.length; i++) {
    const c = codecs[i] as ReceiveCodec;
    if (c.rtxPayloadType === rtxPayloadType) return c;
  }
  return undefined;
}

/**
 * The packets of one codec of the stream, reassembled by its payload format. One per codec name, not per
 * payload type: a renegotiation that renumbers the codec, or two H.264 payload types, keep one sequence.
 */
interface CodecLane {
  readonly name: MediaCodecName;
  jitter: JitterBuffer<DepacketizedFrame>;
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
  /** Packets whose payload type the m= section did not negotiate (dropped). */
  unknownPayloadType: number;
}

/** ReceiverStats options per packet, made once (no object per packet on the media path). */
const ORIGINAL = { retransmitted: false } as const;
const RETRANSMITTED = { retransmitted: true } as const;

/**
 * The receive side of one remote stream: RFC 3550 statistics, a NACK generator for gaps (RFC 4585), and
 * per codec the stream uses a jitter buffer that reassembles frames in order with that codec's payload
 * format and asks for keyframes when one cannot be completed. Each packet goes to the codec of its payload
 * type among those negotiated now (`setCodecs` after a renegotiation); a packet of a payload type not
 * negotiated is dropped and counted. Sans-IO: packets and timeouts in, frames / NACKs / PLIs out.
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
    unknownPayloadType: 0,
  };
  readonly stats: ReceiverStats;
  private nack: NackGenerator | undefined;
  private readonly out: RtpReceiverOutput[] = [];
  /** The section's codecs as last negotiated. */
  private codecs: readonly ReceiveCodec[];
  /** One per codec received so far, in the order they first came (at most one per codec name). */
  private readonly lanes: CodecLane[] = [];
  /** The codec and lane of the last original (not retransmitted) packet: what the sender uses now. */
  private activeCodec: ReceiveCodec | undefined;
  private activeLane: CodecLane | undefined;

  constructor(
    readonly config: RtpReceiverConfig,
    private readonly random: (n: number) => Uint8Array,
  ) {
    const first = config.codecs[0];
    if (first === undefined) throw new UsageError(`RtpReceiver for mid ${config.mid}: no codec`);
    // One clock per SSRC for the jitter statistics: every video codec's is 90 kHz, and audio is Opus alone.
    this.stats = new ReceiverStats({ ssrc: config.ssrc, clockRate: first.clockRate });
    this.codecs = config.codecs;
    this.setCodecs(config.codecs);
  }

  /**
   * The section was negotiated again: its codecs now (payload types may be renumbered; the lanes, one per
   * codec name, carry on). Ignored when none is left that we can reassemble.
   */
  setCodecs(codecs: readonly ReceiveCodec[]): void {
    if (codecs.length === 0) return;
    this.codecs = codecs;
    this.activeCodec = undefined;
    if (!this.nack && codecs.some((c) => c.nack))
      this.nack = new NackGenerator({ maxAgeMs: this.config.kind === "video" ? 450 : 180 });
  }

  /**
   * The codec the stream is in now: that of the last packet received, or the m= section's first before
   * any (what getStats reports as the inbound stream's codec).
   */
  get codec(): ReceiveCodec {
    return this.activeCodec ?? (this.codecs[0] as ReceiveCodec);
  }

  /** An RTP packet on this stream's SSRC (already unprotected). */
  handlePacket(now: number, packet: RtpPacket): void {
    this.receive(now, packet, false);
  }

  /** An RTX packet repairing this stream (RFC 4588 §4): unwrapped to the original of the codec it repairs. */
  handleRtx(now: number, rtx: RtpPacket): boolean {
    const repaired = repairedCodecOf(this.codecs, rtx.payloadType);
    if (!repaired) return false;
    const original = decodeRtxPacket(rtx, { ssrc: this.config.ssrc, payloadType: repaired.payloadType });
    if (!original.ok) return false;
    this.counters.retransmittedPacketsReceived++;
    this.receive(now, original.value, true);
    return true;
  }

  private receive(now: number, packet: RtpPacket, retransmitted: boolean): void {
    const lane =
      this.activeCodec?.payloadType === packet.payloadType
        ? this.activeLane
        : this.laneFor(packet.payloadType, retransmitted);
    if (lane === undefined) {
      this.counters.unknownPayloadType++;
      return;
    }
    this.counters.packetsReceived++;
    this.counters.bytesReceived += packet.payload.length;
    this.stats.handlePacket(now, packet, retransmitted ? RETRANSMITTED : ORIGINAL);
    this.nack?.handlePacket(now, packet.sequenceNumber);
    lane.jitter.handlePacket(now, packet);
    this.drain();
  }

  /**
   * The lane of another payload type than the active one's (the sender changed codec, or a late packet
   * of the codec it left): made on its codec's first packet. A stream that comes back to a codec whose
   * lane holds nothing starts it afresh, as a new stream: the sequence numbers sent in the other codec are
   * not a loss to wait for. Only an original packet moves the active codec.
   */
  private laneFor(payloadType: number, retransmitted: boolean): CodecLane | undefined {
    const codec = receiveCodecOf(this.codecs, payloadType);
    if (codec === undefined) return undefined;
    let lane: CodecLane | undefined;
    for (let i = 0; i < this.lanes.length; i++) {
      const l = this.lanes[i] as CodecLane;
      if (l.name === codec.codec) lane = l;
    }
    const previous = this.activeCodec === undefined ? undefined : this.activeLane;
    if (lane === undefined) {
      lane = { name: codec.codec, jitter: this.jitterBuffer(codec.codec) };
      this.lanes.push(lane);
    } else if (!retransmitted && previous !== undefined && previous !== lane && lane.jitter.size === 0) {
      lane.jitter = this.jitterBuffer(codec.codec);
    }
    if (!retransmitted) {
      this.activeCodec = codec;
      this.activeLane = lane;
    }
    return lane;
  }

  private jitterBuffer(codec: MediaCodecName): JitterBuffer<DepacketizedFrame> {
    const video = this.config.kind === "video";
    return new JitterBuffer({
      format: payloadFormatFor(codec, this.random),
      maxLatencyMs: video ? 500 : 200,
      maxPackets: video ? 1024 : 64,
      // Payloads are views of fresh SRTP output (or of an RTX packet's): nothing rewrites them.
      adoptPayloads: true,
    });
  }

  handleSenderReport(now: number, sr: SenderReport): void {
    this.stats.handleSenderReport(now, sr);
  }

  handleRtt(rttMs: number): void {
    this.nack?.handleRtt(rttMs);
  }

  handleTimeout(now: number): void {
    this.nack?.handleTimeout(now);
    for (let i = 0; i < this.lanes.length; i++) (this.lanes[i] as CodecLane).jitter.handleTimeout(now);
    this.drain();
  }

  pollTimeout(): number | undefined {
    let t = this.nack?.pollTimeout();
    for (let i = 0; i < this.lanes.length; i++) {
      const x = (this.lanes[i] as CodecLane).jitter.pollTimeout();
      if (x !== undefined && (t === undefined || x < t)) t = x;
    }
    return t;
  }

  poll(): RtpReceiverOutput | undefined {
    return this.out.shift();
  }

  private drain(): void {
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i] as CodecLane;
      for (let f = lane.jitter.pollFrame(); f; f = lane.jitter.pollFrame()) {
        this.counters.framesReceived++;
        this.out.push({ kind: "frame", frame: f });
      }
      for (let e = lane.jitter.pollEvent(); e; e = lane.jitter.pollEvent()) {
        if (e.kind === "keyframe-request" && this.codec.pli) {
          this.counters.pliSent++;
          this.out.push({ kind: "keyframe-request" });
        }
      }
    }
    if (!this.nack) return;
    for (let e = this.nack.pollEvent(); e; e = this.nack.pollEvent()) {
      if (e.kind === "nack") {
        this.counters.nackSent++;
        this.out.push({ kind: "nack", lost: e.lost });
      } else if (e.kind === "keyframe-request" && this.codec.pli) {
        this.counters.pliSent++;
        this.out.push({ kind: "keyframe-request" });
      }
    }
  }
}
