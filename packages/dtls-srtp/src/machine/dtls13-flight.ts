import type { RecordNumber } from "../wire/ack.js";
import { encodeHandshakeFragment, HANDSHAKE_HEADER_LENGTH } from "../wire/handshake.js";
import { concat } from "../wire/presentation-language.js";
import { ContentType, ProtocolVersion } from "../wire/tls-parameters.js";
import type { RecordLayer13 } from "./dtls13-record-layer.js";
import type { Millis } from "./flight-buffer.js";

/**
 * RFC 9147 §5.8 and §7: our last flight, which records carried which fragment of which message, and what the
 * peer acknowledged. A timer expiry or a partial ACK resends only what is not acknowledged yet (in new
 * records, same epoch); a flight fully acknowledged, or implicitly by the peer's next flight, stops its
 * timer. The timer starts at `initialRtoMs`, doubles per expiry up to `maxRtoMs`, and gives up after
 * `maxRetransmissions`.
 */
export interface FlightMessage13 {
  readonly epoch: number;
  readonly msgType: number;
  readonly messageSeq: number;
  readonly body: Uint8Array;
}

interface Tracked {
  readonly message: FlightMessage13;
  /** Acknowledged [start, end) ranges of the body (for a zero-length body: [0, 0] once acknowledged). */
  acked: Array<[number, number]>;
}

interface Sent {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export class Dtls13Flight {
  #messages: Tracked[] = [];
  readonly #records = new Map<string, Sent[]>();
  #deadline: Millis | undefined;
  #rtoMs: number;
  #retransmissions = 0;
  #lastSentAt: Millis = Number.NEGATIVE_INFINITY;
  #recordVersion: number = ProtocolVersion.DTLS1_2;
  #armed = false;

  constructor(
    readonly initialRtoMs: number,
    readonly maxRtoMs: number,
    readonly maxRetransmissions: number,
  ) {
    this.#rtoMs = initialRtoMs;
  }

  get deadline(): Millis | undefined {
    return this.#deadline;
  }
  get lastSentAt(): Millis {
    return this.#lastSentAt;
  }
  get rtoMs(): number {
    return this.#rtoMs;
  }
  get isEmpty(): boolean {
    return this.#messages.length === 0;
  }
  /** The first message's type (to tell a HelloRetryRequest flight). */
  get first(): FlightMessage13 | undefined {
    return this.#messages[0]?.message;
  }
  get complete(): boolean {
    return this.#messages.every((m) => isAcked(m));
  }

  /** A new flight; returns its datagrams. */
  send(
    now: Millis,
    messages: readonly FlightMessage13[],
    armTimer: boolean,
    records: RecordLayer13,
    mtu: number,
    recordVersion: number = ProtocolVersion.DTLS1_2,
  ): Uint8Array[] {
    this.#messages = messages.map((message) => ({ message, acked: [] }));
    this.#records.clear();
    this.#rtoMs = this.initialRtoMs;
    this.#retransmissions = 0;
    this.#deadline = armTimer ? now + this.#rtoMs : undefined;
    this.#armed = armTimer;
    this.#lastSentAt = now;
    this.#recordVersion = recordVersion;
    return this.#encode(records, mtu);
  }

  /** The peer answered (implicit acknowledgement): stop the timer; the flight stays for resends. */
  disarm(): void {
    this.#deadline = undefined;
  }

  /** Forgets the flight. */
  release(): void {
    this.#messages = [];
    this.#records.clear();
    this.#deadline = undefined;
  }

  /**
   * An ACK: marks what its records carried. "complete" when the whole flight is now acknowledged (the
   * timer stops), "partial" when something new was acknowledged and something is left, "none" otherwise.
   */
  ack(numbers: readonly RecordNumber[]): "complete" | "partial" | "none" {
    let progressed = false;
    for (const n of numbers) {
      const sent = this.#records.get(`${n.epoch}:${n.sequenceNumber}`);
      if (sent === undefined) continue;
      this.#records.delete(`${n.epoch}:${n.sequenceNumber}`);
      for (const s of sent) {
        const m = this.#messages[s.index];
        if (m === undefined) continue;
        m.acked = addRange(m.acked, s.start, s.end);
        progressed = true;
      }
    }
    if (this.#messages.length > 0 && this.complete) {
      this.#deadline = undefined;
      return progressed ? "complete" : "none";
    }
    return progressed ? "partial" : "none";
  }

