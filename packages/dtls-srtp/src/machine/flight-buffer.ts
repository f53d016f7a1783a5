/**
 * RFC 6347 §4.2.4 timeout and retransmission: the last flight we sent, kept whole so it can be sent again,
 * and its retransmission timer.
 *
 * - A flight that expects an answer arms the timer at `initialRtoMs` (1 s by default); each expiry resends
 *   the flight and doubles the timer, capped at `maxRtoMs` (60 s). After `maxRetransmissions` resends the
 *   flight is given up (handshake timeout).
 * - A flight that ends the handshake (the server's ChangeCipherSpec + Finished, a HelloVerifyRequest) is not
 *   armed: it is resent only when the peer retransmits its own previous flight (§4.2.4: "the last flight
 *   again when the peer retransmits").
 * - Receiving the peer's next flight disarms the timer; the flight stays for resends.
 */
export type Millis = number;

export type FlightEntry =
  | {
      readonly kind: "handshake";
      readonly epoch: number;
      readonly msgType: number;
      readonly messageSeq: number;
      readonly body: Uint8Array;
    }
  | { readonly kind: "change_cipher_spec"; readonly epoch: number };

export class FlightBuffer {
  #entries: readonly FlightEntry[] = [];
  #deadline: Millis | undefined;
  #rtoMs: number;
  #retransmissions = 0;
  #lastSentAt: Millis = Number.NEGATIVE_INFINITY;

  constructor(
    readonly initialRtoMs: number,
    readonly maxRtoMs: number,
    readonly maxRetransmissions: number,
  ) {
    this.#rtoMs = initialRtoMs;
  }

  get entries(): readonly FlightEntry[] {
    return this.#entries;
  }
  get deadline(): Millis | undefined {
    return this.#deadline;
  }
  get retransmissions(): number {
    return this.#retransmissions;
  }
  get lastSentAt(): Millis {
    return this.#lastSentAt;
  }

  /** Records a new flight, just transmitted at `now`; arms the timer when it expects an answer. */
  send(now: Millis, entries: readonly FlightEntry[], armTimer: boolean): void {
    this.#entries = entries;
    this.#rtoMs = this.initialRtoMs;
    this.#retransmissions = 0;
    this.#deadline = armTimer ? now + this.#rtoMs : undefined;
    this.#lastSentAt = now;
  }

  /** The peer's next flight arrived: stop the timer. */
  disarm(): void {
    this.#deadline = undefined;
  }

  /** Forgets the flight (it will never be resent) and stops the timer. */
  release(): void {
    this.#entries = [];
    this.#deadline = undefined;
  }

  /** We resent the flight because the peer retransmitted (timer unchanged). */
  resent(now: Millis): void {
    this.#lastSentAt = now;
  }

  /**
   * Called from handleTimeout: "retransmit" when the timer fired (it is re-armed at double the value),
   * "exhausted" when the flight was resent `maxRetransmissions` times already, "idle" otherwise.
   */
  expire(now: Millis): "retransmit" | "exhausted" | "idle" {
    if (this.#deadline === undefined || now < this.#deadline) return "idle";
    if (this.#retransmissions >= this.maxRetransmissions) {
      this.#deadline = undefined;
      return "exhausted";
    }
    this.#retransmissions++;
    this.#rtoMs = Math.min(this.#rtoMs * 2, this.maxRtoMs);
    this.#deadline = now + this.#rtoMs;
    this.#lastSentAt = now;
    return "retransmit";
  }
}
