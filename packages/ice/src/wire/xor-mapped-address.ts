/**
 * XOR-MAPPED-ADDRESS (RFC 8489 §14.2), also the layout of XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS
 * (RFC 8656 §18.3, §18.5).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                X-Address (Variable)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * X-Port is the port xor the 16 most significant bits of the magic cookie. For IPv4, X-Address is the
 * address xor the magic cookie; for IPv6, xor the concatenation of the magic cookie and the 96-bit
 * transaction ID.
 */
import { type Decoded, decodeOk } from "./decoded.js";
import {
  decodeWireAddress,
  encodeWireAddress,
  transportAddrToWire,
  type WireAddress,
  wireToTransportAddr,
} from "./mapped-address.js";
import type { TransportAddr } from "./transport-address.js";

/** RFC 8489 §5: 0x2112A442. */
export const MAGIC_COOKIE = 0x2112a442;
const COOKIE_BYTES = Uint8Array.of(0x21, 0x12, 0xa4, 0x42);

function xorWire(w: WireAddress, transactionId: Uint8Array): WireAddress {
  const address = new Uint8Array(w.address.length);
  for (let i = 0; i < address.length; i++) {
    const mask = i < 4 ? (COOKIE_BYTES[i] ?? 0) : (transactionId[i - 4] ?? 0);
    address[i] = (w.address[i] ?? 0) ^ mask;
  }
  return { port: w.port ^ (MAGIC_COOKIE >>> 16), address };
}

export function decodeXorMappedAddress(
  value: Uint8Array,
  transactionId: Uint8Array,
): Decoded<TransportAddr, "attribute-malformed"> {
  const w = decodeWireAddress(value);
  if (!w.ok) return w;
  return decodeOk(wireToTransportAddr(xorWire(w.value, transactionId)));
}

export function encodeXorMappedAddress(addr: TransportAddr, transactionId: Uint8Array): Uint8Array {
  return encodeWireAddress(xorWire(transportAddrToWire(addr), transactionId));
}
