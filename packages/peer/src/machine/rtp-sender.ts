import {
  decodeHeaderExtensionElements,
  encodeHeaderExtension,
  encodeRtpPacket,
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
  /**
   * The extmap id of the transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01),
   * when negotiated: every packet carries the element (its value is written as the packet leaves the pacer).
   */
  readonly transportCcExtensionId?: number;
}

export interface RtpSenderCounters {
  packetsSent: number;
  bytesSent: number;
  framesSent: number;
  retransmittedPackets: number;
  nackReceived: number;
  pliReceived: number;
  firReceived: number;
  /** padding-only packets sent for bandwidth probes */
  paddingPackets: number;
}

/**
 * The send side of one media stream: frames → RTP packets (RFC 3550, payload format per codec), kept in a
 * retransmission history that answers NACKs (plain or RTX, RFC 4588), and sender statistics for SRs.
 * Pure: packets come back to the caller, which protects and sends them.
 */
export class RtpSender {
  readonly counters: RtpSenderCounters = {
    packetsSent: 0,
    bytesSent: 0,
    framesSent: 0,
    retransmittedPackets: 0,
    nackReceived: 0,
    pliReceived: 0,
    firReceived: 0,
    paddingPackets: 0,
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
    const elements = [];
    if (config.midExtensionId !== undefined)
      elements.push({ id: config.midExtensionId, data: new TextEncoder().encode(config.mid) });
    if (config.transportCcExtensionId !== undefined)
      elements.push({ id: config.transportCcExtensionId, data: new Uint8Array(2) });
    this.extension = elements.length > 0 ? encodeHeaderExtension(elements) : undefined;
    this.packetizer = new RtpPacketizer({
      format: payloadFormatFor(config.codec, random),
      ssrc: config.ssrc,
      payloadType: config.payloadType,
      sequenceNumber: previous?.nextSequenceNumber ?? ((seq[0] ?? 0) << 8) | (seq[1] ?? 0),
      maxPacketBytes:
        config.maxPacketBytes -
        (config.midExtensionId !== undefined ? 8 + config.mid.length : 0) -
        (config.transportCcExtensionId !== undefined ? (config.midExtensionId !== undefined ? 3 : 8) : 0),
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
  }

  /** The sequence number of the next packet. */
  get nextSequenceNumber(): number {
    return this.packetizer.nextSequenceNumber;
  }

  /**
   * One encoded frame at an RTP timestamp: each packet, in order, handed to `send` to protect and send.
   * The bytes are the retransmission history's copy: protect them at once (or copy them to queue them).
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
   * A ready RTP packet from the application (our SSRC and payload type are kept as given), encoded: the
   * retransmission history's copy, as `packetizeFrame` gives.
   */
  sendPacket(now: number, packet: RtpPacket): Uint8Array {
    return this.sent(now, this.withTransportSequence(packet));
  }

  /**
   * The application's packet with the transport-wide sequence number element added (replacing one with
   * the same id), when it is negotiated and the packet's extension block is RFC 8285 (or absent).
   */
  private withTransportSequence(packet: RtpPacket): RtpPacket {
    const id = this.config.transportCcExtensionId;
    if (id === undefined) return packet;
    const els = packet.extension ? decodeHeaderExtensionElements(packet.extension) : undefined;
    if (els && !els.ok) return packet;
    const kept = els ? els.value.filter((e) => e.id !== id) : [];
    return { ...packet, extension: encodeHeaderExtension([...kept, { id, data: new Uint8Array(2) }]) };
  }

  /**
   * A padding-only packet of about `bytes` octets on the RTX stream, for a bandwidth probe (encoded, with
   * our header extension); undefined without RTX or before the first packet.
   */
  paddingPacket(bytes: number): Uint8Array | undefined {
    const p = this.history.paddingPacket(bytes, this.extension);
    if (!p) return undefined;
    this.counters.paddingPackets++;
    return encodeRtpPacket(p);
  }

  /** A packet that never left (its frame was dropped from the pacer): NACKs for it go unanswered. */
  forgetPacket(sequenceNumber: number): void {
    this.history.forget(sequenceNumber);
  }

  /** Whether this sender can make padding (RTX negotiated). */
  get canPad(): boolean {
    return this.config.rtx !== undefined;
  }

  /** The packet is kept for NACKs, encoded once into the history's store: those bytes are what goes out. */
  private sent(now: number, p: RtpPacket): Uint8Array {
    const bytes = this.history.handleSent(now, p);
    this.stats.handleSent(now, p);
    this.counters.packetsSent++;
    this.counters.bytesSent += p.payload.length;
    return bytes;
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
