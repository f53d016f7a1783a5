import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { type DtlsRecord, decodeRecord } from "./record.js";

/**
 * RFC 9147 §4 DTLSCiphertext with the unified header, and the demultiplexing of a datagram that mixes it
 * with DTLSPlaintext records (§4.1):
 *
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |0|0|1|C|S|L|E E|
 * +-+-+-+-+-+-+-+-+
 * | Connection ID |   Legend:
 * | (if any,      |   C   - Connection ID (CID) present
 * /  length as    /   S   - Sequence number length (0: 8 bits, 1: 16 bits)
 * |  negotiated)  |   L   - Length present
 * +-+-+-+-+-+-+-+-+   E   - Epoch (its low two bits)
 * | 8 or 16 bit   |
 * |Sequence Number|
 * +-+-+-+-+-+-+-+-+
 * | 16 bit Length |
 * | (if present)  |
 * +-+-+-+-+-+-+-+-+
 * ```
 *
 * The sequence number on the wire is encrypted (§4.2.3): `header` is kept exactly as received, and the
 * record layer rebuilds the additional data with the decrypted number. Tern negotiates no connection ID,
 * so a record with the C bit is reported (`cid`) and ends the datagram's walk. Tern always sends S=1, L=1.
 */
export interface CiphertextRecord {
  /** The header bytes as received (first byte, sequence number, length). */
  readonly header: Uint8Array;
  readonly epochBits: number;
  /** 1 or 2 bytes of (encrypted) sequence number, at header[1..]. */
  readonly seqLength: 1 | 2;
  /** The encrypted record: AEAD ciphertext of DTLSInnerPlaintext. */
  readonly ciphertext: Uint8Array;
}

export type DatagramRecord =
  | { readonly form: "plaintext"; readonly record: DtlsRecord }
  | { readonly form: "ciphertext"; readonly record: CiphertextRecord };

export type UnifiedHeaderDecodeError = "truncated-header" | "truncated-fragment" | "cid" | "not-dtls13";

export const UNIFIED_HEADER_FIXED_BITS = 0x20;

/** True for the first byte of a DTLSCiphertext (0b001xxxxx). */
export function isUnifiedHeader(firstByte: number): boolean {
  return (firstByte & 0xe0) === UNIFIED_HEADER_FIXED_BITS;
}

/** Decodes the DTLSCiphertext at `offset` (its first byte already checked by isUnifiedHeader). */
export function decodeCiphertextRecord(
  bytes: Uint8Array,
  offset = 0,
): Decoded<{ record: CiphertextRecord; next: number }, UnifiedHeaderDecodeError> {
  const first = bytes[offset];
  if (first === undefined || !isUnifiedHeader(first)) return decodeFail("not-dtls13", offset);
  if ((first & 0x10) !== 0) return decodeFail("cid", offset);
  const seqLength: 1 | 2 = (first & 0x08) !== 0 ? 2 : 1;
  const hasLength = (first & 0x04) !== 0;
  const headerLength = 1 + seqLength + (hasLength ? 2 : 0);
  if (bytes.length - offset < headerLength) return decodeFail("truncated-header", offset);
  let length = bytes.length - offset - headerLength;
  if (hasLength) {
    const at = offset + 1 + seqLength;
    length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    if (bytes.length - offset - headerLength < length) return decodeFail("truncated-fragment", at);
  }
  const start = offset + headerLength;
  return decodeOk({
    record: {
      header: bytes.slice(offset, start),
      epochBits: first & 0x03,
      seqLength,
      ciphertext: bytes.slice(start, start + length),
    },
    next: start + length,
  });
}

/** The 5-byte header Tern sends: 0b00101100 | epoch bits, 16-bit sequence number, 16-bit length. */
export function encodeUnifiedHeader(epoch: number, seq: number, length: number): Uint8Array {
  return Uint8Array.of(0x2c | (epoch & 0x03), (seq >>> 8) & 0xff, seq & 0xff, length >>> 8, length & 0xff);
}

/**
 * Splits a datagram into DTLSPlaintext and DTLSCiphertext records (RFC 9147 §4.1). A malformed record ends
 * the walk: the records before it are returned with the error.
 */
export function decodeDatagram13(datagram: Uint8Array): {
  readonly records: DatagramRecord[];
  readonly error: string | undefined;
} {
  const records: DatagramRecord[] = [];
  let at = 0;
  while (at < datagram.length) {
    if (isUnifiedHeader(datagram[at] as number)) {
      const d = decodeCiphertextRecord(datagram, at);
      if (!d.ok) return { records, error: d.error.code };
      records.push({ form: "ciphertext", record: d.value.record });
      at = d.value.next;
    } else {
      const d = decodeRecord(datagram, at);
      if (!d.ok) return { records, error: d.error.code };
      records.push({ form: "plaintext", record: d.value.record });
      at = d.value.next;
    }
  }
  return { records, error: undefined };
}
