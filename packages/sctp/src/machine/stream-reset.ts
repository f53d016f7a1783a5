import type { ReconfigChunk } from "../wire/reconfig-chunk.js";
import {
  type OutgoingSsnResetRequestParameter,
  type ReconfigParameter,
  ReconfigurationResult,
} from "../wire/reconfig-parameters.js";
import type { AssociationContext } from "./association-context.js";
import type { Tcb } from "./tcb.js";

/** Request sequence numbers are 32-bit serial numbers (RFC 6525 §3.1). */
function next32(n: number): number {
  return (n + 1) >>> 0;
}

/**
 * RFC 6525 stream reset as WebRTC uses it (RFC 8831 §6.7: closing a data channel resets its stream).
 *
 * Outgoing: `request(ids)` pauses the streams (no new `send`); once none of them has data left to cut
 * into chunks, one Outgoing SSN Reset Request carries them with our last assigned TSN (one request in
 * flight at a time, retransmitted on T4-RECONF = RTO). A "Success" response resets their SSN / MIDs to
 * 0, makes them usable again and emits `stream-reset` `outgoing`.
 *
 * Incoming: the peer's request is performed once every TSN up to its last assigned one has arrived
 * (else we answer "In progress" and perform it later: "deferred reset processing", §5.2.2); then the
 * streams' receive state is dropped and `stream-reset` `incoming` is emitted. Other requests (incoming
 * SSN reset, SSN/TSN reset, adding streams) are answered "Denied".
 */
export class StreamReset {
  /** Paused, waiting for their turn in a request. */
  readonly #pending = new Set<number>();
  /** Ids of the request in flight. */
  #inFlight: number[] | undefined;
  #inFlightParameter: OutgoingSsnResetRequestParameter | undefined;
  #nextRequestSeq: number;
  /** T4-RECONF deadline, or undefined. */
  t4ExpiresAt: number | undefined;
  /** Next request sequence number we expect from the peer, and our answer to the previous one. */
  #peerNextSeq: number;
  #lastResult: number = ReconfigurationResult.SuccessPerformed;
  #deferred: { seq: number; lastTsn: number; ids: readonly number[] } | undefined;
  /** The peer answered "In progress": the next T4 expiry asks again without counting an error. */
  #askAgain = false;

  constructor(
    readonly ctx: AssociationContext,
    readonly tcb: Tcb,
    myInitialTsn: number,
    peerInitialTsn: number,
  ) {
    // §5.1.1: "Re-configuration Request Sequence Number ... initialized to the Initial TSN".
    this.#nextRequestSeq = myInitialTsn >>> 0;
    this.#peerNextSeq = peerInitialTsn >>> 0;
  }

  /** The stream is paused or in a request: `send` is refused. */
  isResetting(streamId: number): boolean {
    return this.#pending.has(streamId) || (this.#inFlight?.includes(streamId) ?? false);
  }

  /** Queues the ids for a request; one already pending or in a request is not reset twice. */
  request(ids: readonly number[]): void {
    for (const id of ids) if (!this.isResetting(id)) this.#pending.add(id);
  }

