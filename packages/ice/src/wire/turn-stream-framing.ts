/**
 * Framing of TURN over a byte stream (TCP, TLS): RFC 8656 §12.5 and RFC 6062 §4.
 *
 * ```
 * | STUN message (20 + Length) | ChannelData (4 + Length + pad to 4) | STUN message | ...
 *   first two bits 00            first two bits 01 (0x4000-0x4FFF)
 * ```
 * STUN messages and ChannelData messages follow each other back to back on the stream. The first two
 * bits of each frame tell which it is; the 16-bit Length at bytes 2–3 gives its size: a STUN message is
 * 20 + Length bytes (Length is already a multiple of 4), a ChannelData message 4 + Length rounded up to
 * a multiple of 4 (the padding is mandatory on streams). Anything else means the stream lost sync,
 * which cannot be recovered: the connection has to be closed.
 */
import { CHANNEL_DATA_HEADER_LENGTH, isValidChannelNumber } from "./channel-data.js";
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { paddedLength, readUint16, STUN_HEADER_LENGTH } from "./stun-header.js";

/** Bytes needed before a frame's length is known. */
export const TURN_FRAME_HEADER_LENGTH = 4;
/** The largest frame either kind can announce: a STUN message with Length 0xFFFF (0xFFFC usable). */
export const TURN_FRAME_MAX_LENGTH = STUN_HEADER_LENGTH + 0xffff;

export type TurnFrameErrorCode = "not-turn" | "bad-channel-number" | "bad-stun-length";

/**
 * The size of the frame that starts at `bytes[0]`: undefined when fewer than 4 bytes are there yet.
 * Never throws.
 */
export function turnFrameLength(bytes: Uint8Array): Decoded<number | undefined, TurnFrameErrorCode> {
  if (bytes.length < TURN_FRAME_HEADER_LENGTH) return decodeOk(undefined);
  const first = readUint16(bytes, 0);
  const length = readUint16(bytes, 2);
  switch (first >> 14) {
    case 0b00:
      if (length % 4 !== 0) return decodeFail("bad-stun-length", 2);
      return decodeOk(STUN_HEADER_LENGTH + length);
    case 0b01:
      if (!isValidChannelNumber(first)) return decodeFail("bad-channel-number", 0);
      return decodeOk(CHANNEL_DATA_HEADER_LENGTH + paddedLength(length));
    default:
      return decodeFail("not-turn", 0);
  }
}
