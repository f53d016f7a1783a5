import type { AssociationContext } from "./association-context.js";
import type { CongestionWindow } from "./congestion-window.js";
import type { OutboundChunk } from "./outbound-chunk.js";

/** The most miss indications a fast retransmit will wait for, however much reordering was seen. */
const MAX_NACK_THRESHOLD = 32;

/**
 * When a chunk reported missing is lost (RFC 9260 §7.2.4), with reordering in mind:
 * - three miss indications make it lost, as the RFC says, unless spurious retransmits showed the path
 *   reorders more; then it takes as many as the reordering seen (up to 32) — or, whatever the count,
 *   being older than SRTT plus a quarter of the smallest RTT (RACK's reordering window, RFC 8985 §6.2);
 * - a fast-retransmitted chunk acked sooner than half the smallest RTT after it went out again was acked
 *   for its original transmission: the retransmission was spurious (RFC 3708's detection, done with
 *   times as Eifel does, since SCTP has no timestamps). If that chunk began the Fast Recovery, its
 *   window reduction is undone (RFC 4015's response).
 */
export class LossDetection {
  #nackThreshold = 3;
  #minRttMs = Number.POSITIVE_INFINITY;
  #highestAckedTsn = -1;
  /** The chunk whose fast retransmit began the current Fast Recovery. */
  #recoveryTrigger: OutboundChunk | undefined;
  #spurious: OutboundChunk | undefined;
  #lostBefore = Number.NEGATIVE_INFINITY;

  constructor(
    readonly ctx: AssociationContext,
    readonly cwnd: CongestionWindow,
  ) {}

  observeRtt(sampleMs: number): void {
    if (sampleMs < this.#minRttMs) this.#minRttMs = sampleMs;
  }

  /** A chunk acked now whose latest transmission was a fast retransmit. */
  ackedAfterFastRetransmit(now: number, c: OutboundChunk): void {
    if (c.retransmissions === 1 && now - c.fastRetransmittedAtMs < this.#minRttMs / 2) {
      this.ctx.count("spurious-retransmits");
      this.#spurious = c;
    }
  }

  /** After a SACK's acks, before its miss indications: learn from a spurious retransmit, set the clock. */
  afterAcks(now: number, highestNewlyAcked: number, srttMs: number): void {
    if (highestNewlyAcked > this.#highestAckedTsn) this.#highestAckedTsn = highestNewlyAcked;
    const s = this.#spurious;
    if (s !== undefined) {
      this.#spurious = undefined;
      const overtakenBy = this.#highestAckedTsn - s.tsn;
      this.#nackThreshold = Math.min(MAX_NACK_THRESHOLD, Math.max(this.#nackThreshold, overtakenBy + 1));
      if (s === this.#recoveryTrigger && this.cwnd.undoFastRetransmit())
        this.ctx.count("fast-retransmits-undone");
    }
    this.#lostBefore = now - srttMs - Math.max(this.#minRttMs / 4, 1);
  }

  /** One more miss indication for `c`: is it lost now? */
  nack(c: OutboundChunk): boolean {
    return ++c.nacks >= 3 && (c.nacks >= this.#nackThreshold || c.lastSentAtMs <= this.#lostBefore);
  }

  /** `c` is the first chunk marked by a SACK: if that SACK begins a Fast Recovery, `c` began it. */
  firstMarked(c: OutboundChunk): void {
    if (!this.cwnd.inFastRecovery) this.#recoveryTrigger = c;
  }
}
