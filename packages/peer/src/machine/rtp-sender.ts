import {
  encodeHeaderExtension,
  encodeRtpPacket,
  encodeRtpPacketInto,
  type ReportBlock,
  RetransmissionHistory,
  type RtpPacket,
  RtpPacketizer,
  type SenderReport,
  SenderStats,
} from "@tern/rtp";
import { type MediaCodecName, payloadFormatFor } from "./payload-formats.js";

/** What one sending m= section was negotiated with. */
export interface RtpSenderConfig {
  readonly mid: string;
  readonly kind: "audio" | "video";
  readonly ssrc: number;
  readonly codec: MediaCodecName;
  readonly payloadType: number;
  readonly clockRate: number;
  /** RFC 4588, when negotiated: RTX SSRC and payload type. */
  readonly rtx?: { readonly ssrc: number; readonly payloadType: number };
  /** The extmap id of `urn:ietf:params:rtp-hdrext:sdes:mid`, when negotiated (RFC 8843 §15.2). */
  readonly midExtensionId?: number;
  /** Largest RTP packet, header included (before SRTP's tag). */
  readonly maxPacketBytes: number;
}

export interface RtpSenderCounters {
  packetsSent: number;
  bytesSent: number;
  framesSent: number;
  retransmittedPackets: number;
  nackReceived: number;
  pliReceived: number;
  firReceived: number;
}

/**
 * The send side of one media stream: frames → RTP packets (RFC 3550, payload format per codec), kept in a
 * retransmission history that answers NACKs (plain or RTX, RFC 4588), and sender statistics for SRs.
 * Pure: packets come back to the caller, which protects and sends them.
 */
/**
 * Where outgoing RTP is encoded before SRTP protects it into its own output: one per process, since
 * encode → protect runs to completion synchronously. A packet larger than this gets its own array.
 */
const encodeScratch = new Uint8Array(2048);

export class RtpSender {
  readonly counters: RtpSenderCounters = {
    packetsSent: 0,
    bytesSent: 0,
    framesSent: 0,
    retransmittedPackets: 0,
    nackReceived: 0,
    pliReceived: 0,
    firReceived: 0,
  };
  readonly stats: SenderStats;
  private readonly packetizer: RtpPacketizer;
  private readonly history: RetransmissionHistory;
  private readonly extension: ReturnType<typeof encodeHeaderExtension> | undefined;

  constructor(
    readonly config: RtpSenderConfig,
    random: (n: number) => Uint8Array,
    /**
     * The sender this one replaces on the same SSRC (a codec change in a renegotiation): its sequence
     * numbers go on, so the peer's SRTP replay window and jitter buffer see one stream (RFC 3550 §5.1).
     */
    previous?: RtpSender,
  ) {
    const seq = random(4);
    this.packetizer = new RtpPacketizer({
      format: payloadFormatFor(config.codec, random),
      ssrc: config.ssrc,
      payloadType: config.payloadType,
      sequenceNumber: previous?.nextSequenceNumber ?? ((seq[0] ?? 0) << 8) | (seq[1] ?? 0),
      maxPacketBytes:
        config.maxPacketBytes - (config.midExtensionId !== undefined ? 8 + config.mid.length : 0),
    });
    this.history = new RetransmissionHistory({
      capacity: config.kind === "video" ? 1024 : 128,
      ...(config.rtx
        ? {
            rtx: {
              ssrc: config.rtx.ssrc,
              payloadType: config.rtx.payloadType,
              sequenceNumber: ((seq[2] ?? 0) << 8) | (seq[3] ?? 0),
            },
          }
        : {}),
    });
    this.stats = new SenderStats({ ssrc: config.ssrc, clockRate: config.clockRate });
    this.extension =
      config.midExtensionId !== undefined
        ? encodeHeaderExtension([{ id: config.midExtensionId, data: new TextEncoder().encode(config.mid) }])
        : undefined;
  }

  /** The sequence number of the next packet. */
  get nextSequenceNumber(): number {
    return this.packetizer.nextSequenceNumber;
  }

  /**
   * One encoded frame at an RTP timestamp: each packet, in order, handed to `send` to protect and send.
   * The bytes are valid only during the call (one scratch buffer serves every packet).
   */
  packetizeFrame(
    now: number,
    frame: Uint8Array,
    rtpTimestamp: number,
    send: (rtp: Uint8Array) => void,
  ): void {
    const packets = this.packetizer.packetize(
      frame,
      rtpTimestamp >>> 0,
      this.extension ? { extension: this.extension } : {},
    );
    this.counters.framesSent++;
    for (const p of packets) send(this.sent(now, p));
  }

  /**
   * A ready RTP packet from the application (our SSRC and payload type are kept as given), encoded; the
   * bytes are valid until the next packet is encoded (protect them at once).
   */
  sendPacket(now: number, packet: RtpPacket): Uint8Array {
    return this.sent(now, packet);
  }

  private sent(now: number, p: RtpPacket): Uint8Array {
    this.history.handleSent(now, p);
    this.stats.handleSent(now, p);
    this.counters.packetsSent++;
    this.counters.bytesSent += p.payload.length;
    return encodeRtpPacketInto(p, encodeScratch);
  }

  /** RFC 4585 §6.2.1 Generic NACK for our SSRC: the packets to resend (encoded). */
  handleNack(now: number, lost: readonly number[]): Uint8Array[] {
    this.counters.nackReceived++;
    this.history.handleNack(now, lost);
    const out: Uint8Array[] = [];
    for (let p = this.history.pollTransmit(); p; p = this.history.pollTransmit()) {
      this.counters.retransmittedPackets++;
      out.push(encodeRtpPacket(p));
    }
    return out;
  }

  handleReportBlock(now: number, block: ReportBlock): void {
    this.stats.handleReportBlock(now, block);
    const rtt = this.stats.rttMs;
    if (rtt !== undefined) this.history.handleRtt(rtt);
  }

  senderReport(now: number, ntp: bigint, reports: readonly ReportBlock[]): SenderReport | undefined {
    if (this.counters.packetsSent === 0) return undefined;
    return this.stats.senderReport(now, ntp, reports);
  }
}
