import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 6347 §4.1 record layer:
 *
 * ```
 * struct {
 *   ContentType type;
 *   ProtocolVersion version;
 *   uint16 epoch;                                    // New field
 *   uint48 sequence_number;                          // New field
 *   uint16 length;
 *   opaque fragment[DTLSPlaintext.length];
 * } DTLSPlaintext;
 * ```
 *
 * DTLSCiphertext has the same header; its fragment is the AEAD output. Several records may share one
 * datagram (RFC 6347 §4.1.1); a record never spans two.
 */
export interface DtlsRecord {
  readonly contentType: number;
  readonly version: number;
  readonly epoch: number;
  /** uint48, exact in a number. */
  readonly sequenceNumber: number;
  readonly fragment: Uint8Array;
}

export const RECORD_HEADER_LENGTH = 13;
/** RFC 6347 §4.1 / RFC 5246 §6.2.3: a ciphertext fragment may not exceed 2^14 + 2048 bytes. */
export const MAX_RECORD_FRAGMENT_LENGTH = 16384 + 2048;

export type RecordDecodeError = "truncated-header" | "truncated-fragment" | "record-too-long";

/** Decodes the record starting at `offset`; `next` is where the following record starts. */
export function decodeRecord(
  bytes: Uint8Array,
  offset = 0,
): Decoded<{ record: DtlsRecord; next: number }, RecordDecodeError> {
  if (bytes.length - offset < RECORD_HEADER_LENGTH) return decodeFail("truncated-header", offset);
  const r = new TlsReader(bytes, offset);
  const contentType = r.u8();
  const version = r.u16();
  const epoch = r.u16();
  const sequenceNumber = r.u48();
  const length = r.u16();
  if (length > MAX_RECORD_FRAGMENT_LENGTH) return decodeFail("record-too-long", offset + 11);
  if (r.remaining < length) return decodeFail("truncated-fragment", r.pos);
  const fragment = r.raw(length).slice();
  return decodeOk({ record: { contentType, version, epoch, sequenceNumber, fragment }, next: r.pos });
}

/**
 * Splits a datagram into records. A malformed record ends the walk: the records before it are returned with
 * the error (RFC 6347 §4.1.2.7: invalid records are discarded).
 */
export function decodeRecords(datagram: Uint8Array): {
  readonly records: DtlsRecord[];
  readonly error: RecordDecodeError | undefined;
} {
  const records: DtlsRecord[] = [];
  let at = 0;
  while (at < datagram.length) {
    const d = decodeRecord(datagram, at);
    if (!d.ok) return { records, error: d.error.code };
    records.push(d.value.record);
    at = d.value.next;
  }
  return { records, error: undefined };
}

export function encodeRecord(record: DtlsRecord): Uint8Array {
  return new TlsWriter()
    .u8(record.contentType)
    .u16(record.version)
    .u16(record.epoch)
    .u48(record.sequenceNumber)
    .vec16(record.fragment)
    .finish();
}
