import type { SackChunk } from "../wire/sack-chunk.js";
import type { AssociationContext } from "./association-context.js";
import { CongestionWindow } from "./congestion-window.js";
import { LossDetection } from "./loss-detection.js";
import { endMarkerChunk, type OutboundChunk, type OutgoingMessage } from "./outbound-chunk.js";
import type { RtoEstimator } from "./rto-estimator.js";
import type { SendQueue } from "./send-queue.js";
import { unwrap32 } from "./serial-number.js";

/** What `handleSack` made of a SACK. */
export const SackResult = {
  /** Processed. */
  ok: 0,
  /** Cumulative TSN Ack below what we already know (RFC 9260 §6.2.1 D: "drop the SACK"). */
  stale: 1,
  /** Acknowledges TSNs we never sent: dropped and counted. */
  invalid: 2,
} as const;
export type SackResult = (typeof SackResult)[keyof typeof SackResult];

/**
 * The DATA / I-DATA chunks we sent and the peer has not acknowledged yet (RFC 9260 §6.1–§6.3, §7.2),
 * indexed by TSN: SACK processing (cumulative ack, gap blocks, miss indications, fast retransmit),
 * T3-rtx, the peer's window (rwnd), flight size, and PR-SCTP abandonment with the Advanced.Peer.Ack.Point
 * of RFC 3758 §3.5. TSNs are unwrapped; `#chunks[#head + (tsn - #cumAck - 1)]` is the chunk of `tsn`.
 */
export class RetransmissionQueue {
  readonly #chunks: (OutboundChunk | undefined)[] = [];
  #head = 0;
  #cumAck: number;
  #nextTsn: number;
  #flightBytes = 0;
  /** User bytes of chunks neither acked nor abandoned (the send buffer counts them). */
  #outstandingBytes = 0;
  #toRetransmit = 0;
  #rwnd: number;
  #advancedPeerAckPoint: number;
  /** One packet of fast retransmissions may ignore cwnd (§7.2.4 step 3). */
  #fastRetransmitBurst = false;
  #sendSeq = 0;
  readonly #loss: LossDetection;
  /** Set when a FORWARD TSN should go in the next packet (RFC 3758 §3.5 C2, C3). */
  forwardTsnDue = false;
  /** The Advanced.Peer.Ack.Point and time of the last FORWARD TSN sent. */
  forwardTsnSentPoint = -1;
  forwardTsnSentAt = Number.NEGATIVE_INFINITY;
  /** T3-rtx deadline, or undefined when stopped (§6.3.2). */
  t3ExpiresAt: number | undefined;
  readonly cwnd: CongestionWindow;
  /** Results of the last `handleSack`, read by the association. */
  lastBytesAcked = 0;
  lastCumAdvanced = false;
  constructor(
    readonly ctx: AssociationContext,
    initialTsn: number,
    peerRwnd: number,
    mtu: number,
    readonly rto: RtoEstimator,
    readonly sendQueue: SendQueue,
    /** I-DATA was negotiated (for the end markers of truncated messages). */
    readonly iData: boolean,
  ) {
    this.#cumAck = initialTsn - 1;
    this.#nextTsn = initialTsn;
    this.#advancedPeerAckPoint = this.#cumAck;
    this.#rwnd = peerRwnd;
    this.cwnd = new CongestionWindow(mtu, peerRwnd);
    this.#loss = new LossDetection(ctx, this.cwnd);
  }

  get nextTsn(): number {
    return this.#nextTsn;
  }

  get cumAckTsn(): number {
    return this.#cumAck;
  }

  get advancedPeerAckPoint(): number {
    return this.#advancedPeerAckPoint;
  }

  get flightBytes(): number {
    return this.#flightBytes;
  }

  get outstandingBytes(): number {
    return this.#outstandingBytes;
  }

  /** The peer's receive window as we estimate it (§6.2.1). */
  get rwnd(): number {
    return this.#rwnd;
  }

  /** Nothing sent is still unacknowledged (abandoned chunks count until FORWARD TSN covers them). */
  get empty(): boolean {
    return this.#cumAck === this.#nextTsn - 1;
  }

  get hasRetransmits(): boolean {
    return this.#toRetransmit !== 0;
  }

  /** Whether one packet of fast retransmissions may go regardless of cwnd. */
  get fastRetransmitBurst(): boolean {
    return this.#fastRetransmitBurst;
  }

  endFastRetransmitBurst(): void {
    this.#fastRetransmitBurst = false;
  }

