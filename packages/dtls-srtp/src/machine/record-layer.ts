import type { RecordCipher } from "../crypto/record-protection.js";
import { encodeHandshakeFragment, HANDSHAKE_HEADER_LENGTH } from "../wire/handshake.js";
import { concat } from "../wire/presentation-language.js";
import { type DtlsRecord, decodeRecords, encodeRecord, RECORD_HEADER_LENGTH } from "../wire/record.js";
import { ContentType, ProtocolVersion } from "../wire/tls-parameters.js";
import type { FlightEntry } from "./flight-buffer.js";
import { ReplayWindow } from "./replay-window.js";

/**
 * RFC 6347 §4.1 record layer: epochs, 48-bit sequence numbers per epoch, AEAD protection from epoch 1,
 * anti-replay (§4.1.2.6, a 64-record window per epoch), and packing of records into datagrams no larger
 * than the MTU (§4.1.1: several records per datagram, none spanning two).
 */
export interface PlainRecord {
  readonly contentType: number;
  readonly epoch: number;
  readonly sequenceNumber: number;
  readonly payload: Uint8Array;
}

export type RecordDropReason =
  | "malformed-record"
  | "bad-record-version"
  | "unknown-epoch"
  | "replayed-record"
  | "bad-record-mac"
  | "future-epoch-buffered"
  | "future-epoch-overflow";

interface ReadState {
  readonly cipher: RecordCipher | undefined;
  readonly replay: ReplayWindow;
}

interface WriteState {
  readonly cipher: RecordCipher | undefined;
  nextSeq: number;
}

/** Records of an epoch whose keys are not installed yet are kept (a few) until they are. */
const MAX_FUTURE_RECORDS = 16;
const MAX_SEQ = 2 ** 48 - 1;

export class RecordLayer {
  /** Indexed by epoch (0, and 1 once keyed: a DTLS 1.2 association without renegotiation has no more). */
  readonly #read: ReadState[] = [{ cipher: undefined, replay: new ReplayWindow(64) }];
  readonly #write: WriteState[] = [{ cipher: undefined, nextSeq: 0 }];
  #writeEpoch = 0;
  #future: DtlsRecord[] = [];

  constructor(
    readonly mtu: number,
    private readonly count: (reason: RecordDropReason) => void,
  ) {}

  get writeEpoch(): number {
    return this.#writeEpoch;
  }
  hasReadEpoch(epoch: number): boolean {
    return this.#read[epoch] !== undefined;
  }

  /** Installs the keys of a new epoch in both directions; new records are written in it. */
  installEpoch(epoch: number, readCipher: RecordCipher, writeCipher: RecordCipher): void {
    this.#read[epoch] = { cipher: readCipher, replay: new ReplayWindow(64) };
    this.#write[epoch] = { cipher: writeCipher, nextSeq: 0 };
    this.#writeEpoch = epoch;
  }

  /** Next sequence numbers of epoch 0 start at least at `seq` (after a HelloVerifyRequest echoing one). */
  bumpSequence(epoch: number, seq: number): void {
    const w = this.#write[epoch];
    if (w !== undefined && w.nextSeq < seq) w.nextSeq = seq;
  }

  /** Splits a datagram into records (a malformed tail is counted and dropped). Open them one by one. */
  split(datagram: Uint8Array): DtlsRecord[] {
    const { records, error } = decodeRecords(datagram);
    if (error !== undefined) this.count("malformed-record");
    return records;
  }

  /**
   * Opens one record: version check, replay check, decryption, then the replay window moves. A record of the
   * next, not yet installed epoch is held back (see `takeReadyFuture`); drops are counted.
   */
  open(r: DtlsRecord): PlainRecord | undefined {
    return this.#openOne(r.contentType, r.version, r.epoch, r.sequenceNumber, r.fragment);
  }

