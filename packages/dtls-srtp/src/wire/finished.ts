import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * RFC 5246 §7.4.9 Finished:
 *
 * ```
 * struct {
 *     opaque verify_data[verify_data_length];
 * } Finished;
 * ```
 *
 * verify_data_length is 12 for every cipher suite Tern speaks.
 */
export interface Finished {
  readonly verifyData: Uint8Array;
}

export const VERIFY_DATA_LENGTH = 12;

export function decodeFinished(body: Uint8Array): Decoded<Finished, "bad-length"> {
  return body.length === VERIFY_DATA_LENGTH
    ? decodeOk({ verifyData: body.slice() })
    : decodeFail("bad-length", 0);
}

export function encodeFinished(m: Finished): Uint8Array {
  return m.verifyData;
}
