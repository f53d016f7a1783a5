/**
 * ChannelData messages (RFC 8656 §12.4).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * /                       Application Data                        /
 * /                                                               /
 * |                                                               |
 * |                               +-------------------------------+
 * |                               |
 * +-------------------------------+
 * ```
 * Channel numbers are 0x4000–0x4FFF (RFC 8656 §12; 0x5000–0xFFFF are reserved so that the first byte
 * stays within RFC 7983's 64–79 TURN channel range). Length counts the application data only. Over
 * TCP/TLS the message is padded to a multiple of 4 bytes (§12.5); over UDP padding is optional, so a
 * datagram may carry up to 3 bytes after the data, and more than that is refused.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { readUint16 } from "./stun-header.js";

export const CHANNEL_NUMBER_MIN = 0x4000;
export const CHANNEL_NUMBER_MAX = 0x4fff;
export const CHANNEL_DATA_HEADER_LENGTH = 4;
/** The 16-bit Length field bounds the application data. */
export const CHANNEL_DATA_MAX_LENGTH = 0xffff;

export interface ChannelData {
  readonly channelNumber: number;
  /** A view into the decoded bytes (borrowed): `slice()` it to keep it. */
  readonly data: Uint8Array;
}

export type ChannelDataDecodeErrorCode = "too-short" | "bad-channel-number" | "truncated" | "bad-length";

export function isValidChannelNumber(n: number): boolean {
  return Number.isInteger(n) && n >= CHANNEL_NUMBER_MIN && n <= CHANNEL_NUMBER_MAX;
}

/** RFC 7983 §7 demultiplexing: a first byte of 64–79 is TURN ChannelData. */
export function isChannelData(bytes: Uint8Array): boolean {
  const b = bytes[0];
  return b !== undefined && b >= 64 && b <= 79;
}

/**
 * Decodes one ChannelData message from a datagram (or a frame cut by the stream framer). `padded`
 * (stream transports) requires the data padded to a multiple of 4; otherwise up to 3 padding bytes are
 * accepted. Never throws.
 */
export function decodeChannelData(
  bytes: Uint8Array,
  opts: { readonly padded?: boolean } = {},
): Decoded<ChannelData, ChannelDataDecodeErrorCode> {
  if (bytes.length < CHANNEL_DATA_HEADER_LENGTH) return decodeFail("too-short", bytes.length);
  const channelNumber = readUint16(bytes, 0);
  if (!isValidChannelNumber(channelNumber)) return decodeFail("bad-channel-number", 0);
  const length = readUint16(bytes, 2);
  const end = CHANNEL_DATA_HEADER_LENGTH + length;
  if (end > bytes.length) return decodeFail("truncated", bytes.length);
  const trailing = bytes.length - end;
  const expectedPadding = (4 - (length % 4)) % 4;
  if (opts.padded === true ? trailing !== expectedPadding : trailing > 3) return decodeFail("bad-length", 2);
  return decodeOk({ channelNumber, data: bytes.subarray(CHANNEL_DATA_HEADER_LENGTH, end) });
}

/**
 * Encodes a ChannelData message; `padded` adds the zero padding that TCP/TLS needs. Throws RangeError
 * on a channel number outside 0x4000–0x4FFF or data over 65535 bytes (API misuse).
 */
export function encodeChannelData(msg: ChannelData, opts: { readonly padded?: boolean } = {}): Uint8Array {
  if (!isValidChannelNumber(msg.channelNumber)) {
    throw new RangeError(`channel number must be 0x4000-0x4FFF: ${msg.channelNumber}`);
  }
  const length = msg.data.length;
  if (length > CHANNEL_DATA_MAX_LENGTH) throw new RangeError(`ChannelData over 65535 bytes: ${length}`);
  const padding = opts.padded === true ? (4 - (length % 4)) % 4 : 0;
  const out = new Uint8Array(CHANNEL_DATA_HEADER_LENGTH + length + padding);
  out[0] = msg.channelNumber >> 8;
  out[1] = msg.channelNumber & 0xff;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  out.set(msg.data, CHANNEL_DATA_HEADER_LENGTH);
  return out;
}
