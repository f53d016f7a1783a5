import { type RecordProtection13, TAG_LENGTH } from "../crypto/tls13-record-protection.js";
import { decodeInnerPlaintext, encodeInnerPlaintext } from "../wire/inner-plaintext.js";
import { concat } from "../wire/presentation-language.js";
import { encodeRecord, RECORD_HEADER_LENGTH } from "../wire/record.js";
import { ContentType, ProtocolVersion } from "../wire/tls-parameters.js";
import { type CiphertextRecord, decodeDatagram13, encodeUnifiedHeader } from "../wire/unified-header.js";
import type { DtlsCounter } from "./dtls-event.js";
import { ReplayWindow } from "./replay-window.js";

/**
 * RFC 9147 §4 record layer: DTLSPlaintext in epoch 0, DTLSCiphertext with the unified header from epoch 2
 * (handshake) and 3+ (application data, one more per KeyUpdate); 64-bit sequence numbers per epoch,
 * reconstructed from their low 16 bits (§4.2.2) after record number decryption (§4.2.3); an anti-replay
 * window per epoch (§4.5.1). Records of an epoch whose keys are not installed yet are held back (a few).
 */
export interface PlainRecord13 {
  readonly contentType: number;
  readonly epoch: number;
  readonly sequenceNumber: number;
  readonly payload: Uint8Array;
}

/** A record we sent: its number (for ACKs) and bytes. */
export interface SealedRecord {
  readonly epoch: number;
  readonly sequenceNumber: number;
  readonly bytes: Uint8Array;
}

interface ReadState {
  readonly protection: RecordProtection13 | undefined;
  readonly replay: ReplayWindow;
}

interface WriteState {
  readonly protection: RecordProtection13 | undefined;
  nextSeq: number;
}

const MAX_FUTURE_RECORDS = 16;
const MAX_SEQ = 2 ** 48 - 1;
/** Bytes a protected record adds: header (5), content type (1), tag. */
export const CIPHERTEXT_OVERHEAD = 5 + 1 + TAG_LENGTH;

export class RecordLayer13 {
  readonly #read = new Map<number, ReadState>([[0, { protection: undefined, replay: new ReplayWindow(64) }]]);
  readonly #write = new Map<number, WriteState>([[0, { protection: undefined, nextSeq: 0 }]]);
  #writeEpoch = 0;
  #future: CiphertextRecord[] = [];

  constructor(private readonly count: (reason: DtlsCounter) => void) {}

  get writeEpoch(): number {
    return this.#writeEpoch;
  }

