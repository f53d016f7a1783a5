import type { Chunk } from "../wire/chunk.js";
import type { ErrorCause } from "../wire/error-cause.js";
import { encodeSctpPacket, type SctpPacketFields } from "../wire/sctp-packet.js";
import type { ResolvedOptions } from "./association-options.js";
import { SctpError, type SctpErrorCode } from "./sctp-error.js";
import type { Millis, SctpAssociationState, SctpEvent } from "./sctp-events.js";
import type { Tcb } from "./tcb.js";

/** Encoder options, made once (not an object per packet). */
const WITH_CRC = Object.freeze({ zeroChecksum: false });
const WITH_ZERO = Object.freeze({ zeroChecksum: true });

/** Packets waiting in `outbox` at most: a flood of INITs cannot make the answers pile up unbounded. */
const OUTBOX_LIMIT = 256;

/**
 * The state every part of the association machine shares (set-up, data, shutdown, stream reset): the
 * state name, the TCB once there is one, the outputs (packets, events) and the counters. The public
 * `SctpAssociation` is a façade over it; the parts are plain classes that take it.
 */
export class AssociationContext {
  state: SctpAssociationState = "closed";
  /** Closed or failed after having been used: every later packet is dropped, no new association. */
  terminated = false;
  /** RFC 9260 §14 Transmission Control Block: present from COOKIE-ECHOED (or a valid COOKIE ECHO) on. */
  tcb: Tcb | undefined;
  /** Encoded packets to hand out first (set-up, stateless answers, ABORT). */
  readonly outbox: Uint8Array[] = [];
  readonly #events: (SctpEvent | undefined)[] = [];
  #eventHead = 0;
  /** User bytes of `message` events not yet taken by `pollEvent` (they count against our window). */
  undeliveredBytes = 0;
  readonly counters: Record<string, number> = {};
  /** The latest `now` seen (for deadlines set outside a `handle*` call, e.g. a window update). */
  lastNow: Millis = 0;
  /** We sent an INIT or INIT ACK announcing Zero Checksum Acceptable: zero checksums are accepted. */
  zeroChecksumAnnounced = false;
  /** Secret keying the State Cookie MAC (drawn once from the injected randomness). */
  readonly cookieSecret: Uint8Array;
  readonly #header: { sourcePort: number; destinationPort: number; verificationTag: number; chunks: Chunk[] };

  constructor(readonly options: ResolvedOptions) {
    this.cookieSecret = options.random(32).slice();
    this.#header = {
      sourcePort: options.localPort,
      destinationPort: options.remotePort,
      verificationTag: 0,
      chunks: [],
    };
  }

  count(reason: string, n = 1): void {
    this.counters[reason] = (this.counters[reason] ?? 0) + n;
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.options.logger?.debug(fields ?? {}, msg);
  }

  /** A 32-bit random number from the injected randomness (tags, TSNs); never 0 when `nonZero`. */
  random32(nonZero: boolean): number {
    for (;;) {
      const b = this.options.random(4);
      const v = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
      if (v !== 0 || !nonZero) return v;
    }
  }

  emit(e: SctpEvent): void {
    this.#events.push(e);
  }

  pollEvent(): SctpEvent | undefined {
    if (this.#eventHead === this.#events.length) return undefined;
    const e = this.#events[this.#eventHead];
    this.#events[this.#eventHead++] = undefined;
    if (this.#eventHead === this.#events.length) {
      this.#events.length = 0;
      this.#eventHead = 0;
    }
    if (e?.kind === "message") this.undeliveredBytes -= e.data.length;
    return e;
  }

  /**
   * Encodes one packet of `chunks` under `verificationTag` into the outbox. `zeroChecksum` only when the
   * peer accepts it and the packet may carry one (never INIT, INIT ACK, COOKIE ECHO or an answer to an
   * out-of-the-blue packet).
   */
  send(verificationTag: number, chunks: readonly Chunk[], zeroChecksum = false): void {
    if (this.outbox.length >= OUTBOX_LIMIT) {
      this.count("outbox-full");
      return;
    }
    this.outbox.push(this.encode(verificationTag, chunks, zeroChecksum));
  }

  encode(verificationTag: number, chunks: readonly Chunk[], zeroChecksum: boolean): Uint8Array {
    const h = this.#header;
    h.verificationTag = verificationTag;
    const fields: SctpPacketFields = { ...h, chunks };
    return encodeSctpPacket(fields, zeroChecksum ? WITH_ZERO : WITH_CRC);
  }

  /** Encodes with a reused header object (the data path's packets). */
  encodeReused(verificationTag: number, chunks: Chunk[], zeroChecksum: boolean): Uint8Array {
    const h = this.#header;
    h.verificationTag = verificationTag;
    h.chunks = chunks;
    return encodeSctpPacket(h, zeroChecksum ? WITH_ZERO : WITH_CRC);
  }

  /** Fatal: ends the association with a typed error (the caller has queued any ABORT). */
  fail(code: SctpErrorCode, cause: string): void {
    if (this.terminated) return;
    this.debug("association failed", { code, cause });
    this.teardown();
    this.emit({ kind: "failed", error: new SctpError(code, cause) });
  }

  /** Sends ABORT with `causes` to the peer (if we know its tag) and fails with `code`. */
  abort(causes: readonly ErrorCause[], code: SctpErrorCode, cause: string): void {
    if (this.tcb !== undefined) {
      this.outbox.push(
        this.encode(
          this.tcb.peerTag,
          [{ type: "abort", verificationTagReflected: false, errorCauses: causes }],
          false,
        ),
      );
    }
    this.count("abort-sent");
    this.fail(code, cause);
  }

  /** Ends the association without error. */
  close(reason: "shutdown" | "abort-received" | "abort-sent", cause?: string): void {
    if (this.terminated) return;
    this.teardown();
    this.emit(cause === undefined ? { kind: "closed", reason } : { kind: "closed", reason, cause });
  }

  teardown(): void {
    this.tcb?.dispose();
    this.tcb = undefined;
    this.state = "closed";
    this.terminated = true;
  }
}
