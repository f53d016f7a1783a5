import type { DataChunk } from "../wire/data-chunk.js";
import type { ForwardTsnChunk, IForwardTsnChunk } from "../wire/forward-tsn-chunk.js";
import type { IDataChunk } from "../wire/i-data-chunk.js";
import type { GapAckBlock, SackChunk } from "../wire/sack-chunk.js";
import type { AssociationContext } from "./association-context.js";
import { TsnObservation } from "./data-tracker.js";
import type { MessageSink } from "./reassembly.js";
import type { Tcb } from "./tcb.js";

const NO_BLOCKS: readonly GapAckBlock[] = [];
/** ERROR reports queued at most (a packet of bad chunks cannot make the answers pile up). */
export const CONTROL_LIMIT = 64;
const NO_DUPLICATES: readonly number[] = [];

/**
 * The receive side of the data path (RFC 9260 §6.2, §6.5, §6.7; RFC 3758 §3.6): DATA / I-DATA and
 * FORWARD TSN in, messages out as events, and when to SACK — after every second packet with DATA,
 * at once on a gap, a duplicate, the I bit or a FORWARD TSN, and within `delayedAckMs` otherwise.
 *
 * Our window (a_rwnd) is what is left of `receiveWindowBytes` after what reassembly holds and what the
 * application has not yet taken with `pollEvent`. At zero window, a chunk past the highest TSN received
 * is dropped unless it moves the cumulative ack (a zero-window probe); past `reassemblyLimitBytes` the
 * association aborts.
 */
export class DataReceiver implements MessageSink {
  #sackDue = false;
  #packetsSinceSack = 0;
  #immediate = false;
  #hadData = false;
  #lastAdvertisedRwnd: number;
  /** Delayed-SACK deadline, or undefined. */
  ackDeadline: number | undefined;

  constructor(
    readonly ctx: AssociationContext,
    readonly tcb: Tcb,
  ) {
    this.#lastAdvertisedRwnd = ctx.options.receiveWindowBytes;
  }

  /** A SACK should go in the next packet. */
  get sackDue(): boolean {
    return this.#sackDue;
  }

  get heldBytes(): number {
    return this.tcb.reassembly.bytes + this.ctx.undeliveredBytes;
  }

  get rwnd(): number {
    return Math.max(0, this.ctx.options.receiveWindowBytes - this.heldBytes);
  }

  deliverMessage(streamId: number, ppid: number, data: Uint8Array, unordered: boolean): void {
    this.ctx.undeliveredBytes += data.length;
    this.ctx.count("messages-received");
    this.ctx.emit({ kind: "message", streamId, ppid, data, unordered });
  }

  handleData(c: DataChunk | IDataChunk): void {
    const ctx = this.ctx;
    const tcb = this.tcb;
    if (c.userData.length === 0) {
      // §6.2: "If an endpoint receives a DATA chunk with no user data ... it MUST send an ABORT".
      ctx.abort([{ type: "no-user-data", tsn: c.tsn }], "protocol-violation", "DATA chunk without user data");
      return;
    }
    tcb.dataSeen = true;
    this.#hadData = true;
    if (c.immediate) this.#immediate = true;
    const tracker = tcb.tracker;
    const tsn = tracker.unwrap(c.tsn);
    if (tracker.hasGaps) this.#immediate = true;
    // §6.2: with the window closed, a new chunk past everything received is dropped; one that moves the
    // cumulative ack (a probe) or fills a gap below the highest TSN received is taken.
    if (
      tsn > tracker.highestReceivedTsn &&
      !tracker.advancesCumAck(tsn) &&
      this.heldBytes >= ctx.options.receiveWindowBytes
    ) {
      ctx.count("receive-window-full");
      this.#immediate = true;
      return;
    }
    const seen = tracker.observe(tsn, c.tsn);
    if (seen !== TsnObservation.new) {
      ctx.count(seen === TsnObservation.duplicate ? "duplicate-tsn" : "tsn-out-of-window");
      this.#immediate = true;
      return;
    }
    if (tracker.hasGaps) this.#immediate = true;
    if (c.streamId >= tcb.inboundStreams) {
      // §6.5: acknowledge the TSN, drop the data, report the stream.
      ctx.count("invalid-stream");
      tcb.control.push({
        type: "error",
        errorCauses: [{ type: "invalid-stream-identifier", streamId: c.streamId }],
      });
      return;
    }
    const ok = c.type === "data" ? tcb.reassembly.addData(tsn, c) : tcb.reassembly.addIData(tsn, c);
    if (!ok) {
      ctx.abort(
        [
          {
            type: "protocol-violation",
            additionalInformation: new TextEncoder().encode("message too large"),
          },
        ],
        "message-too-large",
        `a message on stream ${tcb.reassembly.oversizedStreamId} exceeds ${ctx.options.maxReceiveMessageSize} bytes`,
      );
      return;
    }
    if (this.heldBytes > ctx.options.reassemblyLimitBytes) {
      ctx.abort(
        [{ type: "out-of-resource" }],
        "reassembly-overflow",
        `${this.heldBytes} bytes held, over the ${ctx.options.reassemblyLimitBytes}-byte cap`,
      );
    }
  }

