/** RTCP BYE on every remote stream ends the connection after this long without anything else from the peer. */
export const BYE_GRACE_MS = 500;

/**
 * RTCP BYE (RFC 3550 §6.6) on every remote stream: the peer is leaving, unless it speaks again (a datagram,
 * or a new remote description: then the BYEs were a renegotiation). The connection closes once the grace
 * runs out; its deadline joins the transport's timer.
 */
export class ByeGrace {
  /** When every remote stream said BYE: the connection closes at this time unless the peer speaks again. */
  #deadline: number | undefined;

  get deadline(): number | undefined {
    return this.#deadline;
  }

  /** Every remote stream said BYE: the grace starts (once). */
  allSaidBye(now: number): void {
    if (this.#deadline === undefined) this.#deadline = now + BYE_GRACE_MS;
  }

  /** The peer is still talking. */
  peerSpoke(): void {
    this.#deadline = undefined;
  }

  /** True, once, when the grace has run out. */
  expired(now: number): boolean {
    if (this.#deadline === undefined || now < this.#deadline) return false;
    this.#deadline = undefined;
    return true;
  }
}
