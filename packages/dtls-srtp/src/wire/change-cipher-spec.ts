import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * RFC 5246 §7.1 ChangeCipherSpec (its own content type, 20; not a handshake message, no message_seq):
 *
 * ```
 * struct {
 *     enum { change_cipher_spec(1), (255) } type;
 * } ChangeCipherSpec;
 * ```
 */
export interface ChangeCipherSpec {
  readonly type: 1;
}

export function decodeChangeCipherSpec(
  payload: Uint8Array,
): Decoded<ChangeCipherSpec, "bad-change-cipher-spec"> {
  return payload.length === 1 && payload[0] === 1
    ? decodeOk({ type: 1 })
    : decodeFail("bad-change-cipher-spec", 0);
}

export function encodeChangeCipherSpec(): Uint8Array {
  return Uint8Array.of(1);
}