  /** RFC 3758 §3.6 / RFC 8260 §2.3.2. */
  handleForwardTsn(c: ForwardTsnChunk | IForwardTsnChunk): void {
    const tracker = this.tcb.tracker;
    const newCum = tracker.unwrap(c.newCumulativeTsn);
    this.ctx.count("forward-tsn-received");
    this.#hadData = true;
    this.#immediate = true;
    if (newCum <= tracker.cumAckTsn) return;
    if (!tracker.forwardTo(newCum)) {
      this.ctx.count("forward-tsn-out-of-window");
      return;
    }
    // Stream ids at or above the inbound streams we agreed to carry no data (RFC 9260 §6.8): an entry
    // naming one would make receive state for a stream that cannot exist. Skipped and counted.
    const inbound = this.tcb.inboundStreams;
    const streams = c.streams.some((e) => e.streamId >= inbound)
      ? c.streams.filter((e) => e.streamId < inbound)
      : c.streams;
    if (streams !== c.streams) this.ctx.count("forward-tsn-invalid-stream");
    this.tcb.reassembly.forward(newCum, streams);
  }

  /** After the last chunk of a packet: decide between SACK now and the delayed-SACK timer (§6.2). */
  endPacket(now: number): void {
    if (!this.#hadData) return;
    this.#hadData = false;
    this.#packetsSinceSack++;
    const state = this.ctx.state;
    if (
      this.#immediate ||
      this.#packetsSinceSack >= 2 ||
      (state !== "established" && state !== "shutdown-pending")
    ) {
      this.#sackDue = true;
      this.ackDeadline = undefined;
    } else if (this.ackDeadline === undefined) {
      this.ackDeadline = now + this.ctx.options.delayedAckMs;
    }
    this.#immediate = false;
  }

  handleDelayedAckTimeout(now: number): void {
    if (this.ackDeadline !== undefined && now >= this.ackDeadline) {
      this.ackDeadline = undefined;
      this.#sackDue = true;
    }
  }

  /**
   * The application took a message: if our window had closed down and has now opened by a quarter,
   * tell the peer at once (the sender may be stalled at zero window).
   */
  onMessageTaken(): void {
    const w = this.ctx.options.receiveWindowBytes;
    if (!this.#sackDue && this.#lastAdvertisedRwnd < w / 2 && this.rwnd - this.#lastAdvertisedRwnd >= w / 4) {
      this.#sackDue = true;
      this.ctx.count("window-updates");
    }
  }

  /** The SACK for the next packet (§3.3.4); resets the SACK timers. */
  buildSack(): SackChunk {
    const t = this.tcb.tracker;
    let gapAckBlocks = NO_BLOCKS;
    const n = t.gapBlockCount;
    if (n !== 0) {
      const blocks: GapAckBlock[] = new Array(n);
      for (let i = 0; i < n; i++) blocks[i] = { start: t.gapBlockStart(i), end: t.gapBlockEnd(i) };
      gapAckBlocks = blocks;
    }
    const duplicateTsns = t.duplicates.length === 0 ? NO_DUPLICATES : t.duplicates.slice();
    t.clearDuplicates();
    const aRwnd = this.rwnd;
    this.#lastAdvertisedRwnd = aRwnd;
    this.#sackDue = false;
    this.#packetsSinceSack = 0;
    this.ackDeadline = undefined;
    return { type: "sack", cumulativeTsnAck: t.cumAckTsn >>> 0, aRwnd, gapAckBlocks, duplicateTsns };
  }
}
