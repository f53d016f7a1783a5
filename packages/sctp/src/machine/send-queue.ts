import type { DataChunk } from "../wire/data-chunk.js";
import type { IDataChunk } from "../wire/i-data-chunk.js";
import { OutboundChunk, type OutgoingMessage } from "./outbound-chunk.js";

/** One outgoing stream: its FIFO of messages and its sequence counters. */
class OutgoingStream {
  readonly queue: (OutgoingMessage | undefined)[] = [];
  head = 0;
  /** Bytes queued and not yet cut into chunks: W3C `bufferedAmount`. */
  bufferedAmount = 0;
  /** Next SSN (DATA, ordered), next MIDs (I-DATA, ordered and unordered). */
  nextSsn = 0;
  nextOrderedMid = 0;
  nextUnorderedMid = 0;
  /** In the scheduler's round. */
  scheduled = false;
  /** Listed for a `buffered-amount` event. */
  dirty = false;

  constructor(readonly id: number) {}

  peek(): OutgoingMessage | undefined {
    return this.queue[this.head];
  }

  shift(): void {
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  get empty(): boolean {
    return this.head === this.queue.length;
  }

  /** Counters at their start and nothing queued: the entry can go (a stream id costs nothing idle). */
  get pristine(): boolean {
    return this.empty && this.nextSsn === 0 && this.nextOrderedMid === 0 && this.nextUnorderedMid === 0;
  }
}

/**
 * The send side's queue of user messages (RFC 9260 §6.1 "transmission of DATA chunks"): per-stream
 * FIFOs, a round-robin scheduler between streams with data, fragmentation on demand (§6.9) and the
 * per-stream `bufferedAmount`.
 *
 * With DATA, a message's fragments must take consecutive TSNs, so the scheduler stays on one message
 * until its last fragment. With I-DATA (RFC 8260) it moves to the next stream after every fragment:
 * a large message on one stream does not hold back small ones on the others.
 *
 * PR-SCTP: a message whose lifetime ran out before its first fragment left is dropped here without
 * taking a TSN; one that expires half-sent is abandoned and listed in `abandoned` for the caller to
 * skip with FORWARD TSN.
 */
export class SendQueue {
  readonly #streams = new Map<number, OutgoingStream>();
  readonly #round: OutgoingStream[] = [];
  #cursor = 0;
  /** DATA mode: the stream whose message is half-cut (it keeps the turn). */
  #current: OutgoingStream | undefined;
  readonly #dirty: OutgoingStream[] = [];
  #queuedBytes = 0;
  /** Half-sent messages abandoned by `produce` (lifetime over): the caller drains this. */
  readonly abandoned: OutgoingMessage[] = [];
  /** Messages dropped whole before their first fragment (lifetime over). */
  expiredUnsent = 0;
  #started = 0;

  /** Bytes queued, all streams, not yet cut into chunks. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get hasData(): boolean {
    return this.#round.length !== 0;
  }

  bufferedAmount(streamId: number): number {
    return this.#streams.get(streamId)?.bufferedAmount ?? 0;
  }

  /** User bytes left of the message `produce` would cut next (0 if none; expiry not considered). */
  peekRemaining(): number {
    const s = this.#current ?? this.#round[this.#cursor];
    const m = s?.peek();
    return m === undefined ? 0 : m.data.length - m.offset;
  }

  /** Whether the stream has messages not yet fully cut into chunks. */
  hasQueued(streamId: number): boolean {
    const s = this.#streams.get(streamId);
    return s !== undefined && !s.empty;
  }

  enqueue(msg: OutgoingMessage): void {
    let s = this.#streams.get(msg.streamId);
    if (s === undefined) {
      s = new OutgoingStream(msg.streamId);
      this.#streams.set(msg.streamId, s);
    }
    s.queue.push(msg);
    s.bufferedAmount += msg.data.length;
    this.#queuedBytes += msg.data.length;
    if (!s.scheduled) {
      s.scheduled = true;
      this.#round.push(s);
    }
  }

