/**
 * Congestion control of RFC 9260 §7.2 for our one destination (WebRTC runs SCTP over one DTLS path, no
 * multi-homing): cwnd, ssthresh, slow start (§7.2.1), congestion avoidance with partial_bytes_acked
 * (§7.2.2), the reductions on loss (§7.2.3) and Fast Recovery (§7.2.4). All sizes in bytes of DATA
 * chunks (the RFC counts chunk sizes; we count user bytes plus the chunk header, as dcSCTP does).
 *
 * The owner (the retransmission queue) tells it what each SACK did; it only does the arithmetic.
 */
export class CongestionWindow {
  /** The path MTU: the largest SCTP packet we emit. */
  readonly #mtu: number;
  #cwnd: number;
  #ssthresh: number;
  #partialBytesAcked = 0;
  /** Fast Recovery's exit point (§7.2.4): the highest outstanding TSN when it began (unwrapped). */
  #fastRecoveryExitTsn: number | undefined;
  /** cwnd and ssthresh before the last fast-retransmit reduction, while it may still be undone. */
  #undoCwnd: number | undefined;
  #undoSsthresh = 0;

  /**
   * §7.2.1: "The initial cwnd before data transmission MUST be set to min(4*MTU, max(2*MTU, 4404))";
   * "The initial value of ssthresh SHOULD be arbitrarily high (e.g., the size of the largest possible
   * advertised window)": the peer's a_rwnd.
   */
  constructor(mtu: number, peerRwnd: number) {
    this.#mtu = mtu;
    this.#cwnd = Math.min(4 * mtu, Math.max(2 * mtu, 4404));
    this.#ssthresh = Math.max(peerRwnd, 4 * mtu);
  }

  get cwnd(): number {
    return this.#cwnd;
  }

  get ssthresh(): number {
    return this.#ssthresh;
  }

  get partialBytesAcked(): number {
    return this.#partialBytesAcked;
  }

  get inFastRecovery(): boolean {
    return this.#fastRecoveryExitTsn !== undefined;
  }

  /**
   * One SACK's effect on the window. `bytesAcked`: bytes of DATA newly acknowledged (cumulatively or by
   * gap blocks); `cumTsnAdvanced`: the Cumulative TSN Ack Point moved; `flightSizeBefore`: bytes
   * outstanding before this SACK; `cumTsnAck`: the new cumulative ack (unwrapped), to leave Fast
   * Recovery once it covers the exit point; `flightSizeAfter` 0 means everything is acked.
   */
  onSack(
    bytesAcked: number,
    cumTsnAdvanced: boolean,
    flightSizeBefore: number,
    cumTsnAck: number,
    flightSizeAfter: number,
  ): void {
    if (this.#fastRecoveryExitTsn !== undefined && cumTsnAck >= this.#fastRecoveryExitTsn) {
      // §7.2.4: "exit Fast Recovery ... when the Cumulative TSN Ack Point ... reaches the exit point".
      this.#fastRecoveryExitTsn = undefined;
    }
    // "Fully utilized": what was in flight filled cwnd to within one MTU (a sender never splits a
    // packet to use the last few bytes).
    const fullyUtilized = flightSizeBefore + this.#mtu > this.#cwnd;
    if (this.#cwnd <= this.#ssthresh) {
      // §7.2.1 slow start: only if cwnd is fully used, the SACK advances the cumulative ack, and not in
      // Fast Recovery; by at most min(bytes acked, L * MTU) with L = 1.
      if (cumTsnAdvanced && fullyUtilized && this.#fastRecoveryExitTsn === undefined) {
        this.#cwnd += Math.min(bytesAcked, this.#mtu);
      }
    } else if (cumTsnAdvanced) {
      // §7.2.2 congestion avoidance: partial_bytes_acked grows by the bytes the SACK acks; once it
      // reaches cwnd while cwnd was fully used, cwnd grows by one MTU and pba drops by cwnd.
      this.#partialBytesAcked += bytesAcked;
      if (this.#partialBytesAcked >= this.#cwnd && fullyUtilized) {
        this.#partialBytesAcked -= this.#cwnd;
        this.#cwnd += this.#mtu;
      }
    }
    // §7.2.2: "When all of the data transmitted by the sender has been acknowledged by the receiver,
    // partial_bytes_acked is initialized to 0."
    if (flightSizeAfter === 0) this.#partialBytesAcked = 0;
  }

  /**
   * §7.2.4 steps 1–2: a fast retransmit. Outside Fast Recovery: ssthresh = max(cwnd/2, 4*MTU),
   * cwnd = ssthresh, pba = 0, and record the exit point. Inside it, nothing changes. Returns whether
   * Fast Recovery began (only then is the loss a new congestion event).
   */
  onFastRetransmit(highestOutstandingTsn: number): boolean {
    if (this.#fastRecoveryExitTsn !== undefined) return false;
    this.#undoCwnd = this.#cwnd;
    this.#undoSsthresh = this.#ssthresh;
    this.#ssthresh = Math.max(this.#cwnd / 2, 4 * this.#mtu);
    this.#cwnd = this.#ssthresh;
    this.#partialBytesAcked = 0;
    this.#fastRecoveryExitTsn = highestOutstandingTsn;
    return true;
  }

  /** §7.2.3: on a T3-rtx expiry, ssthresh = max(cwnd/2, 4*MTU), cwnd = 1*MTU, pba = 0. */
  onRetransmissionTimeout(): void {
    this.#ssthresh = Math.max(this.#cwnd / 2, 4 * this.#mtu);
    this.#cwnd = this.#mtu;
    this.#partialBytesAcked = 0;
    this.#fastRecoveryExitTsn = undefined;
    this.#undoCwnd = undefined;
  }

  /**
   * The fast retransmit that reduced the window was spurious (the "lost" chunk was only late: RFC 3708
   * detection, RFC 4015 response): restore cwnd and ssthresh and leave Fast Recovery. Returns whether
   * there was a reduction to undo.
   */
  undoFastRetransmit(): boolean {
    if (this.#undoCwnd === undefined) return false;
    this.#cwnd = Math.max(this.#cwnd, this.#undoCwnd);
    this.#ssthresh = Math.max(this.#ssthresh, this.#undoSsthresh);
    this.#fastRecoveryExitTsn = undefined;
    this.#undoCwnd = undefined;
    return true;
  }

  /**
   * §7.2.1: "when the endpoint does not transmit data on a given transport address, the cwnd of the
   * transport address SHOULD be adjusted to max(cwnd/2, 4*MTU) per RTO". `rtoPeriods` whole RTOs passed.
   */
  onIdle(rtoPeriods: number): void {
    for (let i = 0; i < rtoPeriods && this.#cwnd > 4 * this.#mtu; i++) {
      this.#cwnd = Math.max(this.#cwnd / 2, 4 * this.#mtu);
    }
  }
}
