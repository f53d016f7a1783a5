/**
 * STUN client transactions over UDP (RFC 8489 §6.2.1), sans-IO.
 *
 * ```
 * send #1 at t0, then retransmit at t0 + RTO, t0 + 3·RTO, t0 + 7·RTO, …   (interval doubles)
 * Rc sends in all (default 7): 0, RTO, 3, 7, 15, 31, 63 ·RTO
 * fail with "timeout" Rm·RTO (default 16) after the last send: 79·RTO = 39.5 s at RTO 500 ms
 * ```
 * One table per owner: an ICE check list owns one (its RTO per RFC 8445 §14.3, passed per transaction),
 * a STUN server client for server-reflexive gathering another. Each transaction carries an opaque
 * `context` of the owner's choosing (a candidate pair, a server) that comes back on response or timeout.
 *
 * Drive it like every Tern machine: `start` / `handleResponse` / `handleTimeout`, then drain
 * `pollTransmit()` and `pollEvent()`, then arm one timer at `pollTimeout()`.
 */
import type { StunMessage } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";

export type Millis = number;

export interface Transmit {
  readonly to: TransportAddr;
  readonly data: Uint8Array;
}

export interface StunTransactionConfig {
  /** Initial retransmission timeout; RFC 8489 §6.2.1 default 500 ms. */
  readonly rtoMs?: number;
  /** Upper bound on the doubled interval (RFC 8489 allows capping); default none. */
  readonly maxRtoMs?: number;
  /** Total sends, default 7. */
  readonly rc?: number;
  /** Final wait after the last send, in multiples of RTO; default 16. */
  readonly rm?: number;
}

export interface StunTransactionStartOptions<C> {
  /** Overrides the table's RTO for this transaction (ICE: RFC 8445 §14.3). */
  readonly rtoMs?: number;
  /** Overrides the table's Rc / Rm for this transaction. */
  readonly rc?: number;
  readonly rm?: number;
  /** The local address (ICE base) the request leaves from; echoed on every transmit. */
  readonly from?: TransportAddr;
  readonly context?: C;
}

/** A queued send: `Transmit` plus the local address chosen at start and the transaction it belongs to. */
export interface StunTransactionTransmit extends Transmit {
  readonly from: TransportAddr | undefined;
  readonly key: string;
}

/** A transaction that ended: returned by handleResponse, carried by the timeout event. */
export interface StunTransactionInfo<C> {
  /** Hex of the 12-byte transaction id. */
  readonly key: string;
  readonly transactionId: Uint8Array;
  readonly to: TransportAddr;
  readonly from: TransportAddr | undefined;
  readonly context: C | undefined;
  readonly startedAt: Millis;
  /** How many times the request went out (1 = never retransmitted). */
  readonly sends: number;
}

export interface StunTransactionResponse<C> extends StunTransactionInfo<C> {
  /** RTT of the first send; undefined when retransmitted (Karn: the response is ambiguous). */
  readonly rttMs: Millis | undefined;
  readonly response: StunMessage;
}

export type StunTransactionEvent<C> = { readonly kind: "timeout" } & StunTransactionInfo<C>;

export type StunTransactionErrorCode = "duplicate-transaction" | "bad-transaction-id" | "bad-config";

