/**
 * The ICE attributes of RFC 8445 §7.1.1 / §16.1:
 *
 * ```
 * PRIORITY (0x0024)         32-bit unsigned priority of the would-be peer-reflexive candidate
 * USE-CANDIDATE (0x0025)    no value (length 0)
 * ICE-CONTROLLED (0x8029)   64-bit unsigned tie-breaker
 * ICE-CONTROLLING (0x802A)  64-bit unsigned tie-breaker
 * ```
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { StunEncodeError } from "./stun-encode-error.js";

export function decodeUint32(value: Uint8Array): Decoded<number, "attribute-malformed"> {
  if (value.length !== 4) return decodeFail("attribute-malformed", 0);
  return decodeOk(readUint32(value, 0));
}

export function encodeUint32(n: number, what: string): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new StunEncodeError("bad-value", `${what} must be a 32-bit unsigned integer: ${n}`);
  }
  const out = new Uint8Array(4);
  writeUint32(out, 0, n);
  return out;
}

export function decodeUint64(value: Uint8Array): Decoded<bigint, "attribute-malformed"> {
  if (value.length !== 8) return decodeFail("attribute-malformed", 0);
  return decodeOk((BigInt(readUint32(value, 0)) << 32n) | BigInt(readUint32(value, 4)));
}

export function encodeUint64(n: bigint, what: string): Uint8Array {
  if (n < 0n || n > 0xffffffffffffffffn) {
    throw new StunEncodeError("bad-value", `${what} must be a 64-bit unsigned integer: ${n}`);
  }
  const out = new Uint8Array(8);
  writeUint32(out, 0, Number(n >> 32n));
  writeUint32(out, 4, Number(n & 0xffffffffn));
  return out;
}

/** Attributes whose presence is the whole value (USE-CANDIDATE, DONT-FRAGMENT). */
export function decodeEmpty(value: Uint8Array): Decoded<null, "attribute-malformed"> {
  return value.length === 0 ? decodeOk(null) : decodeFail("attribute-malformed", 0);
}

export function readUint32(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

export function writeUint32(b: Uint8Array, at: number, n: number): void {
  b[at] = n >>> 24;
  b[at + 1] = (n >>> 16) & 0xff;
  b[at + 2] = (n >>> 8) & 0xff;
  b[at + 3] = n & 0xff;
}
