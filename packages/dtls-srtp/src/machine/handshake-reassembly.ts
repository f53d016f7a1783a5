import type { HandshakeFragment } from "../wire/handshake.js";
import type { DtlsCounter } from "./dtls-event.js";

/**
 * RFC 6347 §4.2.3 / RFC 9147 §5.5 handshake message fragmentation and reassembly: fragments arrive out of
 * order, duplicated, overlapping, re-split at other boundaries on retransmission; messages are handed on
 * strictly in message_seq order (§4.2.2), each exactly once.
 *
 * Nothing here is authenticated (a plaintext handshake fragment can come from anyone on the path), so no
 * single fragment may decide anything for the messages that follow it:
 *
 * - A message being reassembled is a *candidate* keyed by (message_seq, msg_type, length): a fragment that
 *   disagrees with another on type or length starts a candidate of its own instead of poisoning the first.
 *   Overlapping bytes that differ drop the candidate (`conflicting`); the peer's retransmission rebuilds it.
 * - Memory is charged by the bytes actually received, never by the length a fragment claims: a 1-byte
 *   fragment claiming a 64 KiB message costs 1 byte. Bytes are kept as received chunks, joined once the
 *   message is complete.
 * - When the budget (bytes, candidates) is full, the candidates farthest ahead (then the oldest) are evicted
 *   to make room for the one nearer to being needed, so fake fragments cannot lock the real message out.
 * - Before the first message is accepted (`awaitFirst`, a server waiting for its ClientHello) message_seq is
 *   not known yet: candidates of that type at any message_seq up to `maxSeqAhead` are kept, the complete one
 *   with the lowest message_seq is offered by `poll`, and only `accept` moves the expected message_seq on.
 *   A fragment ahead of the real ClientHello therefore blocks nothing.
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
  | "conflicting"
  | "unexpected-type"
  | "duplicate";

/** The counter a dropped fragment is counted in, by verdict. */
export const FRAGMENT_VERDICT_COUNTERS: Readonly<Partial<Record<FragmentVerdict, DtlsCounter>>> = {
  duplicate: "duplicate-fragment",
  "too-far-ahead": "too-far-ahead",
  "too-large": "too-large",
  "over-budget": "over-budget",
  conflicting: "inconsistent-fragment",
  "unexpected-type": "unexpected-first-message",
};

export interface ReassemblyLimits {
  /** Largest message (its claimed length). */
  readonly maxMessageBytes: number;
  /** Received bytes held over every candidate. */
  readonly maxBufferedBytes: number;
  /** How far past the next expected message_seq a fragment may be. */
  readonly maxSeqAhead: number;
  /** Candidates held at once. */
  readonly maxCandidates: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  maxMessageBytes: 65536,
  maxBufferedBytes: 262144,
  maxSeqAhead: 8,
  maxCandidates: 16,
};

interface Chunk {
  readonly start: number;
  readonly bytes: Uint8Array;
}

interface Candidate {
  readonly key: string;
  readonly msgType: number;
  readonly messageSeq: number;
  readonly length: number;
  readonly epoch: number;
  readonly recordSeq: number;
  readonly order: number;
  /** Sorted, non-overlapping, adjacent ones joined. */
  chunks: Chunk[];
  received: number;
}

export class HandshakeReassembly {
  #nextSeq = 0;
  /** While set, message_seq is not known yet and only this msg_type is buffered. */
  #firstType: number | undefined;
  #candidates: Map<string, Candidate> | undefined;
  #bufferedBytes = 0;
  #order = 0;
  #evicted = 0;

  constructor(
    readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS,
    /** Called for each candidate evicted to make room (the endpoints count them). */
    private readonly onEvict: () => void = () => undefined,
  ) {}

