/**
 * MAPPED-ADDRESS (RFC 8489 §14.1), also the layout of ALTERNATE-SERVER (§14.15).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |           Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                 Address (32 bits or 128 bits)                 |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Family 0x01 is IPv4 (4 address bytes), 0x02 is IPv6 (16). The first byte is ignored on receipt.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { decodeIpAddress, encodeIpAddress } from "./ip-address.js";
import { StunEncodeError } from "./stun-encode-error.js";
import type { TransportAddr } from "./transport-address.js";

export const AddressFamily = { IPv4: 0x01, IPv6: 0x02 } as const;

/** The family/port/address triple as it sits on the wire (before or after the XOR of §14.2). */
export interface WireAddress {
  readonly port: number;
  /** 4 or 16 bytes. */
  readonly address: Uint8Array;
}

export function decodeWireAddress(value: Uint8Array): Decoded<WireAddress, "attribute-malformed"> {
  if (value.length < 4) return decodeFail("attribute-malformed", 0);
  const family = value[1];
  const expected = family === AddressFamily.IPv4 ? 8 : family === AddressFamily.IPv6 ? 20 : -1;
  if (value.length !== expected) return decodeFail("attribute-malformed", 1);
  const port = ((value[2] ?? 0) << 8) | (value[3] ?? 0);
  return decodeOk({ port, address: value.subarray(4) });
}

export function encodeWireAddress(addr: WireAddress): Uint8Array {
  const out = new Uint8Array(4 + addr.address.length);
  out[1] = addr.address.length === 4 ? AddressFamily.IPv4 : AddressFamily.IPv6;
  out[2] = addr.port >> 8;
  out[3] = addr.port & 0xff;
  out.set(addr.address, 4);
  return out;
}

/** TransportAddr -> wire bytes of the address; throws StunEncodeError on a non-IP or a bad port. */
export function transportAddrToWire(addr: TransportAddr): WireAddress {
  const address = encodeIpAddress(addr.address);
  if (address === undefined) throw new StunEncodeError("bad-address", `not an IP literal: ${addr.address}`);
  if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 0xffff) {
    throw new StunEncodeError("bad-port", `bad port: ${addr.port}`);
  }
  return { port: addr.port, address };
}

export function wireToTransportAddr(w: WireAddress): TransportAddr {
  // decodeWireAddress guarantees 4 or 16 bytes.
  return { address: decodeIpAddress(w.address) ?? "", port: w.port };
}

export function decodeMappedAddress(value: Uint8Array): Decoded<TransportAddr, "attribute-malformed"> {
  const w = decodeWireAddress(value);
  if (!w.ok) return w;
  return decodeOk(wireToTransportAddr(w.value));
}

export function encodeMappedAddress(addr: TransportAddr): Uint8Array {
  return encodeWireAddress(transportAddrToWire(addr));
}