  /**
   * Timer: "retransmit" with the datagrams of what is unacknowledged (the timer doubles), "exhausted" after
   * `maxRetransmissions`, "idle" otherwise.
   */
  expire(
    now: Millis,
    records: RecordLayer13,
    mtu: number,
  ):
    | { readonly kind: "idle" | "exhausted" }
    | { readonly kind: "retransmit"; readonly datagrams: Uint8Array[] } {
    if (this.#deadline === undefined || now < this.#deadline) return { kind: "idle" };
    if (this.#retransmissions >= this.maxRetransmissions) {
      this.#deadline = undefined;
      return { kind: "exhausted" };
    }
    this.#retransmissions++;
    this.#rtoMs = Math.min(this.#rtoMs * 2, this.maxRtoMs);
    this.#deadline = now + this.#rtoMs;
    this.#lastSentAt = now;
    return { kind: "retransmit", datagrams: this.#encode(records, mtu) };
  }

  /**
   * An ACK (RFC 9147 §7.2): marks what it covers; when it leaves part of an armed flight unacknowledged,
   * that part is resent at once (at most once per quarter timeout).
   */
  onAck(
    now: Millis,
    numbers: readonly RecordNumber[],
    records: RecordLayer13,
    mtu: number,
  ): { readonly result: "complete" | "partial" | "none"; readonly resent: Uint8Array[] | undefined } {
    const result = this.ack(numbers);
    const resend =
      result === "partial" && this.#deadline !== undefined && now - this.#lastSentAt >= this.#rtoMs / 4;
    return { result, resent: resend ? this.resend(now, records, mtu) : undefined };
  }

  /**
   * The peer repeated the flight ours answers, so ours was lost: what is unacknowledged, again — a flight
   * sent unarmed (a HelloRetryRequest) every time, anything else at most once per `minGapMs`.
   */
  onPeerRetransmission(
    now: Millis,
    minGapMs: number,
    records: RecordLayer13,
    mtu: number,
  ): Uint8Array[] | undefined {
    if (this.isEmpty || this.complete) return undefined;
    if (this.#armed && now - this.#lastSentAt < minGapMs) return undefined;
    return this.resend(now, records, mtu);
  }

  /** Resends what is unacknowledged now (the peer retransmitted, or a partial ACK). */
  resend(now: Millis, records: RecordLayer13, mtu: number): Uint8Array[] {
    this.#lastSentAt = now;
    // What just went out gets a full timeout before the timer resends it again.
    if (this.#deadline !== undefined) this.#deadline = Math.max(this.#deadline, now + this.#rtoMs);
    return this.#encode(records, mtu);
  }

  /** Whether some of the flight was acknowledged (a resend is then partial). */
  get partlyAcked(): boolean {
    return this.#messages.some((m) => m.acked.length > 0);
  }

  /** Fragments what is unacknowledged into records of at most `mtu` bytes, packed into datagrams. */
  #encode(records: RecordLayer13, mtu: number): Uint8Array[] {
    const datagrams: Uint8Array[][] = [];
    let current: Uint8Array[] = [];
    let used = 0;
    const flush = () => {
      if (current.length > 0) datagrams.push(current);
      current = [];
      used = 0;
    };
    this.#messages.forEach((m, index) => {
      const { epoch, msgType, messageSeq, body } = m.message;
      const perRecord = records.overhead(epoch) + HANDSHAKE_HEADER_LENGTH;
      for (const [from, to] of gaps(m.acked, body.length)) {
        let offset = from;
        do {
          let space = mtu - used - perRecord;
          const left = to - offset;
          if (space < Math.min(left, 64)) {
            flush();
            space = mtu - perRecord;
          }
          const n = Math.min(space, left);
          const fragment = encodeHandshakeFragment({
            msgType,
            length: body.length,
            messageSeq,
            fragmentOffset: offset,
            fragment: body.subarray(offset, offset + n),
          });
          const version = epoch === 0 ? this.#recordVersion : ProtocolVersion.DTLS1_2;
          const sealed = records.seal(ContentType.handshake, fragment, epoch, version);
          this.#records.set(`${sealed.epoch}:${sealed.sequenceNumber}`, [
            { index, start: offset, end: offset + n },
          ]);
          if (used + sealed.bytes.length > mtu) flush();
          current.push(sealed.bytes);
          used += sealed.bytes.length;
          offset += n;
        } while (offset < to);
      }
    });
    flush();
    return datagrams.map((parts) => concat(...parts));
  }
}

function isAcked(m: Tracked): boolean {
  const first = m.acked[0];
  return m.acked.length === 1 && first !== undefined && first[0] === 0 && first[1] >= m.message.body.length;
}

/** The unacknowledged [from, to) ranges of a body (one empty range for a zero-length message not acked). */
function gaps(acked: ReadonlyArray<[number, number]>, length: number): Array<[number, number]> {
  if (length === 0) return acked.length > 0 ? [] : [[0, 0]];
  const out: Array<[number, number]> = [];
  let at = 0;
  for (const [s, e] of acked) {
    if (s > at) out.push([at, s]);
    at = Math.max(at, e);
  }
  if (at < length) out.push([at, length]);
  return out;
}

function addRange(
  ranges: ReadonlyArray<[number, number]>,
  start: number,
  end: number,
): Array<[number, number]> {
  const all = [...ranges, [start, end] as [number, number]].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}