  chunkAt(tsn: number): OutboundChunk | undefined {
    return this.#chunks[this.#head + (tsn - this.#cumAck - 1)];
  }

  /** Records a new chunk (its TSN is `nextTsn`) as sent now. */
  add(now: number, c: OutboundChunk): void {
    this.#chunks.push(c);
    this.#nextTsn++;
    c.sentAtMs = now;
    c.lastSentAtMs = now;
    c.sendSeq = ++this.#sendSeq;
    c.inFlight = true;
    this.#flightBytes += c.packetBytes;
    this.#outstandingBytes += c.chunk.userData.length;
    this.#rwnd = Math.max(0, this.#rwnd - c.packetBytes);
    if (this.t3ExpiresAt === undefined) this.t3ExpiresAt = now + this.rto.rtoMs;
  }

  /** The earliest chunk marked for retransmission, or undefined. */
  peekRetransmit(): OutboundChunk | undefined {
    if (this.#toRetransmit === 0) return undefined;
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const c = this.#chunks[i];
      if (c?.toRetransmit) return c;
    }
    return undefined;
  }

  /** Records a retransmission of `c` (from `peekRetransmit`) sent now. */
  retransmitted(now: number, c: OutboundChunk): void {
    c.fastRetransmittedAtMs = c.fast && c.retransmissions === 0 ? now : -1;
    c.toRetransmit = false;
    c.fast = false;
    this.#toRetransmit--;
    c.retransmissions++;
    c.nacks = 0;
    c.sentAtMs = -1;
    c.lastSentAtMs = now;
    c.sendSeq = ++this.#sendSeq;
    c.inFlight = true;
    this.#flightBytes += c.packetBytes;
    this.ctx.count("retransmissions");
    if (this.t3ExpiresAt === undefined) this.t3ExpiresAt = now + this.rto.rtoMs;
  }