  /** The highest epoch we can read. */
  get readEpoch(): number {
    return Math.max(...this.#read.keys());
  }

  installRead(epoch: number, protection: RecordProtection13): void {
    this.#read.set(epoch, { protection, replay: new ReplayWindow(64) });
  }

  /** Forgets read epochs below `epoch` except epoch 0's plaintext (kept for alerts and retransmissions). */
  dropReadBelow(epoch: number): void {
    for (const e of [...this.#read.keys()]) if (e > 0 && e < epoch) this.#read.delete(e);
  }

  /** Installs the keys of a new write epoch; new records are written in it. */
  installWrite(epoch: number, protection: RecordProtection13): void {
    this.#write.set(epoch, { protection, nextSeq: 0 });
    this.#writeEpoch = epoch;
  }

  /** Next epoch-0 records start at least at `seq` (a client continuing what another sent). */
  bumpSequence(epoch: number, seq: number): void {
    const w = this.#write.get(epoch);
    if (w !== undefined && w.nextSeq < seq) w.nextSeq = seq;
  }

  nextSequence(epoch: number): number {
    return this.#write.get(epoch)?.nextSeq ?? 0;
  }

  /** Opens every record of a datagram; drops are counted. */
  open(datagram: Uint8Array): PlainRecord13[] {
    const { records, error } = decodeDatagram13(datagram);
    if (error === "cid") this.count("cid-record");
    else if (error !== undefined) this.count("malformed-record");
    const out: PlainRecord13[] = [];
    for (const r of records) {
      const p = r.form === "plaintext" ? this.#openPlaintext(r.record) : this.#openCiphertext(r.record, true);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  /** Re-opens held-back records whose epoch is now installed. */
  takeReadyFuture(): PlainRecord13[] {
    const held = this.#future;
    if (held.length === 0) return [];
    this.#future = [];
    const out: PlainRecord13[] = [];
    for (const r of held) {
      const p = this.#openCiphertext(r, true);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  #openPlaintext(r: {
    contentType: number;
    version: number;
    epoch: number;
    sequenceNumber: number;
    fragment: Uint8Array;
  }): PlainRecord13 | undefined {
    if (r.version !== ProtocolVersion.DTLS1_2 && r.version !== ProtocolVersion.DTLS1_0) {
      this.count("bad-record-version");
      return undefined;
    }
    // RFC 9147 §4.1: only alert, handshake and ack are plaintext; anything else is a DTLS 1.2 record.
    const plaintextType =
      r.contentType === ContentType.alert ||
      r.contentType === ContentType.handshake ||
      r.contentType === ContentType.ack;
    if (r.epoch !== 0 || !plaintextType) {
      this.count(r.epoch !== 0 ? "unknown-epoch" : "unknown-content-type");
      return undefined;
    }
    const state = this.#read.get(0);
    if (state === undefined) return undefined;
    if (state.replay.check(r.sequenceNumber) !== "ok") {
      this.count("replayed-record");
      return undefined;
    }
    state.replay.accept(r.sequenceNumber);
    return { contentType: r.contentType, epoch: 0, sequenceNumber: r.sequenceNumber, payload: r.fragment };
  }

  /** §4.2.2: the installed epoch with these low bits (the highest), and the sequence number nearest the next expected. */
  #openCiphertext(r: CiphertextRecord, holdUnknown: boolean): PlainRecord13 | undefined {
    if (r.ciphertext.length < 16) {
      this.count("short-ciphertext");
      return undefined;
    }
    let epoch: number | undefined;
    for (const e of this.#read.keys())
      if (e > 0 && (e & 3) === r.epochBits && (epoch === undefined || e > epoch)) epoch = e;
    const state = epoch === undefined ? undefined : this.#read.get(epoch);
    if (epoch === undefined || state?.protection === undefined) {
      if (!holdUnknown) return undefined;
      if (this.#future.length >= MAX_FUTURE_RECORDS) {
        this.count("future-epoch-overflow");
        return undefined;
      }
      this.#future.push(r);
      this.count("future-epoch-buffered");
      return undefined;
    }
    const mask = state.protection.mask(r.ciphertext);
    const header = r.header.slice();
    header[1] = (header[1] as number) ^ (mask[0] as number);
    if (r.seqLength === 2) header[2] = (header[2] as number) ^ (mask[1] as number);
    const low =
      r.seqLength === 2 ? ((header[1] as number) << 8) | (header[2] as number) : (header[1] as number);
    const sequenceNumber = reconstruct(
      (state.replay.top ?? -1) + 1,
      low,
      r.seqLength === 2 ? 0x10000 : 0x100,
    );
    if (sequenceNumber < 0 || sequenceNumber > MAX_SEQ || state.replay.check(sequenceNumber) !== "ok") {
      this.count("replayed-record");
      return undefined;
    }
    const inner = state.protection.open(sequenceNumber, header, r.ciphertext);
    if (inner === undefined) {
      this.count("bad-record-mac");
      return undefined;
    }
    const d = decodeInnerPlaintext(inner);
    if (!d.ok) {
      this.count("bad-inner-plaintext");
      return undefined;
    }
    state.replay.accept(sequenceNumber);
    return { contentType: d.value.contentType, epoch, sequenceNumber, payload: d.value.content.slice() };
  }

  /** One record in `epoch` (default: the current write epoch): plaintext in epoch 0, protected above. */
  seal(
    contentType: number,
    payload: Uint8Array,
    epoch = this.#writeEpoch,
    recordVersion: number = ProtocolVersion.DTLS1_2,
  ): SealedRecord {
    const w = this.#write.get(epoch);
    if (w === undefined) throw new Error(`no write state for epoch ${epoch}`);
    const seq = w.nextSeq;
    if (seq > MAX_SEQ) throw new Error("DTLS sequence number space exhausted");
    w.nextSeq++;
    if (w.protection === undefined) {
      const bytes = encodeRecord({
        contentType,
        version: recordVersion,
        epoch,
        sequenceNumber: seq,
        fragment: payload,
      });
      return { epoch, sequenceNumber: seq, bytes };
    }
    const inner = encodeInnerPlaintext({ contentType, content: payload });
    const header = encodeUnifiedHeader(epoch, seq, inner.length + TAG_LENGTH);
    const ciphertext = w.protection.seal(seq, header, inner);
    const mask = w.protection.mask(ciphertext);
    header[1] = (header[1] as number) ^ (mask[0] as number);
    header[2] = (header[2] as number) ^ (mask[1] as number);
    return { epoch, sequenceNumber: seq, bytes: concat(header, ciphertext) };
  }

  /** Bytes one record of `epoch` adds around its payload. */
  overhead(epoch: number): number {
    return epoch === 0 ? RECORD_HEADER_LENGTH : CIPHERTEXT_OVERHEAD;
  }
}

/** The value ≡ `low` (mod `span`) nearest to `expected` (RFC 9147 §4.2.2). */
export function reconstruct(expected: number, low: number, span: number): number {
  const base = expected - (expected % span) + low;
  let best = base;
  for (const c of [base - span, base + span])
    if (c >= 0 && Math.abs(c - expected) < Math.abs(best - expected)) best = c;
  return best;
}
