import type {
  ForwardTsnChunk,
  ForwardTsnStream,
  IForwardTsnChunk,
  IForwardTsnStream,
} from "../wire/forward-tsn-chunk.js";
import type { AssociationContext } from "./association-context.js";
import type { PacketBuilder } from "./packet-builder.js";
import type { Tcb } from "./tcb.js";

/** Below this many user bytes a fragment is not cut just to fill the end of a packet. */
const MIN_FRAGMENT = 256;

/**
 * The send side of the data path: what DATA goes into the next packet (RFC 9260 §6.1 rules A–D). First
 * chunks marked for retransmission (the first packet of a fast retransmit regardless of cwnd, §7.2.4),
 * then new fragments from the send queue while the flight is below cwnd and the peer's window has room —
 * or, with nothing in flight, one chunk even into a zero window (the probe of §6.1 A). Also the FORWARD
 * TSN of RFC 3758 §3.5 / I-FORWARD-TSN of RFC 8260 §2.3.
 */
export class DataSender {
  constructor(
    readonly ctx: AssociationContext,
    readonly tcb: Tcb,
  ) {}

  /** Fills `b` with DATA / I-DATA. */
  fill(now: number, b: PacketBuilder): void {
    const q = this.tcb.rtxq;
    if (q.hasRetransmits) {
      const burst = q.fastRetransmitBurst;
      for (let c = q.peekRetransmit(); c !== undefined; c = q.peekRetransmit()) {
        if (!burst && q.flightBytes >= q.cwnd.cwnd) break;
        if (!b.add(c.chunk, c.packetBytes)) break;
        q.retransmitted(now, c);
      }
      if (burst) q.endFastRetransmitBurst();
      if (q.hasRetransmits) return;
    }
    const sq = this.tcb.sendQueue;
    const header = this.tcb.iData ? 20 : 16;
    while (sq.hasData) {
      const flight = q.flightBytes;
      if (flight >= q.cwnd.cwnd) break;
      let max = (b.room - header) & ~3;
      let probe = false;
      if (flight > 0) {
        const rwnd = q.rwnd - header;
        if (rwnd < max) {
          // Silly-window avoidance: into a small window only a whole small message goes.
          if (sq.peekRemaining() > rwnd) break;
          max = rwnd & ~3;
        }
      } else if (q.rwnd < header + max) {
        this.ctx.count("zero-window-probes");
        probe = true;
      }
      if (max < 4 || (max < MIN_FRAGMENT && !b.empty && sq.peekRemaining() > max)) break;
      const expired = sq.expiredUnsent;
      const c = sq.produce(now, max, this.tcb.iData, q.nextTsn, probe);
      if (sq.expiredUnsent !== expired) this.ctx.count("messages-expired-unsent", sq.expiredUnsent - expired);
      if (c === undefined) {
        if (sq.abandoned.length === 0) break;
        q.abandonExpiredFromSendQueue(now);
        continue;
      }
      b.add(c.chunk, c.packetBytes);
      q.add(now, c);
    }
  }

  /** The FORWARD TSN (or I-FORWARD-TSN) for the current Advanced.Peer.Ack.Point. */
  buildForwardTsn(now: number): ForwardTsnChunk | IForwardTsnChunk {
    const q = this.tcb.rtxq;
    q.forwardTsnDue = false;
    q.forwardTsnSentPoint = q.advancedPeerAckPoint;
    q.forwardTsnSentAt = now;
    const newCumulativeTsn = q.advancedPeerAckPoint >>> 0;
    // Per ordered stream, the last skipped sequence number (TSN order is sequence order within a
    // stream, so the last one seen is the largest); with I-DATA, each skipped unordered message too.
    const last = new Map<number, number>();
    const unorderedSkipped: IForwardTsnStream[] = [];
    const seen = new Set<number>();
    for (const c of q.skippedChunks()) {
      const k = c.chunk;
      if (k.type === "data") {
        if (!k.unordered) last.set(k.streamId, k.ssn);
      } else if (!k.unordered) {
        last.set(k.streamId, k.mid);
      } else if (!seen.has(k.streamId * 0x100000000 + k.mid)) {
        seen.add(k.streamId * 0x100000000 + k.mid);
        unorderedSkipped.push({ streamId: k.streamId, unordered: true, mid: k.mid });
      }
    }
    this.ctx.count("forward-tsn-sent");
    if (this.tcb.iData) {
      const streams: IForwardTsnStream[] = unorderedSkipped;
      for (const [streamId, mid] of last) streams.push({ streamId, unordered: false, mid });
      return { type: "i-forward-tsn", newCumulativeTsn, streams };
    }
    const streams: ForwardTsnStream[] = [];
    for (const [streamId, ssn] of last) streams.push({ streamId, ssn });
    return { type: "forward-tsn", newCumulativeTsn, streams };
  }
}