  /** RFC 9260 §6.2.1 and §7.2.4: one SACK. */
  handleSack(now: number, sack: SackChunk): SackResult {
    const cum = unwrap32(this.#cumAck, sack.cumulativeTsnAck);
    if (cum < this.#cumAck) return SackResult.stale;
    if (cum >= this.#nextTsn) return SackResult.invalid;
    const flightBefore = this.#flightBytes;
    const cumAdvanced = cum > this.#cumAck;
    let bytesAcked = 0;
    let highestNewlyAcked = -1;
    let highestSendSeq = 0;
    let rttSample = -1;
    // Cumulative ack: everything up to `cum` leaves the queue.
    for (let tsn = this.#cumAck + 1; tsn <= cum; tsn++) {
      const c = this.#chunks[this.#head] as OutboundChunk;
      this.#chunks[this.#head++] = undefined;
      if (!c.acked && !c.abandoned) {
        bytesAcked += c.packetBytes;
        highestNewlyAcked = tsn;
        if (c.sendSeq > highestSendSeq) highestSendSeq = c.sendSeq;
        if (c.sentAtMs >= 0) rttSample = now - c.sentAtMs;
        else if (c.fastRetransmittedAtMs >= 0) this.#loss.ackedAfterFastRetransmit(now, c);
        this.#settle(c);
      }
    }
    this.#cumAck = cum;
    if (this.#head > 1024 && this.#head * 2 > this.#chunks.length) {
      this.#chunks.splice(0, this.#head);
      this.#head = 0;
    }
    // Gap ack blocks: offsets from the cumulative ack; blocks out of range or out of order are ignored.
    let lastBlockEnd = 0;
    for (const g of sack.gapAckBlocks) {
      if (g.start > g.end || g.start <= lastBlockEnd || cum + g.end >= this.#nextTsn) continue;
      for (let tsn = cum + g.start; tsn <= cum + g.end; tsn++) {
        const c = this.chunkAt(tsn) as OutboundChunk;
        if (c.acked) continue;
        c.acked = true;
        if (!c.abandoned) {
          bytesAcked += c.packetBytes;
          if (tsn > highestNewlyAcked) highestNewlyAcked = tsn;
          if (c.sendSeq > highestSendSeq) highestSendSeq = c.sendSeq;
          if (c.sentAtMs >= 0 && tsn === highestNewlyAcked) rttSample = now - c.sentAtMs;
          else if (c.fastRetransmittedAtMs >= 0) this.#loss.ackedAfterFastRetransmit(now, c);
          this.#settle(c);
        }
      }
      lastBlockEnd = g.end;
    }
    if (rttSample >= 0) {
      this.rto.observe(rttSample);
      this.#loss.observeRtt(rttSample);
    }
    this.#loss.afterAcks(now, highestNewlyAcked, this.rto.srttMs ?? 0);
    // Miss indications (§7.2.4): TSNs still missing below the highest TSN this SACK newly acked; in Fast
    // Recovery, a SACK that moves the cumulative ack counts for every TSN it reports missing. Only a
    // chunk sent after the missing one's latest transmission can say it is missing.
    let nackLimit = highestNewlyAcked;
    if (this.cwnd.inFastRecovery && cumAdvanced) nackLimit = Math.max(nackLimit, cum + lastBlockEnd);
    // When a miss indication makes a chunk lost: loss-detection.ts.
    let newlyMarked = false;
    for (let tsn = cum + 1; tsn < nackLimit; tsn++) {
      const c = this.chunkAt(tsn) as OutboundChunk;
      if (c.acked || c.abandoned || c.toRetransmit || c.sendSeq > highestSendSeq) continue;
      if (this.#loss.nack(c) && this.#markForRetransmit(now, c, true)) {
        if (!newlyMarked) this.#loss.firstMarked(c);
        newlyMarked = true;
      }
    }
    if (newlyMarked && this.cwnd.onFastRetransmit(this.#nextTsn - 1)) this.#fastRetransmitBurst = true;
    if (newlyMarked) this.ctx.count("fast-retransmits");
    // §6.2.1: rwnd = a_rwnd minus what is still in flight.
    this.#rwnd = Math.max(0, sack.aRwnd - this.#flightBytes);
    this.cwnd.onSack(bytesAcked, cumAdvanced, flightBefore, cum, this.#flightBytes);
    // §6.3.2 R2/R3: stop T3 when nothing is outstanding, restart it when the earliest outstanding
    // TSN was acknowledged.
    if (this.empty) this.t3ExpiresAt = undefined;
    else if (cumAdvanced || this.t3ExpiresAt === undefined) this.t3ExpiresAt = now + this.rto.rtoMs;
    this.#advancePeerAckPoint();
    // RFC 3758 §3.5 C2/C3: tell the peer of a new Advanced.Peer.Ack.Point; if a SACK shows it is still
    // behind an old one, tell it again — once per round trip, not on every SACK already in flight.
    const adv = this.#advancedPeerAckPoint;
    if (
      adv > cum &&
      (adv > this.forwardTsnSentPoint || now - this.forwardTsnSentAt > (this.rto.srttMs ?? 0))
    ) {
      this.forwardTsnDue = true;
    }
    this.lastBytesAcked = bytesAcked;
    this.lastCumAdvanced = cumAdvanced;
    return SackResult.ok;
  }

  /** An acked chunk leaves flight, the retransmission list and its message's count. */
  #settle(c: OutboundChunk): void {
    if (c.inFlight) {
      c.inFlight = false;
      this.#flightBytes -= c.packetBytes;
    }
    if (c.toRetransmit) {
      c.toRetransmit = false;
      this.#toRetransmit--;
    }
    this.#outstandingBytes -= c.chunk.userData.length;
    c.message.chunksOutstanding--;
  }

  /**
   * Marks `c` for retransmission, unless its message's PR-SCTP policy says to give up (RFC 3758 §3.5
   * A1–A3: too many retransmissions, or past its lifetime), in which case the whole message is
   * abandoned. Returns whether it was marked.
   */
  #markForRetransmit(now: number, c: OutboundChunk, fast: boolean): boolean {
    const m = c.message;
    if (c.retransmissions >= m.maxRetransmits || now >= m.expiresAtMs) {
      this.abandon(now, m);
      return false;
    }
    if (c.inFlight) {
      c.inFlight = false;
      this.#flightBytes -= c.packetBytes;
    }
    c.toRetransmit = true;
    c.fast = fast;
    this.#toRetransmit++;
    return true;
  }

  /**
   * §6.3.3 T3-rtx expiry: E1 cwnd, E2 back off the RTO, E3 every outstanding chunk is to be resent
   * (PR-SCTP may abandon some instead). Returns false if nothing was outstanding.
   */
  handleT3Expiry(now: number): boolean {
    this.t3ExpiresAt = undefined;
    if (this.empty) return false;
    if (this.#outstandingBytes === 0) {
      // Only abandoned chunks wait for the peer to learn of them: the FORWARD TSN was lost. Say it
      // again; nothing was lost to congestion.
      this.forwardTsnDue = true;
      this.t3ExpiresAt = now + this.rto.rtoMs;
      return false;
    }
    this.cwnd.onRetransmissionTimeout();
    this.rto.backOff();
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const c = this.#chunks[i] as OutboundChunk;
      if (c.acked || c.abandoned) continue;
      c.nacks = 0;
      if (!c.toRetransmit) this.#markForRetransmit(now, c, false);
    }
    this.#advancePeerAckPoint();
    if (this.#advancedPeerAckPoint > this.#cumAck) this.forwardTsnDue = true;
    this.t3ExpiresAt = now + this.rto.rtoMs;
    return true;
  }

  /**
   * PR-SCTP: gives up on `m`. Its chunks still outstanding become abandoned (out of flight, never resent),
   * what was not yet cut from it leaves the send queue, and the peer is told with FORWARD TSN.
   *
   * If a first part of it went out and the rest was never cut, the receiver may hold that part with
   * every TSN of it acknowledged: no abandoned TSN would then carry the message's stream and sequence
   * number into a FORWARD TSN, and an ordered stream would wait for it forever. So the message gets an
   * end marker, as dcSCTP does: one more TSN, an empty last fragment that is never sent, abandoned.
   */
  abandon(now: number, m: OutgoingMessage): void {
    if (!m.abandoned) this.ctx.count("messages-abandoned");
    m.abandoned = true;
    this.sendQueue.discardRest(m);
    for (let i = this.#head; i < this.#chunks.length && m.chunksOutstanding > 0; i++) {
      const c = this.#chunks[i] as OutboundChunk;
      if (c.message !== m || c.acked || c.abandoned) continue;
      this.#settle(c);
      c.abandoned = true;
    }
    if (m.truncated && !m.endMarked) {
      m.endMarked = true;
      this.#pushEndMarker(now, m);
    }
    this.#advancePeerAckPoint();
    if (this.#advancedPeerAckPoint > this.forwardTsnSentPoint) this.forwardTsnDue = true;
  }

  #pushEndMarker(now: number, m: OutgoingMessage): void {
    const c = endMarkerChunk(m, this.#nextTsn++, this.iData);
    c.lastSentAtMs = now;
    this.#chunks.push(c);
    if (this.t3ExpiresAt === undefined) this.t3ExpiresAt = now + this.rto.rtoMs;
  }

  /** Abandons every queued message half-sent past its lifetime (SendQueue.abandoned). */
  abandonExpiredFromSendQueue(now: number): void {
    const list = this.sendQueue.abandoned;
    while (list.length !== 0) {
      this.ctx.count("messages-abandoned");
      this.abandon(now, list.pop() as OutgoingMessage);
    }
  }

  /**
   * RFC 3758 §3.5 C1: the Advanced.Peer.Ack.Point moves over abandoned chunks (and chunks the peer
   * already has) that follow the cumulative ack.
   */
  #advancePeerAckPoint(): void {
    if (this.#advancedPeerAckPoint < this.#cumAck) this.#advancedPeerAckPoint = this.#cumAck;
    for (;;) {
      const c = this.chunkAt(this.#advancedPeerAckPoint + 1);
      if (c === undefined || !(c.abandoned || c.acked)) break;
      this.#advancedPeerAckPoint++;
    }
    // Trailing acked chunks are not worth skipping to: only stop on an abandoned one.
    while (this.#advancedPeerAckPoint > this.#cumAck) {
      const c = this.chunkAt(this.#advancedPeerAckPoint);
      if (c?.abandoned) break;
      this.#advancedPeerAckPoint--;
    }
  }

  /**
   * The abandoned chunks between the cumulative ack and the Advanced.Peer.Ack.Point, for the FORWARD
   * TSN's stream list (forward-tsn.ts).
   */
  *skippedChunks(): Generator<OutboundChunk> {
    for (let tsn = this.#cumAck + 1; tsn <= this.#advancedPeerAckPoint; tsn++) {
      const c = this.chunkAt(tsn);
      if (c?.abandoned) yield c;
    }
  }

  /** Drops everything (association restart or teardown). */
  clear(): void {
    this.#chunks.length = 0;
    this.#head = 0;
    this.#cumAck = this.#nextTsn - 1;
    this.#advancedPeerAckPoint = this.#cumAck;
    this.#flightBytes = 0;
    this.#outstandingBytes = 0;
    this.#toRetransmit = 0;
    this.t3ExpiresAt = undefined;
    this.forwardTsnDue = false;
  }
}
