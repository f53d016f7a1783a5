import type { HandshakeFragment } from "../wire/handshake.js";

/**
 * RFC 6347 §4.2.3 handshake message fragmentation and reassembly: fragments arrive out of order, duplicated,
 * overlapping, re-split at other boundaries on retransmission; messages are handed on strictly in
 * message_seq order (§4.2.2), each exactly once.
 *
 * Bounded: a message may not exceed `maxMessageBytes` (64 KiB), buffered partial messages may not exceed
 * `maxBufferedBytes` in total, and only `maxSeqAhead` messages past the next expected one are buffered.
 */
export interface HandshakeMessage {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
  /** Epoch of the record that carried the first fragment received. */
  readonly epoch: number;
  /** Sequence number of that record. */
  readonly recordSeq: number;
}

export type FragmentVerdict =
  | "buffered"
  | "old"
  | "too-far-ahead"
  | "too-large"
  | "over-budget"
  | "inconsistent"
  | "duplicate";

export interface ReassemblyLimits {
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly maxSeqAhead: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxMessageBytes: 65536,
  maxBufferedBytes: 262144,
  maxSeqAhead: 8,
};

interface Partial {
  readonly msgType: number;
  readonly epoch: number;
  readonly recordSeq: number;
  readonly body: Uint8Array;
  /** Received [start, end) ranges, sorted and merged. */
  ranges: Array<[number, number]>;
}

export class HandshakeReassembly {
  #nextSeq = 0;
  /** Messages being reassembled; no Map while there are none (most of an association's life). */
  #partials: Map<number, Partial> | undefined;
  #bufferedBytes = 0;

  constructor(readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {}

  /** message_seq of the next message to hand on. */
  get nextSeq(): number {
    return this.#nextSeq;
  }
  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  /** Moves the expected message_seq forward (a server answering a first ClientHello with message_seq > 0). */
  skipTo(seq: number): void {
    if (seq <= this.#nextSeq) return;
    const partials = this.#partials;
    if (partials !== undefined) {
      for (const [s, p] of partials) {
        if (s < seq) {
          this.#bufferedBytes -= p.body.length;
          partials.delete(s);
        }
      }
      if (partials.size === 0) this.#partials = undefined;
    }
    this.#nextSeq = seq;
  }

  add(f: HandshakeFragment, epoch: number, recordSeq = 0): FragmentVerdict {
    if (f.messageSeq < this.#nextSeq) return "old";
    if (f.messageSeq > this.#nextSeq + this.limits.maxSeqAhead) return "too-far-ahead";
    if (f.length > this.limits.maxMessageBytes) return "too-large";
    let p = this.#partials?.get(f.messageSeq);
    if (p === undefined) {
      if (this.#bufferedBytes + f.length > this.limits.maxBufferedBytes) return "over-budget";
      p = { msgType: f.msgType, epoch, recordSeq, body: new Uint8Array(f.length), ranges: [] };
      this.#partials ??= new Map();
      this.#partials.set(f.messageSeq, p);
      this.#bufferedBytes += f.length;
    } else if (p.msgType !== f.msgType || p.body.length !== f.length) {
      return "inconsistent";
    }
    const start = f.fragmentOffset;
    const end = start + f.fragment.length;
    if (end > p.body.length) return "inconsistent";
    if (end === start) return p.body.length === 0 ? "buffered" : "duplicate";
    if (covered(p.ranges, start, end)) return "duplicate";
    p.body.set(f.fragment, start);
    p.ranges = merge(p.ranges, start, end);
    return "buffered";
  }

  /** The next complete message in order, or undefined. */
  poll(): HandshakeMessage | undefined {
    const partials = this.#partials;
    const p = partials?.get(this.#nextSeq);
    if (partials === undefined || p === undefined || !complete(p)) return undefined;
    partials.delete(this.#nextSeq);
    if (partials.size === 0) this.#partials = undefined;
    this.#bufferedBytes -= p.body.length;
    const msg: HandshakeMessage = {
      msgType: p.msgType,
      messageSeq: this.#nextSeq,
      body: p.body,
      epoch: p.epoch,
      recordSeq: p.recordSeq,
    };
    this.#nextSeq++;
    return msg;
  }
}

function complete(p: Partial): boolean {
  if (p.body.length === 0) return true; // a zero-length message exists once any fragment of it arrived
  const first = p.ranges[0];
  return p.ranges.length === 1 && first !== undefined && first[0] === 0 && first[1] === p.body.length;
}

function covered(ranges: ReadonlyArray<[number, number]>, start: number, end: number): boolean {
  return ranges.some(([s, e]) => s <= start && end <= e);
}

function merge(ranges: ReadonlyArray<[number, number]>, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let s = start;
  let e = end;
  let placed = false;
  for (const r of ranges) {
    if (r[1] < s) out.push(r);
    else if (r[0] > e) {
      if (!placed) {
        out.push([s, e]);
        placed = true;
      }
      out.push(r);
    } else {
      s = Math.min(s, r[0]);
      e = Math.max(e, r[1]);
    }
  }
  if (!placed) out.push([s, e]);
  return out;
}
