import { type Decoded, decodeFail, decodeOk } from "./decoded.js";

/**
 * RFC 5246 §7.4.5 ServerHelloDone: `struct { } ServerHelloDone;` — an empty body.
 */
export type ServerHelloDone = Record<string, never>;

export function decodeServerHelloDone(body: Uint8Array): Decoded<ServerHelloDone, "trailing-bytes"> {
  return body.length === 0 ? decodeOk({}) : decodeFail("trailing-bytes", 0);
}

export function encodeServerHelloDone(): Uint8Array {
  return new Uint8Array(0);
}
