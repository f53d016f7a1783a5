import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * RFC 8446 §4.6.3 KeyUpdate:
 *
 * ```
 * enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 * struct { KeyUpdateRequest request_update; } KeyUpdate;
 * ```
 */
export interface KeyUpdate {
  readonly updateRequested: boolean;
}

export function decodeKeyUpdate(body: Uint8Array): Decoded<KeyUpdate, "bad-key-update"> {
  if (body.length !== 1 || (body[0] !== 0 && body[0] !== 1)) return decodeFail("bad-key-update", 0);
  return decodeOk({ updateRequested: body[0] === 1 });
}

export function encodeKeyUpdate(m: KeyUpdate): Uint8Array {
  return Uint8Array.of(m.updateRequested ? 1 : 0);
}
