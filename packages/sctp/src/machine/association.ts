import type { Chunk } from "../wire/chunk.js";
import type { ErrorCause } from "../wire/error-cause.js";
import { AssociationContext } from "./association-context.js";
import { type ResolvedOptions, resolveOptions, type SctpAssociationOptions } from "./association-options.js";
import { AssociationShutdown } from "./association-shutdown.js";
import { Handshake } from "./handshake.js";
import { InboundPacket } from "./inbound-packet.js";
import { OutgoingMessage } from "./outbound-chunk.js";
import { PacketBuilder } from "./packet-builder.js";
import { SctpUsageError } from "./sctp-error.js";
import type { Millis, SctpAssociationState, SctpEvent } from "./sctp-events.js";

export interface SendOptions {
  readonly unordered?: boolean;
  /** PR-SCTP "rtx" policy (RFC 3758): retransmissions allowed per chunk. */
  readonly maxRetransmits?: number;
  /** PR-SCTP "ttl" policy, measured from `send()`. */
  readonly maxPacketLifeTimeMs?: number;
}

/**
 * One SCTP association as WebRTC runs it over DTLS (RFC 9260, RFC 8261, RFC 8831), sans-IO: feed it
 * packets (`handlePacket`) and expiries (`handleTimeout`), then drain `pollTransmit()` (each result is
 * one DTLS record's plaintext) and `pollEvent()`, then arm one timer at `pollTimeout()`. It never reads a
 * clock and draws randomness only from `options.random`.
 *
 * Ownership: `handlePacket` keeps views into `packet` (messages of one fragment are delivered as such a
 * view), so the caller must not reuse the buffer; `send` keeps `data` without copying, so the caller
 * must not change it afterwards. Nothing a peer sends throws out of `handlePacket`: bad input is dropped
 * and counted in `counters`, fatal protocol errors end the association with a `failed` event.
 */
export class SctpAssociation {
  readonly #ctx: AssociationContext;
  readonly #o: ResolvedOptions;
  readonly #handshake: Handshake;
  readonly #shutdown: AssociationShutdown;
  readonly #builder: PacketBuilder;
  readonly #inbound: InboundPacket;

  constructor(options: SctpAssociationOptions) {
    this.#o = resolveOptions(options);
    this.#ctx = new AssociationContext(this.#o);
    this.#handshake = new Handshake(this.#ctx);
    this.#shutdown = new AssociationShutdown(this.#ctx);
    this.#builder = new PacketBuilder(this.#o.mtu);
    this.#inbound = new InboundPacket(this.#ctx, this.#handshake, this.#shutdown);
  }

  get state(): SctpAssociationState {
    return this.#ctx.state;
  }

  /** Drops by reason, retransmissions, messages…: a live view. */
  get counters(): Readonly<Record<string, number>> {
    return this.#ctx.counters;
  }

  /** RFC 9260 §5.1 A: send INIT (both WebRTC peers call this; the collision is handled). */
  connect(now: Millis): void {
    if (this.#ctx.state !== "closed" || this.#ctx.terminated) {
      throw new SctpUsageError("invalid-state", `connect in state ${this.#ctx.state}`);
    }
    this.#ctx.lastNow = now;
    this.#handshake.connect(now);
  }

  handlePacket(now: Millis, packet: Uint8Array): void {
    try {
      this.#inbound.handle(now, packet);
    } catch (e) {
      this.#internalError(e);
    }
  }

  handleTimeout(now: Millis): void {
    try {
      this.#handleTimeout(now);
    } catch (e) {
      this.#internalError(e);
    }
  }

