import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { TlsReader, TlsWriter } from "./presentation-language.js";

/**
 * RFC 6347 §4.2.2 handshake message header, with the DTLS fragment fields:
 *
 * ```
 * struct {
 *   HandshakeType msg_type;
 *   uint24 length;
 *   uint16 message_seq;                               // New field
 *   uint24 fragment_offset;                           // New field
 *   uint24 fragment_length;                           // New field
 *   select (HandshakeType) { ... } body;
 * } Handshake;
 * ```
 */
export interface HandshakeFragment {
  readonly msgType: number;
  /** Length of the whole message body. */
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  /** `fragment.length` is the fragment_length field. */
  readonly fragment: Uint8Array;
}

export const HANDSHAKE_HEADER_LENGTH = 12;

export type HandshakeDecodeError = "truncated-header" | "truncated-fragment" | "fragment-out-of-bounds";

/** Decodes every handshake fragment in a record's plaintext (a record may carry several, RFC 6347 §4.2.3). */
export function decodeHandshakeFragments(
  payload: Uint8Array,
): Decoded<HandshakeFragment[], HandshakeDecodeError> {
  const out: HandshakeFragment[] = [];
  const r = new TlsReader(payload);
  while (!r.atEnd) {
    if (r.remaining < HANDSHAKE_HEADER_LENGTH) return decodeFail("truncated-header", r.pos);
    const msgType = r.u8();
    const length = r.u24();
    const messageSeq = r.u16();
    const fragmentOffset = r.u24();
    const fragmentLength = r.u24();
    if (fragmentOffset + fragmentLength > length) return decodeFail("fragment-out-of-bounds", r.pos - 6);
    if (r.remaining < fragmentLength) return decodeFail("truncated-fragment", r.pos);
    out.push({ msgType, length, messageSeq, fragmentOffset, fragment: r.raw(fragmentLength).slice() });
  }
  return decodeOk(out);
}

export function encodeHandshakeFragment(f: HandshakeFragment): Uint8Array {
  return new TlsWriter()
    .u8(f.msgType)
    .u24(f.length)
    .u16(f.messageSeq)
    .u24(f.fragmentOffset)
    .vec24(f.fragment)
    .finish();
}

/**
 * A whole message as hashed into the transcript (RFC 6347 §4.2.6: as if sent in one fragment,
 * fragment_offset 0 and fragment_length = length).
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  return encodeHandshakeFragment({
    msgType,
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragment: body,
  });
}
