import type { DataChunk } from "../wire/data-chunk.js";
import type { ForwardTsnStream, IForwardTsnStream } from "../wire/forward-tsn-chunk.js";
import type { IDataChunk } from "../wire/i-data-chunk.js";
import { MessageAssembly } from "./message-assembly.js";
import { unwrap16, unwrap32 } from "./serial-number.js";

/** Where whole messages go (the association's event queue). */
export interface MessageSink {
  deliverMessage(streamId: number, ppid: number, data: Uint8Array, unordered: boolean): void;
}

/** Per-fragment bookkeeping counted on top of the user bytes: a peer's 1-byte chunks still cost memory. */
export const FRAGMENT_OVERHEAD = 16;

/** One inbound stream: the next ordered SSN / MID expected and the messages waiting for it. */
class InboundStream {
  /** Unwrapped next SSN (DATA) or ordered MID (I-DATA). */
  nextSequence = 0;
  readonly ordered = new Map<number, MessageAssembly>();
  /** I-DATA unordered messages in reassembly, by wire MID. */
  readonly unordered = new Map<number, MessageAssembly>();
}

/** A DATA fragment of an unordered message: such messages are found by TSN adjacency (RFC 9260 §6.9). */
interface LooseFragment {
  readonly streamId: number;
  readonly data: Uint8Array;
  readonly beginning: boolean;
  readonly ending: boolean;
  readonly ppid: number;
}

/**
 * The receive side's user-message reassembly and delivery (RFC 9260 §6.5, §6.6, §6.9; RFC 8260 §2.1):
 * fragments in, whole messages out through the sink — ordered ones in SSN (MID) order per stream,
 * unordered ones as soon as they are whole. FORWARD TSN / I-FORWARD-TSN skipping (RFC 3758 §3.6,
 * RFC 8260 §2.3) and incoming stream resets (RFC 6525) land here too.
 *
 * Fragments are views into the received packets (the association owns them); a message of one fragment
 * is delivered without a copy, a longer one costs one copy. `bytes` counts what is held (user bytes plus
 * `FRAGMENT_OVERHEAD` per fragment) for the receive window and the memory cap.
 */
export class Reassembly {
  readonly #streams = new Map<number, InboundStream>();
  /** DATA unordered fragments by unwrapped TSN. */
  readonly #loose = new Map<number, LooseFragment>();
  #bytes = 0;
  /** Set when a message exceeded `maxMessageSize` (the association aborts). */
  oversizedStreamId = -1;

  constructor(
    readonly sink: MessageSink,
    readonly maxMessageSize: number,
  ) {}

  get bytes(): number {
    return this.#bytes;
  }

