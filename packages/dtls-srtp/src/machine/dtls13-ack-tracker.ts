import type { RecordNumber } from "../wire/ack.js";
import type { Millis } from "./flight-buffer.js";

/**
 * RFC 9147 §7.1, the receiving side of ACKs: the handshake records of the peer's current flight that were
 * processed or buffered, to be acknowledged when the flight stalls (a timer at a quarter of the
 * retransmission timeout), at once after the handshake, or never when our next flight acknowledges them
 * implicitly (`clear`).
 */
export class AckTracker {
  #pending: RecordNumber[] = [];
  #deadline: Millis | undefined;

  get deadline(): Millis | undefined {
    return this.#deadline;
  }
  get hasPending(): boolean {
    return this.#pending.length > 0;
  }

  note(epoch: number, sequenceNumber: number): void {
    if (this.#pending.some((n) => n.epoch === epoch && n.sequenceNumber === sequenceNumber)) return;
    this.#pending.push({ epoch, sequenceNumber });
  }

  /** Arms the ACK timer unless it is armed already. */
  schedule(now: Millis, delayMs: number): void {
    this.#deadline ??= now + delayMs;
  }

  /** Our next flight went out: the peer's is implicitly acknowledged. */
  clear(): void {
    this.#pending = [];
    this.#deadline = undefined;
  }

  /** The record numbers to acknowledge, in order; `forget` drops them afterwards (post-handshake). */
  take(forget: boolean): RecordNumber[] {
    this.#deadline = undefined;
    const out = [...this.#pending].sort((a, b) => a.epoch - b.epoch || a.sequenceNumber - b.sequenceNumber);
    if (forget) this.#pending = [];
    return out;
  }

  cancel(): void {
    this.#deadline = undefined;
  }
}
