import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 9147 §7 ACK (content type 26):
 *
 * ```
 * struct {
 *     uint64 epoch;
 *     uint64 sequence_number;
 * } RecordNumber;
 *
 * struct {
 *     RecordNumber record_numbers<0..2^16-1>;
 * } ACK;
 * ```
 *
 * Epochs above 2^16 and sequence numbers above 2^48 cannot be Tern's: they fail to decode.
 */
export interface RecordNumber {
  readonly epoch: number;
  readonly sequenceNumber: number;
}

export interface Ack {
  readonly recordNumbers: readonly RecordNumber[];
}

export type AckDecodeError = "truncated" | "bad-length" | "out-of-range" | "trailing-bytes";

export function decodeAck(payload: Uint8Array): Decoded<Ack, AckDecodeError> {
  const r = new TlsReader(payload);
  const list = r.subVec16();
  if (r.failed) return decodeFail("truncated", r.failedAt);
  if (!r.atEnd) return decodeFail("trailing-bytes", r.pos);
  if (list.remaining % 16 !== 0) return decodeFail("bad-length", 0);
  const recordNumbers: RecordNumber[] = [];
  while (!list.atEnd) {
    const at = list.pos;
    const epochHi = list.u32();
    const epochLo = list.u32();
    const seqHi = list.u16();
    const sequenceNumber = list.u48();
    if (epochHi !== 0 || epochLo > 0xffff || seqHi !== 0) return decodeFail("out-of-range", at);
    recordNumbers.push({ epoch: epochLo, sequenceNumber });
  }
  return decodeOk({ recordNumbers });
}

export function encodeAck(m: Ack): Uint8Array {
  const inner = new TlsWriter();
  for (const n of m.recordNumbers) inner.u32(0).u32(n.epoch).u16(0).u48(n.sequenceNumber);
  return new TlsWriter().vec16(inner.finish()).finish();
}