  /** Re-opens held-back records whose epoch is now installed. */
  takeReadyFuture(): PlainRecord[] {
    const ready = this.#future.filter((r) => this.hasReadEpoch(r.epoch));
    if (ready.length === 0) return [];
    this.#future = this.#future.filter((r) => !this.hasReadEpoch(r.epoch));
    const out: PlainRecord[] = [];
    for (const r of ready) {
      const p = this.#openOne(r.contentType, r.version, r.epoch, r.sequenceNumber, r.fragment);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  #openOne(
    contentType: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    fragment: Uint8Array,
  ): PlainRecord | undefined {
    if (version !== ProtocolVersion.DTLS1_2 && version !== ProtocolVersion.DTLS1_0) {
      this.count("bad-record-version");
      return undefined;
    }
    const state = this.#read[epoch];
    if (state === undefined) {
      if (epoch === this.#read.length) {
        if (this.#future.length >= MAX_FUTURE_RECORDS) {
          this.count("future-epoch-overflow");
          return undefined;
        }
        this.#future.push({ contentType, version, epoch, sequenceNumber, fragment });
        this.count("future-epoch-buffered");
        return undefined;
      }
      this.count("unknown-epoch");
      return undefined;
    }
    if (state.replay.check(sequenceNumber) !== "ok") {
      this.count("replayed-record");
      return undefined;
    }
    let payload = fragment;
    if (state.cipher !== undefined) {
      const opened = state.cipher.open(epoch, sequenceNumber, contentType, version, fragment);
      if (opened === undefined) {
        this.count("bad-record-mac");
        return undefined;
      }
      payload = opened;
    }
    state.replay.accept(sequenceNumber);
    return { contentType, epoch, sequenceNumber, payload };
  }

  /** One protected record, in `epoch` (default: the current write epoch). */
  seal(
    contentType: number,
    payload: Uint8Array,
    epoch = this.#writeEpoch,
    version: number = ProtocolVersion.DTLS1_2,
  ): Uint8Array {
    const w = this.#write[epoch];
    if (w === undefined) throw new Error(`no write state for epoch ${epoch}`);
    const seq = w.nextSeq;
    if (seq > MAX_SEQ) throw new Error("DTLS sequence number space exhausted");
    w.nextSeq++;
    const fragment =
      w.cipher === undefined ? payload : w.cipher.seal(epoch, seq, contentType, version, payload);
    return encodeRecord({ contentType, version, epoch, sequenceNumber: seq, fragment });
  }

  /** Bytes one record of `epoch` adds around its payload. */
  overhead(epoch: number): number {
    return RECORD_HEADER_LENGTH + (this.#write[epoch]?.cipher?.overhead ?? 0);
  }

  /**
   * Encodes a flight into datagrams of at most `mtu` bytes, fragmenting handshake messages where needed
   * (RFC 6347 §4.2.3) and packing several records per datagram. `recordVersion` applies to epoch 0.
   */
  encodeFlight(
    entries: readonly FlightEntry[],
    recordVersion: number = ProtocolVersion.DTLS1_2,
  ): Uint8Array[] {
    const datagrams: Uint8Array[][] = [];
    let current: Uint8Array[] = [];
    let used = 0;
    const flush = () => {
      if (current.length > 0) datagrams.push(current);
      current = [];
      used = 0;
    };
    const place = (record: Uint8Array) => {
      if (used + record.length > this.mtu) flush();
      current.push(record);
      used += record.length;
    };
    for (const e of entries) {
      const version = e.epoch === 0 ? recordVersion : ProtocolVersion.DTLS1_2;
      if (e.kind === "change_cipher_spec") {
        place(this.seal(ContentType.change_cipher_spec, Uint8Array.of(1), e.epoch, version));
        continue;
      }
      const perRecord = this.overhead(e.epoch) + HANDSHAKE_HEADER_LENGTH;
      let offset = 0;
      do {
        let space = this.mtu - used - perRecord;
        const left = e.body.length - offset;
        if (space < Math.min(left, 64)) {
          flush();
          space = this.mtu - perRecord;
        }
        const n = Math.min(space, left);
        const fragment = encodeHandshakeFragment({
          msgType: e.msgType,
          length: e.body.length,
          messageSeq: e.messageSeq,
          fragmentOffset: offset,
          fragment: e.body.subarray(offset, offset + n),
        });
        place(this.seal(ContentType.handshake, fragment, e.epoch, version));
        offset += n;
      } while (offset < e.body.length);
    }
    flush();
    return datagrams.map((parts) => concat(...parts));
  }
}