/** API misuse of the transaction table (thrown synchronously). */
export class StunTransactionError extends Error {
  override readonly name = "StunTransactionError";
  constructor(
    readonly code: StunTransactionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Pending<C> {
  readonly key: string;
  readonly transactionId: Uint8Array;
  readonly to: TransportAddr;
  readonly from: TransportAddr | undefined;
  readonly bytes: Uint8Array;
  readonly context: C | undefined;
  readonly startedAt: Millis;
  /** This transaction's initial RTO, Rc and Rm. */
  readonly rtoMs: number;
  readonly rc: number;
  readonly rm: number;
  /** Interval to the next send (doubles). */
  intervalMs: number;
  sends: number;
  /** Next retransmit, or the final timeout once sends = Rc. */
  deadline: Millis;
}

export function transactionKey(transactionId: Uint8Array): string {
  let s = "";
  for (const b of transactionId) s += b.toString(16).padStart(2, "0");
  return s;
}

export class StunTransactionTable<C = undefined> {
  private readonly rtoMs: number;
  private readonly maxRtoMs: number;
  private readonly rc: number;
  private readonly rm: number;
  private readonly pending = new Map<string, Pending<C>>();
  private readonly transmits: StunTransactionTransmit[] = [];
  private readonly events: StunTransactionEvent<C>[] = [];
  readonly counters = { started: 0, retransmits: 0, responses: 0, timeouts: 0, cancelled: 0 };

  constructor(config: StunTransactionConfig = {}) {
    this.rtoMs = config.rtoMs ?? 500;
    this.maxRtoMs = config.maxRtoMs ?? Number.POSITIVE_INFINITY;
    this.rc = config.rc ?? 7;
    this.rm = config.rm ?? 16;
    if (!(this.rtoMs > 0) || !(this.maxRtoMs >= this.rtoMs) || !(this.rc >= 1) || !(this.rm > 0)) {
      throw new StunTransactionError("bad-config", "rtoMs > 0, maxRtoMs ≥ rtoMs, rc ≥ 1, rm > 0");
    }
  }

  /** Number of transactions in flight. */
  get size(): number {
    return this.pending.size;
  }

  has(transactionId: Uint8Array): boolean {
    return this.pending.has(transactionKey(transactionId));
  }

  /**
   * Starts a transaction: queues the first send now. `bytes` is the encoded request, kept as is.
   * Returns the transaction key (hex of the id).
   */
  start(
    now: Millis,
    transactionId: Uint8Array,
    to: TransportAddr,
    bytes: Uint8Array,
    opts: StunTransactionStartOptions<C> = {},
  ): string {
    if (transactionId.length !== 12) throw new StunTransactionError("bad-transaction-id", "12 bytes");
    const key = transactionKey(transactionId);
    if (this.pending.has(key)) throw new StunTransactionError("duplicate-transaction", key);
    const rto = opts.rtoMs ?? this.rtoMs;
    const rc = opts.rc ?? this.rc;
    const rm = opts.rm ?? this.rm;
    if (!(rto > 0) || !(rc >= 1) || !(rm > 0)) {
      throw new StunTransactionError("bad-config", `rtoMs > 0, rc ≥ 1, rm > 0: ${rto}, ${rc}, ${rm}`);
    }
    const p: Pending<C> = {
      key,
      transactionId: transactionId.slice(),
      to,
      from: opts.from,
      bytes,
      context: opts.context,
      startedAt: now,
      rtoMs: rto,
      rc,
      rm,
      intervalMs: Math.min(rto, this.maxRtoMs),
      sends: 0,
      deadline: now,
    };
    this.pending.set(key, p);
    this.counters.started++;
    this.send(p, now);
    return key;
  }

  /**
   * The in-flight transaction a response's id names, without ending it: check the response's integrity
   * first, and only then `handleResponse` (RFC 8489 §6.3.5: a response failing its checks is discarded
   * and the transaction continues).
   */
  peek(transactionId: Uint8Array): StunTransactionInfo<C> | undefined {
    const p = this.pending.get(transactionKey(transactionId));
    return p === undefined ? undefined : this.info(p);
  }

  /**
   * Matches a response (success or error class) to its transaction and ends it. Undefined when no
   * transaction has that id, or the message is not a response: the caller counts "unknown-transaction".
   */
  handleResponse(now: Millis, msg: StunMessage): StunTransactionResponse<C> | undefined {
    if (msg.class !== "success" && msg.class !== "error") return undefined;
    const key = transactionKey(msg.transactionId);
    const p = this.pending.get(key);
    if (p === undefined) return undefined;
    this.remove(key);
    this.counters.responses++;
    return { ...this.info(p), rttMs: p.sends === 1 ? now - p.startedAt : undefined, response: msg };
  }

  /**
   * Retransmits what is due and times out what is over. The next deadline counts from `now` (the
   * actual send), so a late wake-up stretches the schedule instead of sending a burst.
   */
  handleTimeout(now: Millis): void {
    for (const p of [...this.pending.values()]) {
      if (p.deadline > now) continue;
      if (p.sends >= p.rc) {
        this.remove(p.key);
        this.counters.timeouts++;
        this.events.push({ kind: "timeout", ...this.info(p) });
        continue;
      }
      this.counters.retransmits++;
      this.send(p, now);
    }
  }

  /** Cancels every transaction whose context matches; returns how many. */
  cancelWhere(match: (context: C | undefined, info: StunTransactionInfo<C>) => boolean): number {
    let n = 0;
    for (const p of [...this.pending.values()]) {
      if (match(p.context, this.info(p))) {
        this.remove(p.key);
        this.counters.cancelled++;
        n++;
      }
    }
    return n;
  }

  /** Stops a transaction without an event; true when it existed. */
  cancel(transactionId: Uint8Array): boolean {
    const key = transactionKey(transactionId);
    if (!this.pending.has(key)) return false;
    this.remove(key);
    this.counters.cancelled++;
    return true;
  }

  pollTransmit(): StunTransactionTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): StunTransactionEvent<C> | undefined {
    return this.events.shift();
  }

  /** The earliest retransmit or timeout deadline; undefined when idle. */
  pollTimeout(): Millis | undefined {
    let t: Millis | undefined;
    for (const p of this.pending.values()) if (t === undefined || p.deadline < t) t = p.deadline;
    return t;
  }

  /** Queues a send at `now` and sets the next deadline: the next retransmit, or Rm·RTO after the last. */
  private send(p: Pending<C>, now: Millis): void {
    this.transmits.push({ key: p.key, to: p.to, from: p.from, data: p.bytes });
    p.sends++;
    if (p.sends >= p.rc) {
      p.deadline = now + p.rm * p.rtoMs;
    } else {
      p.deadline = now + p.intervalMs;
      p.intervalMs = Math.min(p.intervalMs * 2, this.maxRtoMs);
    }
  }

  private info(p: Pending<C>): StunTransactionInfo<C> {
    return {
      key: p.key,
      transactionId: p.transactionId,
      to: p.to,
      from: p.from,
      context: p.context,
      startedAt: p.startedAt,
      sends: p.sends,
    };
  }

  private remove(key: string): void {
    this.pending.delete(key);
    for (let i = this.transmits.length - 1; i >= 0; i--) {
      if (this.transmits[i]?.key === key) this.transmits.splice(i, 1);
    }
  }
}