  /** Sends the next request when none is in flight and the pending streams have nothing left queued. */
  maybeSend(now: number): void {
    if (this.#inFlight !== undefined || this.#pending.size === 0) return;
    const ids: number[] = [];
    // One request fits in one packet: 12 + 4 (chunk) + 16 (parameter) + 2 per stream.
    const room = Math.floor((this.ctx.options.mtu - 32) / 2);
    for (const id of this.#pending) {
      if (this.tcb.sendQueue.hasQueued(id)) continue;
      ids.push(id);
      if (ids.length >= room) break;
    }
    if (ids.length === 0) return;
    for (const id of ids) this.#pending.delete(id);
    this.#inFlight = ids;
    this.#inFlightParameter = {
      type: "outgoing-ssn-reset-request",
      requestSequenceNumber: this.#nextRequestSeq,
      responseSequenceNumber: (this.#peerNextSeq - 1) >>> 0,
      sendersLastAssignedTsn: (this.tcb.rtxq.nextTsn - 1) >>> 0,
      streamIds: ids,
    };
    this.#nextRequestSeq = next32(this.#nextRequestSeq);
    this.#sendRequest(now);
  }

  #sendRequest(now: number): void {
    if (this.#inFlightParameter === undefined) return;
    this.tcb.control.push({ type: "re-config", parameters: [this.#inFlightParameter] });
    this.t4ExpiresAt = now + this.tcb.rto.rtoMs;
    this.ctx.count("stream-reset-requests");
  }

  /** T4-RECONF expiry (§5.1.1): resend, back off; true if the association error limit was hit. */
  handleT4Expiry(now: number): boolean {
    this.t4ExpiresAt = undefined;
    if (this.#inFlightParameter === undefined) return false;
    if (this.#askAgain) {
      this.#askAgain = false;
    } else {
      this.tcb.rto.backOff();
      if (this.tcb.countError()) return true;
    }
    this.#sendRequest(now);
    return false;
  }

  handleReconfig(now: number, c: ReconfigChunk): void {
    const answers: ReconfigParameter[] = [];
    for (const p of c.parameters) {
      switch (p.type) {
        case "outgoing-ssn-reset-request":
          answers.push(this.#handleOutgoingRequest(p));
          break;
        case "reconfiguration-response":
          this.#handleResponse(now, p.responseSequenceNumber, p.result);
          break;
        case "incoming-ssn-reset-request":
        case "ssn-tsn-reset-request":
        case "add-outgoing-streams-request":
        case "add-incoming-streams-request":
          answers.push(this.#answer(p.requestSequenceNumber, ReconfigurationResult.Denied));
          break;
        default:
          this.ctx.count("reconfig-unknown-parameter");
      }
    }
    if (answers.length !== 0) this.tcb.control.push({ type: "re-config", parameters: answers });
  }

  #answer(seq: number, result: number): ReconfigParameter {
    return { type: "reconfiguration-response", responseSequenceNumber: seq, result };
  }

  /** §5.2.2, with the sequence number checks of §5.2.1. */
  #handleOutgoingRequest(p: OutgoingSsnResetRequestParameter): ReconfigParameter {
    const seq = p.requestSequenceNumber;
    if (seq === (this.#peerNextSeq - 1) >>> 0) {
      // A retransmission: the same answer, unless it was "In progress" and can now be done.
      if (this.#lastResult === ReconfigurationResult.InProgress) this.#lastResult = this.#tryIncoming(seq, p);
      return this.#answer(seq, this.#lastResult);
    }
    if (seq !== this.#peerNextSeq) return this.#answer(seq, ReconfigurationResult.ErrorBadSequenceNumber);
    this.#peerNextSeq = next32(seq);
    this.#lastResult = this.#tryIncoming(seq, p);
    return this.#answer(seq, this.#lastResult);
  }

  #tryIncoming(seq: number, p: OutgoingSsnResetRequestParameter): number {
    const lastTsn = this.tcb.tracker.unwrap(p.sendersLastAssignedTsn);
    if (this.tcb.tracker.cumAckTsn >= lastTsn) {
      this.#deferred = undefined;
      this.#performIncoming(p.streamIds);
      return ReconfigurationResult.SuccessPerformed;
    }
    this.#deferred = { seq, lastTsn, ids: p.streamIds };
    this.ctx.count("stream-reset-deferred");
    return ReconfigurationResult.InProgress;
  }

  /** After the cumulative ack moved: a deferred incoming reset whose data has all arrived is done now. */
  onCumAckAdvanced(): void {
    const d = this.#deferred;
    if (d === undefined || this.tcb.tracker.cumAckTsn < d.lastTsn) return;
    this.#deferred = undefined;
    if (d.seq === (this.#peerNextSeq - 1) >>> 0) this.#lastResult = ReconfigurationResult.SuccessPerformed;
    this.#performIncoming(d.ids);
  }

  #performIncoming(ids: readonly number[]): void {
    this.tcb.reassembly.resetStreams(ids);
    this.ctx.count("stream-resets-incoming");
    this.ctx.emit({ kind: "stream-reset", streamIds: ids.slice(), direction: "incoming" });
  }

  #handleResponse(now: number, seq: number, result: number): void {
    const p = this.#inFlightParameter;
    const ids = this.#inFlight;
    if (p === undefined || ids === undefined || seq !== p.requestSequenceNumber) {
      this.ctx.count("reconfig-unexpected-response");
      return;
    }
    if (result === ReconfigurationResult.InProgress) {
      // The peer still waits for data: ask again after an RTO (T4 keeps running).
      this.t4ExpiresAt = now + this.tcb.rto.rtoMs;
      this.#askAgain = true;
      return;
    }
    this.#inFlight = undefined;
    this.#inFlightParameter = undefined;
    this.t4ExpiresAt = undefined;
    this.tcb.errorCount = 0;
    if (
      result === ReconfigurationResult.SuccessPerformed ||
      result === ReconfigurationResult.SuccessNothingToDo
    ) {
      for (const id of ids) this.tcb.sendQueue.resetSequences(id);
      this.ctx.count("stream-resets-outgoing");
      this.ctx.emit({ kind: "stream-reset", streamIds: ids, direction: "outgoing" });
    } else {
      this.ctx.count("stream-reset-refused");
      this.ctx.debug("stream reset refused", { result, ids });
    }
    this.maybeSend(now);
  }
}