  #stream(id: number): InboundStream {
    let s = this.#streams.get(id);
    if (s === undefined) {
      s = new InboundStream();
      this.#streams.set(id, s);
    }
    return s;
  }

  /** One new DATA chunk (its TSN, unwrapped, was new). Returns false if the message grew too large. */
  addData(tsn: number, c: DataChunk): boolean {
    const data = c.userData;
    if (c.unordered) {
      if (c.beginning && c.ending) {
        this.sink.deliverMessage(c.streamId, c.ppid, data, true);
        return true;
      }
      this.#loose.set(tsn, {
        streamId: c.streamId,
        data,
        beginning: c.beginning,
        ending: c.ending,
        ppid: c.ppid,
      });
      this.#bytes += data.length + FRAGMENT_OVERHEAD;
      return this.#tryLoose(tsn);
    }
    const s = this.#stream(c.streamId);
    const seq = unwrap16(s.nextSequence, c.ssn);
    if (seq < s.nextSequence) return true;
    if (c.beginning && c.ending && seq === s.nextSequence && s.ordered.size === 0) {
      s.nextSequence++;
      this.sink.deliverMessage(c.streamId, c.ppid, data, false);
      return true;
    }
    return this.#addOrdered(s, c.streamId, seq, tsn, tsn, c);
  }

  /** One new I-DATA chunk. Returns false if the message grew too large. */
  addIData(tsn: number, c: IDataChunk): boolean {
    const s = this.#stream(c.streamId);
    if (c.unordered) {
      if (c.beginning && c.ending) {
        this.sink.deliverMessage(c.streamId, c.ppid, c.userData, true);
        return true;
      }
      let m = s.unordered.get(c.mid);
      if (m === undefined) {
        m = new MessageAssembly(c.streamId, true, c.mid);
        s.unordered.set(c.mid, m);
      }
      if (!this.#addFragment(m, c.fsn, tsn, c)) return false;
      if (m.complete) {
        s.unordered.delete(c.mid);
        this.#deliver(m);
      }
      return true;
    }
    const seq = unwrap32(s.nextSequence, c.mid);
    if (seq < s.nextSequence) return true;
    if (c.beginning && c.ending && seq === s.nextSequence && s.ordered.size === 0) {
      s.nextSequence++;
      this.sink.deliverMessage(c.streamId, c.ppid, c.userData, false);
      return true;
    }
    return this.#addOrdered(s, c.streamId, seq, c.fsn, tsn, c);
  }

  #addOrdered(
    s: InboundStream,
    streamId: number,
    seq: number,
    key: number,
    tsn: number,
    c: DataChunk | IDataChunk,
  ): boolean {
    let m = s.ordered.get(seq);
    if (m === undefined) {
      m = new MessageAssembly(streamId, false, seq);
      s.ordered.set(seq, m);
    }
    if (!this.#addFragment(m, key, tsn, c)) return false;
    if (seq === s.nextSequence && m.complete) this.#deliverOrdered(s);
    return true;
  }

  #addFragment(m: MessageAssembly, key: number, tsn: number, c: DataChunk | IDataChunk): boolean {
    if (m.add(key, tsn, c.userData, c.beginning, c.ending, c.ppid)) {
      this.#bytes += c.userData.length + FRAGMENT_OVERHEAD;
    }
    if (m.bytes > this.maxMessageSize) {
      this.oversizedStreamId = m.streamId;
      return false;
    }
    return true;
  }

  /** Delivers the stream's next ordered messages while they are whole. */
  #deliverOrdered(s: InboundStream): void {
    for (;;) {
      const m = s.ordered.get(s.nextSequence);
      if (m === undefined || !m.complete) return;
      s.ordered.delete(s.nextSequence);
      s.nextSequence++;
      this.#deliver(m);
    }
  }

  #deliver(m: MessageAssembly): void {
    this.#bytes -= m.bytes + m.count * FRAGMENT_OVERHEAD;
    this.sink.deliverMessage(m.streamId, m.ppid, m.assemble(), m.unordered);
  }

  /** An unordered DATA fragment came: if its message is now whole (B … E, consecutive TSNs), deliver it. */
  #tryLoose(tsn: number): boolean {
    let first = tsn;
    for (;;) {
      const f = this.#loose.get(first);
      if (f === undefined) return true;
      if (f.beginning) break;
      first--;
    }
    let last = tsn;
    let bytes = 0;
    for (let t = first; ; t++) {
      const f = this.#loose.get(t);
      if (f === undefined) return bytes <= this.maxMessageSize || this.#oversized(tsn);
      bytes += f.data.length;
      if (t !== first && f.beginning) return true;
      if (f.ending) {
        last = t;
        break;
      }
    }
    if (bytes > this.maxMessageSize) return this.#oversized(tsn);
    const head = this.#loose.get(first) as LooseFragment;
    const out = new Uint8Array(bytes);
    let at = 0;
    for (let t = first; t <= last; t++) {
      const f = this.#loose.get(t) as LooseFragment;
      out.set(f.data, at);
      at += f.data.length;
      this.#loose.delete(t);
      this.#bytes -= f.data.length + FRAGMENT_OVERHEAD;
    }
    this.sink.deliverMessage(head.streamId, head.ppid, out, true);
    return true;
  }

  #oversized(tsn: number): boolean {
    this.oversizedStreamId = this.#loose.get(tsn)?.streamId ?? 0;
    return false;
  }

  /**
   * RFC 3758 §3.6 (FORWARD TSN) and RFC 8260 §2.3.2 (I-FORWARD-TSN), after the cumulative ack moved to
   * `newCumTsn` (unwrapped). DATA: unordered fragments at or below it are dropped (a DATA message's
   * TSNs are consecutive, so only abandoned messages straddle it). I-DATA messages interleave, so only
   * the messages named are dropped: an unordered entry names one message, an ordered entry the last of
   * those skipped on its stream. Each ordered stream named skips to after the listed SSN / MID,
   * delivering the whole messages before it, then whatever follows in order.
   */
  forward(newCumTsn: number, streams: readonly (ForwardTsnStream | IForwardTsnStream)[]): void {
    for (const [tsn, f] of this.#loose) {
      if (tsn <= newCumTsn) {
        this.#loose.delete(tsn);
        this.#bytes -= f.data.length + FRAGMENT_OVERHEAD;
      }
    }
    for (const e of streams) {
      if ("unordered" in e && e.unordered) {
        const m = this.#streams.get(e.streamId)?.unordered.get(e.mid);
        if (m !== undefined) {
          this.#streams.get(e.streamId)?.unordered.delete(e.mid);
          this.#bytes -= m.bytes + m.count * FRAGMENT_OVERHEAD;
        }
        continue;
      }
      const s = this.#stream(e.streamId);
      const skipTo = "ssn" in e ? unwrap16(s.nextSequence, e.ssn) : unwrap32(s.nextSequence, e.mid);
      if (skipTo < s.nextSequence) continue;
      // Only the messages held matter: an I-FORWARD-TSN MID may skip 2^31 sequence numbers, so walk what
      // is held (in sequence order), never the range.
      const skipped: number[] = [];
      for (const seq of s.ordered.keys()) if (seq <= skipTo) skipped.push(seq);
      skipped.sort((x, y) => x - y);
      for (const seq of skipped) {
        const m = s.ordered.get(seq);
        if (m === undefined) continue;
        s.ordered.delete(seq);
        if (m.complete) this.#deliver(m);
        else this.#bytes -= m.bytes + m.count * FRAGMENT_OVERHEAD;
      }
      s.nextSequence = skipTo + 1;
      this.#deliverOrdered(s);
    }
  }

  /**
   * RFC 6525 §5.2.2 (performed once every TSN up to the sender's last assigned one has arrived): the
   * streams' sequence numbers start again at 0; their state is dropped.
   */
  resetStreams(streamIds: readonly number[]): void {
    const ids = streamIds.length === 0 ? [...this.#streams.keys()] : streamIds;
    for (const id of ids) {
      const s = this.#streams.get(id);
      if (s === undefined) continue;
      for (const m of s.ordered.values()) this.#bytes -= m.bytes + m.count * FRAGMENT_OVERHEAD;
      for (const m of s.unordered.values()) this.#bytes -= m.bytes + m.count * FRAGMENT_OVERHEAD;
      this.#streams.delete(id);
    }
  }

  /** Streams with state (for tests of memory). */
  get streamCount(): number {
    return this.#streams.size;
  }
}
