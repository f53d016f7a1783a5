import type { Chunk } from "../wire/chunk.js";
import type { AssociationContext } from "./association-context.js";
import { DataReceiver } from "./data-receiver.js";
import { DataSender } from "./data-sender.js";
import { DataTracker } from "./data-tracker.js";
import { Heartbeat } from "./heartbeat.js";
import { Reassembly } from "./reassembly.js";
import { RetransmissionQueue } from "./retransmission-queue.js";
import { RtoEstimator } from "./rto-estimator.js";
import { SendQueue } from "./send-queue.js";
import { StreamReset } from "./stream-reset.js";

/** What set-up settled (from the INIT / INIT ACK exchange or a State Cookie). */
export interface NegotiatedParameters {
  readonly myTag: number;
  readonly peerTag: number;
  readonly myInitialTsn: number;
  readonly peerInitialTsn: number;
  readonly peerRwnd: number;
  /** min(our OS, peer's MIS) and min(peer's OS, our MIS) (RFC 9260 §5.1.1). */
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  /** Both sides announced I-DATA (RFC 8260 §2.2). */
  readonly iData: boolean;
  /** The peer supports FORWARD TSN (RFC 3758 §3.3). */
  readonly forwardTsn: boolean;
  /** The peer supports RE-CONFIG (RFC 6525). */
  readonly reconfig: boolean;
  /** The peer accepts zero checksums and we use them (RFC 9653). */
  readonly zeroChecksumSend: boolean;
}

/**
 * RFC 9260 §14 Transmission Control Block: an association's negotiated parameters and its data-path
 * machines (send queue, retransmission queue, TSN tracker, reassembly, stream reset, heartbeat).
 */
export class Tcb {
  readonly myTag: number;
  /** Mutable only for the INIT collision case B of §5.2.4 (the peer picked a new tag). */
  peerTag: number;
  readonly iData: boolean;
  readonly forwardTsn: boolean;
  readonly reconfig: boolean;
  readonly zeroChecksumSend: boolean;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly rto: RtoEstimator;
  readonly sendQueue = new SendQueue();
  readonly rtxq: RetransmissionQueue;
  tracker: DataTracker;
  readonly receiver: DataReceiver;
  readonly reassembly: Reassembly;
  readonly sender: DataSender;
  readonly streamReset: StreamReset;
  readonly heartbeat: Heartbeat;
  /** Control chunks for the next packet (COOKIE ACK, HEARTBEAT/ACK, ERROR, SHUTDOWN…, RE-CONFIG). */
  readonly control: Chunk[] = [];
  /** Association error counter (§8.1): consecutive unanswered retransmission timeouts. */
  errorCount = 0;
  /** DATA was exchanged (so a collision case B only changes the tag). */
  dataSeen = false;

  constructor(
    readonly ctx: AssociationContext,
    p: NegotiatedParameters,
  ) {
    const o = ctx.options;
    this.myTag = p.myTag;
    this.peerTag = p.peerTag;
    this.iData = p.iData;
    this.forwardTsn = p.forwardTsn;
    this.reconfig = p.reconfig;
    this.zeroChecksumSend = p.zeroChecksumSend;
    this.outboundStreams = p.outboundStreams;
    this.inboundStreams = p.inboundStreams;
    this.rto = new RtoEstimator(o.rto);
    this.rtxq = new RetransmissionQueue(
      ctx,
      p.myInitialTsn,
      p.peerRwnd,
      o.mtu,
      this.rto,
      this.sendQueue,
      p.iData,
    );
    this.tracker = new DataTracker(p.peerInitialTsn);
    this.receiver = new DataReceiver(ctx, this);
    this.reassembly = new Reassembly(this.receiver, o.maxReceiveMessageSize);
    this.sender = new DataSender(ctx, this);
    this.streamReset = new StreamReset(ctx, this, p.myInitialTsn, p.peerInitialTsn);
    this.heartbeat = new Heartbeat(ctx, this);
  }

  /** §8.1: one more unanswered expiry; true if Association.Max.Retrans is now exceeded. */
  countError(): boolean {
    return ++this.errorCount > this.ctx.options.maxRetransmissions;
  }

  dispose(): void {
    this.sendQueue.clear();
    this.rtxq.clear();
    this.control.length = 0;
  }
}