  /** message_seq of the next message to hand on. */
  get nextSeq(): number {
    return this.#nextSeq;
  }
  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }
  /** Candidates dropped to make room for others. */
  get evicted(): number {
    return this.#evicted;
  }
  get awaitingFirst(): boolean {
    return this.#firstType !== undefined;
  }

  /** Until `accept`, buffer only `msgType` messages at any message_seq from the current one on. */
  awaitFirst(msgType: number): void {
    this.#firstType = msgType;
  }

  /** The first message (see `awaitFirst`) was accepted: the expected message_seq follows it. */
  accept(messageSeq: number): void {
    this.#firstType = undefined;
    this.skipTo(messageSeq + 1);
  }

  /** Forgets a complete candidate that `poll` offered and the caller did not accept. */
  discard(msg: HandshakeMessage): void {
    for (const c of this.#candidates?.values() ?? []) {
      if (c.messageSeq === msg.messageSeq && c.msgType === msg.msgType && c.length === msg.body.length)
        this.#drop(c);
    }
  }

  /** Moves the expected message_seq forward, dropping what is now old. */
  skipTo(seq: number): void {
    if (seq > this.#nextSeq) this.#nextSeq = seq;
    for (const c of [...(this.#candidates?.values() ?? [])]) if (c.messageSeq < this.#nextSeq) this.#drop(c);
  }

  add(f: HandshakeFragment, epoch: number, recordSeq = 0): FragmentVerdict {
    if (f.messageSeq < this.#nextSeq) return "old";
    if (f.messageSeq > this.#nextSeq + this.limits.maxSeqAhead) return "too-far-ahead";
    if (f.length > this.limits.maxMessageBytes) return "too-large";
    if (this.#firstType !== undefined && f.msgType !== this.#firstType) return "unexpected-type";
    const key = `${f.messageSeq}:${f.msgType}:${f.length}`;
    let c = this.#candidates?.get(key);
    if (c === undefined) {
      if (!this.#makeRoom(f.messageSeq, f.fragment.length, undefined)) return "over-budget";
      c = {
        key,
        msgType: f.msgType,
        messageSeq: f.messageSeq,
        length: f.length,
        epoch,
        recordSeq,
        order: this.#order++,
        chunks: [],
        received: 0,
      };
      this.#candidates ??= new Map();
      this.#candidates.set(key, c);
    }
    if (f.length === 0) return c.received === 0 && c.chunks.length === 0 ? this.#markEmpty(c) : "duplicate";
    const added = this.#merge(c, f.fragmentOffset, f.fragment);
    if (added === "conflict") {
      this.#drop(c);
      return "conflicting";
    }
    if (added === 0) return "duplicate";
    if (!this.#makeRoom(c.messageSeq, 0, c)) {
      this.#drop(c);
      return "over-budget";
    }
    return "buffered";
  }

  /**
   * The next complete message in order, or undefined. While awaiting the first message it is the complete
   * candidate with the lowest message_seq; the caller then calls `accept` or `discard`.
   */
  poll(): HandshakeMessage | undefined {
    const candidates = this.#candidates;
    if (candidates === undefined) return undefined;
    let best: Candidate | undefined;
    for (const c of candidates.values()) {
      if (!complete(c)) continue;
      if (this.#firstType === undefined && c.messageSeq !== this.#nextSeq) continue;
      if (
        best === undefined ||
        c.messageSeq < best.messageSeq ||
        (c.messageSeq === best.messageSeq && c.order < best.order)
      )
        best = c;
    }
    if (best === undefined) return undefined;
    const msg: HandshakeMessage = {
      msgType: best.msgType,
      messageSeq: best.messageSeq,
      body: best.chunks[0]?.bytes ?? new Uint8Array(0),
      epoch: best.epoch,
      recordSeq: best.recordSeq,
    };
    if (this.#firstType === undefined) {
      this.#nextSeq++;
      this.skipTo(this.#nextSeq);
    }
    return msg;
  }

  #markEmpty(c: Candidate): FragmentVerdict {
    c.chunks = [{ start: 0, bytes: new Uint8Array(0) }];
    return "buffered";
  }

  /** Adds the bytes of [start, start+bytes.length) not held yet; "conflict" when an overlap differs. */
  #merge(c: Candidate, start: number, bytes: Uint8Array): number | "conflict" {
    const end = start + bytes.length;
    const pieces: Chunk[] = [];
    let at = start;
    for (const ch of c.chunks) {
      const chEnd = ch.start + ch.bytes.length;
      if (chEnd <= at || ch.start >= end) continue;
      if (ch.start > at) pieces.push({ start: at, bytes: bytes.slice(at - start, ch.start - start) });
      const from = Math.max(at, ch.start);
      const to = Math.min(end, chEnd);
      for (let i = from; i < to; i++) if (ch.bytes[i - ch.start] !== bytes[i - start]) return "conflict";
      at = Math.max(at, to);
    }
    if (at < end) pieces.push({ start: at, bytes: bytes.slice(at - start) });
    let added = 0;
    for (const p of pieces) added += p.bytes.length;
    if (added === 0) return 0;
    c.chunks = join([...c.chunks, ...pieces].sort((x, y) => x.start - y.start));
    c.received += added;
    this.#bufferedBytes += added;
    return added;
  }

  /**
   * Frees room for `extra` bytes (and one more candidate unless `keep` is given) by evicting candidates
   * farther ahead than `seq`, then — while awaiting the first message — the oldest ones. False when there
   * is no room even so.
   */
  #makeRoom(seq: number, extra: number, keep: Candidate | undefined): boolean {
    const fits = () =>
      this.#bufferedBytes + extra <= this.limits.maxBufferedBytes &&
      (keep !== undefined || (this.#candidates?.size ?? 0) < this.limits.maxCandidates);
    if (fits()) return true;
    const others = [...(this.#candidates?.values() ?? [])].filter((c) => c !== keep);
    const victims =
      this.#firstType !== undefined
        ? others.sort((x, y) => x.order - y.order)
        : others.filter((c) => c.messageSeq > seq).sort((x, y) => y.messageSeq - x.messageSeq);
    for (const v of victims) {
      if (fits()) break;
      this.#drop(v);
      this.#evicted++;
      this.onEvict();
    }
    return fits();
  }

  #drop(c: Candidate): void {
    if (this.#candidates?.delete(c.key) !== true) return;
    this.#bufferedBytes -= c.received;
    if (this.#candidates.size === 0) this.#candidates = undefined;
  }
}

function complete(c: Candidate): boolean {
  const first = c.chunks[0];
  return c.chunks.length === 1 && first !== undefined && first.start === 0 && first.bytes.length === c.length;
}

/** Joins adjacent chunks of a sorted, non-overlapping list. */
function join(chunks: readonly Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (const ch of chunks) {
    const last = out[out.length - 1];
    if (last !== undefined && last.start + last.bytes.length === ch.start) {
      const bytes = new Uint8Array(last.bytes.length + ch.bytes.length);
      bytes.set(last.bytes);
      bytes.set(ch.bytes, last.bytes.length);
      out[out.length - 1] = { start: last.start, bytes };
    } else out.push(ch);
  }
  return out;
}
