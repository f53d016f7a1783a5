import type { DataChunk } from "../wire/data-chunk.js";
import type { IDataChunk } from "../wire/i-data-chunk.js";

const NO_DATA = new Uint8Array(0);

/**
 * One user message handed to `send`, queued whole, fragmented on demand as packets are built (so that
 * nothing is cut or numbered before cwnd and the peer's window allow it).
 */
export class OutgoingMessage {
  /** Bytes of `data` already cut into chunks. */
  offset = 0;
  /** SSN (DATA, ordered) or MID (I-DATA) — taken with the first fragment; -1 before. */
  sequence = -1;
  /** Next I-DATA Fragment Sequence Number. */
  nextFsn = 0;
  /** Order in which messages began to be sent (-1 before the first fragment). */
  startOrder = -1;
  /** Chunks of it in the retransmission queue, neither acked nor abandoned. */
  chunksOutstanding = 0;
  /** PR-SCTP (RFC 3758): given up; its chunks are skipped by FORWARD TSN. */
  abandoned = false;
  /** Its unsent rest was dropped after a first part went out: the receiver holds a partial message. */
  truncated = false;
  /** The abandoned end marker for a truncated message was numbered (see RetransmissionQueue.abandon). */
  endMarked = false;

  constructor(
    readonly streamId: number,
    readonly ppid: number,
    /** Kept, not copied: the caller gave it away. */
    readonly data: Uint8Array,
    readonly unordered: boolean,
    /** PR-SCTP "rtx" policy: retransmissions allowed per chunk (Infinity: reliable). */
    readonly maxRetransmits: number,
    /** PR-SCTP "ttl" policy: abandon after this time (Infinity: never). */
    readonly expiresAtMs: number,
  ) {}

  get fullySent(): boolean {
    return this.offset === this.data.length;
  }
}

/**
 * A DATA or I-DATA chunk we sent, as the retransmission queue tracks it (RFC 9260 §6.3, RFC 3758):
 * `chunk` is what goes on the wire (its `tsn` is the unwrapped TSN: the encoder writes the low 32 bits).
 */
export class OutboundChunk {
  /** Unwrapped TSN. */
  readonly tsn: number;
  /** Octets it adds to a packet (chunk header and padded user data): what flight size and cwnd count. */
  readonly packetBytes: number;
  /** Counted in flight (sent, not acked, not marked for retransmission, not abandoned). */
  inFlight = false;
  /** Acknowledged by a gap block (may be "renege"d in theory; we never forget it). */
  acked = false;
  abandoned = false;
  /** Marked for retransmission; `fast` when by miss indications (§7.2.4). */
  toRetransmit = false;
  fast = false;
  /** Miss indications (§7.2.4). */
  nacks = 0;
  retransmissions = 0;
  /** When it was last sent; -1 once retransmitted (Karn: no RTT sample from it, §6.3.1 C5). */
  sentAtMs = -1;
  /**
   * Order of its latest transmission among all (re)transmissions: a miss indication counts only when a
   * chunk sent after it was acked (so a retransmission is not nacked by acks of older sends).
   */
  sendSeq = 0;
  /** When it was last (re)transmitted. */
  lastSentAtMs = 0;
  /** When it was fast-retransmitted (its only retransmission so far), else -1. */
  fastRetransmittedAtMs = -1;

  constructor(
    readonly chunk: DataChunk | IDataChunk,
    readonly message: OutgoingMessage,
  ) {
    this.tsn = chunk.tsn;
    this.packetBytes = (chunk.type === "data" ? 16 : 20) + ((chunk.userData.length + 3) & ~3);
  }
}

/**
 * The end marker of a message abandoned half-sent (RetransmissionQueue.abandon): an empty last fragment
 * at `tsn` that is never sent, abandoned from the start, so that a FORWARD TSN names the message's stream
 * and sequence number even when every part of it that went out was acknowledged (as dcSCTP does).
 */
export function endMarkerChunk(m: OutgoingMessage, tsn: number, iData: boolean): OutboundChunk {
  const base = {
    immediate: false,
    unordered: m.unordered,
    beginning: false,
    ending: true,
    tsn,
    streamId: m.streamId,
  };
  const c = new OutboundChunk(
    iData
      ? { type: "i-data", ...base, mid: m.sequence, ppid: m.ppid, fsn: m.nextFsn, userData: NO_DATA }
      : { type: "data", ...base, ssn: m.sequence, ppid: m.ppid, userData: NO_DATA },
    m,
  );
  c.abandoned = true;
  return c;
}