  /**
   * The next fragment, at most `maxPayload` user bytes (a multiple of 4 unless it is the message's
   * last), numbered `tsn`; undefined when nothing is queued. `iData` picks the chunk type.
   *
   * `focus` (the peer's window is closed, this is a probe): with I-DATA, continue the message that began
   * first instead of interleaving, so that the receiver, taking only what moves its cumulative ack,
   * completes one message at a time and its memory stays within a window and a message.
   */
  produce(
    now: number,
    maxPayload: number,
    iData: boolean,
    tsn: number,
    focus = false,
  ): OutboundChunk | undefined {
    for (;;) {
      const s =
        (focus && iData ? this.#oldestStarted() : undefined) ?? this.#current ?? this.#round[this.#cursor];
      if (s === undefined) return undefined;
      const msg = s.peek();
      if (msg === undefined) {
        this.#unschedule(s);
        continue;
      }
      if (now >= msg.expiresAtMs) {
        // A half-sent message is abandoned: stop here, so that its end marker takes the next TSN
        // before any new fragment does (the caller drains `abandoned`, then calls again).
        if (this.#dropHead(s, msg)) return undefined;
        continue;
      }
      const first = msg.offset === 0;
      if (first) {
        msg.startOrder = this.#started++;
        if (iData) {
          if (msg.unordered) {
            msg.sequence = s.nextUnorderedMid;
            s.nextUnorderedMid = (s.nextUnorderedMid + 1) >>> 0;
          } else {
            msg.sequence = s.nextOrderedMid;
            s.nextOrderedMid = (s.nextOrderedMid + 1) >>> 0;
          }
        } else if (!msg.unordered) {
          msg.sequence = s.nextSsn;
          s.nextSsn = (s.nextSsn + 1) & 0xffff;
        } else {
          msg.sequence = 0;
        }
      }
      const n = Math.min(msg.data.length - msg.offset, maxPayload);
      const userData = msg.data.subarray(msg.offset, msg.offset + n);
      msg.offset += n;
      const last = msg.offset === msg.data.length;
      const chunk: DataChunk | IDataChunk = iData
        ? {
            type: "i-data",
            immediate: false,
            unordered: msg.unordered,
            beginning: first,
            ending: last,
            tsn,
            streamId: s.id,
            mid: msg.sequence,
            ppid: msg.ppid,
            fsn: first ? 0 : msg.nextFsn,
            userData,
          }
        : {
            type: "data",
            immediate: false,
            unordered: msg.unordered,
            beginning: first,
            ending: last,
            tsn,
            streamId: s.id,
            ssn: msg.sequence,
            ppid: msg.ppid,
            userData,
          };
      msg.nextFsn++;
      msg.chunksOutstanding++;
      this.#consumed(s, n);
      if (last) {
        s.shift();
        this.#current = undefined;
        this.#advance(s);
      } else if (iData) {
        this.#current = undefined;
        this.#advance(s);
      } else {
        this.#current = s;
      }
      return new OutboundChunk(chunk, msg);
    }
  }

  /** The stream whose head message began first among those half-sent, if any. */
  #oldestStarted(): OutgoingStream | undefined {
    let best: OutgoingStream | undefined;
    let order = Number.POSITIVE_INFINITY;
    for (const s of this.#round) {
      const m = s.peek();
      if (m !== undefined && m.startOrder >= 0 && m.startOrder < order) {
        order = m.startOrder;
        best = s;
      }
    }
    return best;
  }

  /** Removes what is left of `msg` (abandoned by PR-SCTP after some of it was sent). */
  discardRest(msg: OutgoingMessage): void {
    const s = this.#streams.get(msg.streamId);
    if (s === undefined || s.peek() !== msg || msg.fullySent) return;
    this.#consumed(s, msg.data.length - msg.offset);
    msg.offset = msg.data.length;
    msg.truncated = true;
    s.shift();
    if (this.#current === s) {
      this.#current = undefined;
      this.#advance(s);
    }
  }

  /** A stream whose bufferedAmount went down since it was last popped, or -1. */
  popDirty(): number {
    const s = this.#dirty.pop();
    if (s === undefined) return -1;
    s.dirty = false;
    if (s.pristine && !s.scheduled) this.#streams.delete(s.id);
    return s.id;
  }

  /**
   * RFC 6525 §5.2.2 / RFC 8260 §2.3: after an outgoing reset, the stream's SSN / MIDs start at 0 again.
   * An idle reset stream leaves the table.
   */
  resetSequences(streamId: number): void {
    const s = this.#streams.get(streamId);
    if (s === undefined) return;
    s.nextSsn = 0;
    s.nextOrderedMid = 0;
    s.nextUnorderedMid = 0;
    if (s.pristine && !s.dirty && !s.scheduled) this.#streams.delete(streamId);
  }

  /** Streams with an entry (for tests of memory). */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Every message still queued (association teardown), then forgets them. */
  clear(): void {
    this.#streams.clear();
    this.#round.length = 0;
    this.#cursor = 0;
    this.#current = undefined;
    this.#dirty.length = 0;
    this.#queuedBytes = 0;
  }

  /** Drops an expired head message; true if it was half-sent (listed in `abandoned`). */
  #dropHead(s: OutgoingStream, msg: OutgoingMessage): boolean {
    this.#consumed(s, msg.data.length - msg.offset);
    s.shift();
    if (this.#current === s) this.#current = undefined;
    if (msg.offset === 0) {
      this.expiredUnsent++;
      return false;
    }
    msg.offset = msg.data.length;
    msg.truncated = true;
    msg.abandoned = true;
    this.abandoned.push(msg);
    return true;
  }

  #consumed(s: OutgoingStream, n: number): void {
    s.bufferedAmount -= n;
    this.#queuedBytes -= n;
    if (!s.dirty) {
      s.dirty = true;
      this.#dirty.push(s);
    }
  }

  /** The turn passes from `s` (the stream at the cursor) to the next one; `s` leaves the round if empty. */
  #advance(s: OutgoingStream): void {
    if (s.empty) {
      this.#unschedule(s);
      return;
    }
    if (this.#round[this.#cursor] === s) this.#cursor = (this.#cursor + 1) % this.#round.length;
  }

  #unschedule(s: OutgoingStream): void {
    const i = this.#round[this.#cursor] === s ? this.#cursor : this.#round.indexOf(s);
    if (i >= 0) {
      this.#round.splice(i, 1);
      if (this.#cursor > i) this.#cursor--;
      if (this.#cursor >= this.#round.length) this.#cursor = 0;
    }
    s.scheduled = false;
    if (this.#current === s) this.#current = undefined;
  }
}