  /** A bug of ours: count it, abort the association, report it. */
  #internalError(e: unknown): void {
    const ctx = this.#ctx;
    ctx.count("internal-error");
    try {
      ctx.abort([], "internal-error", e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e));
    } catch {
      ctx.teardown();
    }
  }

  #handleTimeout(now: Millis): void {
    const ctx = this.#ctx;
    ctx.lastNow = now;
    const t1 = this.#handshake.t1ExpiresAt;
    if (t1 !== undefined && now >= t1) this.#handshake.handleT1Expiry(now);
    const tcb = ctx.tcb;
    if (tcb === undefined) return;
    const t2 = this.#shutdown.t2ExpiresAt;
    if (t2 !== undefined && now >= t2) this.#shutdown.handleT2Expiry(now);
    if (ctx.tcb !== tcb) return;
    const t3 = tcb.rtxq.t3ExpiresAt;
    if (t3 !== undefined && now >= t3 && tcb.rtxq.handleT3Expiry(now)) {
      ctx.count("t3-expiries");
      if (tcb.countError()) {
        ctx.abort([], "retransmission-limit", `${tcb.errorCount} retransmission timeouts in a row`);
        return;
      }
    }
    tcb.receiver.handleDelayedAckTimeout(now);
    const hb = tcb.heartbeat.deadline;
    if (hb !== undefined && now >= hb && ctx.state === "established" && tcb.heartbeat.handleTimeout(now)) {
      ctx.abort([], "retransmission-limit", "heartbeats unanswered");
      return;
    }
    const t4 = tcb.streamReset.t4ExpiresAt;
    if (t4 !== undefined && now >= t4 && tcb.streamReset.handleT4Expiry(now)) {
      ctx.abort([], "retransmission-limit", "stream reset requests unanswered");
    }
  }

  /** One SCTP packet for DTLS, or undefined when there is nothing to send now. */
  pollTransmit(): Uint8Array | undefined {
    const ctx = this.#ctx;
    const queued = ctx.outbox.shift();
    if (queued !== undefined) return queued;
    const tcb = ctx.tcb;
    if (tcb === undefined || ctx.state === "cookie-wait" || ctx.state === "cookie-echoed") return undefined;
    const now = ctx.lastNow;
    tcb.streamReset.maybeSend(now);
    const b = this.#builder;
    b.reset();
    const control = tcb.control;
    while (control.length !== 0 && b.add(control[0] as Chunk)) control.shift();
    if (b.empty && control.length !== 0) {
      ctx.count("control-chunk-too-big");
      control.shift();
    }
    if (tcb.receiver.sackDue) b.add(tcb.receiver.buildSack());
    if (tcb.rtxq.forwardTsnDue && tcb.forwardTsn) b.add(tcb.sender.buildForwardTsn(now));
    const s = ctx.state;
    if (s === "established" || s === "shutdown-pending" || s === "shutdown-received") {
      tcb.sender.fill(now, b);
      if (s !== "established") this.#shutdown.maybeProceed(now);
    }
    if (b.empty) return undefined;
    ctx.count("packets-sent");
    return ctx.encodeReused(tcb.peerTag, b.chunks, tcb.zeroChecksumSend);
  }

  pollEvent(): SctpEvent | undefined {
    const ctx = this.#ctx;
    const tcb = ctx.tcb;
    if (tcb !== undefined) {
      const sq = tcb.sendQueue;
      for (let id = sq.popDirty(); id >= 0; id = sq.popDirty()) {
        ctx.emit({ kind: "buffered-amount", streamId: id, bufferedAmount: sq.bufferedAmount(id) });
      }
    }
    const e = ctx.pollEvent();
    if (e?.kind === "message") ctx.tcb?.receiver.onMessageTaken();
    return e;
  }

  pollTimeout(): Millis | undefined {
    const ctx = this.#ctx;
    let t = this.#handshake.t1ExpiresAt;
    const tcb = ctx.tcb;
    if (tcb === undefined) return t;
    if (ctx.outbox.length !== 0 || tcb.receiver.sackDue) return ctx.lastNow;
    t = earliest(t, this.#shutdown.t2ExpiresAt);
    t = earliest(t, tcb.rtxq.t3ExpiresAt);
    t = earliest(t, tcb.receiver.ackDeadline);
    if (ctx.state === "established") t = earliest(t, tcb.heartbeat.deadline);
    return earliest(t, tcb.streamReset.t4ExpiresAt);
  }

  /**
   * Queues one user message. Throws `SctpUsageError` for API misuse (its `code` says which): not
   * established, too large for `maxSendMessageSize`, empty, stream being reset, send buffer full.
   * Without PR-SCTP support at the peer, `maxRetransmits` / `maxPacketLifeTimeMs` are not applied.
   */
  send(now: Millis, streamId: number, ppid: number, data: Uint8Array, options?: SendOptions): void {
    const ctx = this.#ctx;
    const tcb = ctx.tcb;
    if (tcb === undefined || ctx.state !== "established") {
      throw new SctpUsageError("not-established", `send in state ${ctx.state}`);
    }
    if (!Number.isInteger(streamId) || streamId < 0 || streamId >= tcb.outboundStreams) {
      throw new SctpUsageError("invalid-stream", `stream ${streamId} is not below ${tcb.outboundStreams}`);
    }
    if (!Number.isInteger(ppid) || ppid < 0 || ppid > 0xffffffff) {
      throw new SctpUsageError("invalid-argument", `PPID ${ppid} is not a 32-bit unsigned integer`);
    }
    if (data.length === 0) throw new SctpUsageError("empty-message", "SCTP carries no empty message");
    if (data.length > this.#o.maxSendMessageSize) {
      throw new SctpUsageError(
        "message-too-large",
        `${data.length} bytes, over ${this.#o.maxSendMessageSize}`,
      );
    }
    if (tcb.streamReset.isResetting(streamId)) {
      throw new SctpUsageError("stream-resetting", `stream ${streamId} is being reset`);
    }
    if (tcb.sendQueue.queuedBytes + tcb.rtxq.outstandingBytes + data.length > this.#o.sendBufferBytes) {
      throw new SctpUsageError("send-buffer-full", `${this.#o.sendBufferBytes}-byte send buffer full`);
    }
    const pr = tcb.forwardTsn;
    const maxRetransmits = pr
      ? (options?.maxRetransmits ?? Number.POSITIVE_INFINITY)
      : Number.POSITIVE_INFINITY;
    const lifetime = options?.maxPacketLifeTimeMs;
    const expiresAt = pr && lifetime !== undefined ? now + lifetime : Number.POSITIVE_INFINITY;
    if (!(maxRetransmits >= 0) || (lifetime !== undefined && !(lifetime >= 0))) {
      throw new SctpUsageError("invalid-argument", "maxRetransmits and maxPacketLifeTimeMs are non-negative");
    }
    ctx.lastNow = now;
    tcb.sendQueue.enqueue(
      new OutgoingMessage(streamId, ppid, data, options?.unordered === true, maxRetransmits, expiresAt),
    );
  }

  /** Bytes queued on the stream and not yet handed to the network (W3C `bufferedAmount`). */
  bufferedAmount(streamId: number): number {
    return this.#ctx.tcb?.sendQueue.bufferedAmount(streamId) ?? 0;
  }

  /**
   * What the association holds now: streams with send or receive state, bytes queued and in flight,
   * bytes received and not yet taken (for memory tests and stats).
   */
  usage(): {
    readonly sendStreams: number;
    readonly receiveStreams: number;
    readonly queuedBytes: number;
    readonly inFlightBytes: number;
    readonly receiveBufferedBytes: number;
  } {
    const tcb = this.#ctx.tcb;
    return {
      sendStreams: tcb?.sendQueue.streamCount ?? 0,
      receiveStreams: tcb?.reassembly.streamCount ?? 0,
      queuedBytes: tcb?.sendQueue.queuedBytes ?? 0,
      inFlightBytes: tcb?.rtxq.outstandingBytes ?? 0,
      receiveBufferedBytes: tcb?.receiver.heldBytes ?? 0,
    };
  }

  /** RFC 6525 outgoing SSN reset of these streams (closes the data channels on them). */
  resetStreams(now: Millis, streamIds: readonly number[]): void {
    const ctx = this.#ctx;
    const tcb = ctx.tcb;
    if (tcb === undefined || ctx.state !== "established") {
      throw new SctpUsageError("not-established", `resetStreams in state ${ctx.state}`);
    }
    if (!tcb.reconfig)
      throw new SctpUsageError("invalid-state", "the peer does not support RE-CONFIG (RFC 6525)");
    for (const id of streamIds) {
      if (!Number.isInteger(id) || id < 0 || id >= tcb.outboundStreams) {
        throw new SctpUsageError("invalid-stream", `stream ${id} is not below ${tcb.outboundStreams}`);
      }
    }
    ctx.lastNow = now;
    tcb.streamReset.request(streamIds);
  }

  /** Graceful close (RFC 9260 §9.2): what is queued or in flight is delivered first. */
  shutdown(now: Millis): void {
    this.#ctx.lastNow = now;
    this.#shutdown.request(now);
  }

  /** ABORT (RFC 9260 §9.1) with a User-Initiated Abort cause carrying `reason`. */
  abort(now: Millis, reason?: string): void {
    const ctx = this.#ctx;
    ctx.lastNow = now;
    if (ctx.terminated) return;
    const tcb = ctx.tcb;
    if (tcb !== undefined) {
      const causes: ErrorCause[] =
        reason === undefined
          ? []
          : [{ type: "user-initiated-abort", upperLayerAbortReason: new TextEncoder().encode(reason) }];
      ctx.send(tcb.peerTag, [{ type: "abort", verificationTagReflected: false, errorCauses: causes }]);
    }
    ctx.close("abort-sent", reason);
  }
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
