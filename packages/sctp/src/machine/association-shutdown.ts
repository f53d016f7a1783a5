import type { ShutdownChunk } from "../wire/shutdown-chunks.js";
import type { AssociationContext } from "./association-context.js";
import { SackResult } from "./retransmission-queue.js";

/**
 * Graceful close (RFC 9260 §9.2): SHUTDOWN once every byte we sent is acknowledged, SHUTDOWN ACK once
 * the peer's are, SHUTDOWN COMPLETE; T2-shutdown retransmits with back-off and counts toward
 * Association.Max.Retrans. Data queued or in flight when `shutdown` is called is delivered first.
 */
export class AssociationShutdown {
  t2ExpiresAt: number | undefined;

  constructor(readonly ctx: AssociationContext) {}

  /** The user's `shutdown()`. */
  request(now: number): void {
    const ctx = this.ctx;
    if (ctx.state === "established") {
      ctx.state = "shutdown-pending";
      this.maybeProceed(now);
    } else if (ctx.state === "cookie-wait" || ctx.state === "cookie-echoed") {
      ctx.close("shutdown");
    }
  }

  /** Nothing left to send or to be acknowledged: SHUTDOWN (pending) or SHUTDOWN ACK (received). */
  maybeProceed(now: number): void {
    const ctx = this.ctx;
    const tcb = ctx.tcb;
    if (tcb === undefined) return;
    if (ctx.state !== "shutdown-pending" && ctx.state !== "shutdown-received") return;
    if (tcb.sendQueue.hasData || !tcb.rtxq.empty) return;
    if (ctx.state === "shutdown-pending") {
      ctx.state = "shutdown-sent";
      this.#sendShutdown();
    } else {
      ctx.state = "shutdown-ack-sent";
      tcb.control.push({ type: "shutdown-ack" });
    }
    this.t2ExpiresAt = now + tcb.rto.rtoMs;
  }

  #sendShutdown(): void {
    const tcb = this.ctx.tcb;
    if (tcb === undefined) return;
    tcb.control.push({ type: "shutdown", cumulativeTsnAck: tcb.tracker.cumAckTsn >>> 0 });
  }

  handleShutdown(now: number, c: ShutdownChunk): void {
    const ctx = this.ctx;
    const tcb = ctx.tcb;
    if (tcb === undefined) return;
    // §9.2: its Cumulative TSN Ack acknowledges like a SACK's (no gap blocks, the window unchanged).
    const q = tcb.rtxq;
    const r = q.handleSack(now, {
      type: "sack",
      cumulativeTsnAck: c.cumulativeTsnAck,
      aRwnd: q.rwnd + q.flightBytes,
      gapAckBlocks: [],
      duplicateTsns: [],
    });
    if (r === SackResult.invalid) ctx.count("shutdown-invalid-ack");
    switch (ctx.state) {
      case "established":
      case "shutdown-pending":
        ctx.state = "shutdown-received";
        this.maybeProceed(now);
        break;
      case "shutdown-sent":
        // Both sides shut down at once: answer with SHUTDOWN ACK.
        ctx.state = "shutdown-ack-sent";
        tcb.control.push({ type: "shutdown-ack" });
        this.t2ExpiresAt = now + tcb.rto.rtoMs;
        break;
      default:
        break;
    }
  }

  handleShutdownAck(): void {
    const ctx = this.ctx;
    const tcb = ctx.tcb;
    if (tcb === undefined || (ctx.state !== "shutdown-sent" && ctx.state !== "shutdown-ack-sent")) {
      ctx.count("shutdown-ack-unexpected");
      return;
    }
    ctx.send(
      tcb.peerTag,
      [{ type: "shutdown-complete", verificationTagReflected: false }],
      tcb.zeroChecksumSend,
    );
    this.t2ExpiresAt = undefined;
    ctx.close("shutdown");
  }

  handleShutdownComplete(): void {
    const ctx = this.ctx;
    if (ctx.state !== "shutdown-ack-sent") {
      ctx.count("shutdown-complete-unexpected");
      return;
    }
    this.t2ExpiresAt = undefined;
    ctx.close("shutdown");
  }

  /** T2-shutdown expiry: resend, back off; abort past Association.Max.Retrans. */
  handleT2Expiry(now: number): void {
    const ctx = this.ctx;
    const tcb = ctx.tcb;
    this.t2ExpiresAt = undefined;
    if (tcb === undefined) return;
    if (tcb.countError()) {
      ctx.abort(
        [],
        "retransmission-limit",
        `no answer to ${ctx.state === "shutdown-sent" ? "SHUTDOWN" : "SHUTDOWN ACK"}`,
      );
      return;
    }
    tcb.rto.backOff();
    if (ctx.state === "shutdown-sent") this.#sendShutdown();
    else if (ctx.state === "shutdown-ack-sent") tcb.control.push({ type: "shutdown-ack" });
    else return;
    this.t2ExpiresAt = now + tcb.rto.rtoMs;
  }
}
