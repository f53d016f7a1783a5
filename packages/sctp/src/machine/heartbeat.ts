import type { AssociationContext } from "./association-context.js";
import type { Tcb } from "./tcb.js";

/** Heartbeat Info we send: creation time (float64 ms), a per-association nonce, a counter. */
const INFO_LENGTH = 16;

/**
 * Path heartbeat (RFC 9260 §8.3): after `heartbeatIntervalMs` without hearing from the peer, send a
 * HEARTBEAT; its HEARTBEAT ACK gives an RTT sample and clears the error counter; one unanswered for an
 * RTO counts as an association error (§8.1) and another goes. We answer the peer's HEARTBEATs.
 */
export class Heartbeat {
  /** When the next HEARTBEAT is due (or the outstanding one times out). */
  deadline: number | undefined;
  #outstanding = false;
  #counter = 0;
  readonly #nonce: number;

  constructor(
    readonly ctx: AssociationContext,
    readonly tcb: Tcb,
  ) {
    this.#nonce = ctx.random32(false);
  }

  /** Anything from the peer shows it is there: the idle period starts over. */
  onPacketReceived(now: number): void {
    if (!this.#outstanding) this.deadline = now + this.ctx.options.heartbeatIntervalMs;
  }

  /** Returns true when the association error limit was exceeded. */
  handleTimeout(now: number): boolean {
    if (this.#outstanding) {
      this.ctx.count("heartbeat-timeouts");
      if (this.tcb.countError()) return true;
      this.tcb.rto.backOff();
    }
    const info = new Uint8Array(INFO_LENGTH);
    const v = new DataView(info.buffer);
    v.setFloat64(0, now);
    v.setUint32(8, this.#nonce);
    v.setUint32(12, ++this.#counter);
    this.tcb.control.push({ type: "heartbeat", heartbeatInfo: info });
    this.ctx.count("heartbeats-sent");
    this.#outstanding = true;
    this.deadline = now + this.tcb.rto.rtoMs;
    return false;
  }

  handleHeartbeatAck(now: number, info: Uint8Array): void {
    if (info.length !== INFO_LENGTH) {
      this.ctx.count("heartbeat-ack-invalid");
      return;
    }
    const v = new DataView(info.buffer, info.byteOffset, INFO_LENGTH);
    if (v.getUint32(8) !== this.#nonce || v.getUint32(12) !== this.#counter || !this.#outstanding) {
      this.ctx.count("heartbeat-ack-invalid");
      return;
    }
    const sentAt = v.getFloat64(0);
    this.#outstanding = false;
    this.tcb.errorCount = 0;
    if (now >= sentAt) this.tcb.rto.observe(now - sentAt);
    this.deadline = now + this.ctx.options.heartbeatIntervalMs;
  }

  /** §8.3: answer with the same Heartbeat Info. */
  handleHeartbeat(info: Uint8Array): void {
    this.tcb.control.push({ type: "heartbeat-ack", heartbeatInfo: info.slice() });
  }
}
