import { type SctpDecodeErrorCode, type UnrecognizedAction, unrecognizedAction } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";
import { PARAMETER_HEADER_LENGTH, writeTlvHeader } from "./parameter-format.js";

/**
 * Parameter Type registry (IANA "Chunk Parameter Types"): RFC 9260 §3.3.2.1 and §3.3.3.1, RFC 3758
 * (Forward-TSN-Supported), RFC 5061 (Supported Extensions, ASCONF), RFC 4895 (AUTH), RFC 4820 (Padding),
 * RFC 6525 (RE-CONFIG parameters, see `reconfig-parameters.ts`), RFC 9653 (Zero Checksum Acceptable).
 */
export const ParameterType = {
  HeartbeatInfo: 1,
  Ipv4Address: 5,
  Ipv6Address: 6,
  StateCookie: 7,
  UnrecognizedParameter: 8,
  CookiePreservative: 9,
  HostNameAddress: 11,
  SupportedAddressTypes: 12,
  OutgoingSsnResetRequest: 13,
  IncomingSsnResetRequest: 14,
  SsnTsnResetRequest: 15,
  ReconfigurationResponse: 16,
  AddOutgoingStreamsRequest: 17,
  AddIncomingStreamsRequest: 18,
  EcnCapable: 0x8000,
  ZeroChecksumAcceptable: 0x8001,
  Random: 0x8002,
  ChunkList: 0x8003,
  RequestedHmacAlgorithm: 0x8004,
  Padding: 0x8005,
  SupportedExtensions: 0x8008,
  ForwardTsnSupported: 0xc000,
  AddIpAddress: 0xc001,
  DeleteIpAddress: 0xc002,
  ErrorCauseIndication: 0xc003,
  SetPrimaryAddress: 0xc004,
  SuccessIndication: 0xc005,
  AdaptationLayerIndication: 0xc006,
} as const;

/** RFC 9653 §3: Error Detection Method Identifiers. 1 is "SCTP over DTLS" (RFC 8261). */
export const ErrorDetectionMethod = { SctpOverDtls: 1 } as const;

/** IPv4 Address, RFC 9260 §3.3.2.1 (type 5, length 8). Over DTLS, a peer should not send one (RFC 8261 §4.5). */
export interface Ipv4AddressParameter {
  readonly type: "ipv4-address";
  /** 4 octets */
  readonly address: Uint8Array;
}

/** IPv6 Address, RFC 9260 §3.3.2.1 (type 6, length 20). */
export interface Ipv6AddressParameter {
  readonly type: "ipv6-address";
  /** 16 octets */
  readonly address: Uint8Array;
}

/** State Cookie, RFC 9260 §3.3.3.1 (type 7): mandatory in INIT ACK, opaque to its receiver. */
export interface StateCookieParameter {
  readonly type: "state-cookie";
  readonly cookie: Uint8Array;
}

/**
 * Unrecognized Parameter, RFC 9260 §3.3.3.1 (type 8): in an INIT ACK, reports parameters of the INIT whose
 * type's upper bits said "report". The value is the unrecognized parameter(s), TLV and all.
 */
export interface UnrecognizedParameterParameter {
  readonly type: "unrecognized-parameter";
  readonly unrecognizedParameter: Uint8Array;
}

/** Cookie Preservative, RFC 9260 §3.3.2.1 (type 9, length 8). */
export interface CookiePreservativeParameter {
  readonly type: "cookie-preservative";
  readonly suggestedCookieLifeSpanIncrementMs: number;
}

/** Host Name Address, RFC 9260 §3.3.2.1 (type 11, deprecated): the name's octets, NUL-terminated. */
export interface HostNameAddressParameter {
  readonly type: "host-name-address";
  readonly hostName: Uint8Array;
}

/** Supported Address Types, RFC 9260 §3.3.2.1 (type 12): a list of 16-bit address parameter types. */
export interface SupportedAddressTypesParameter {
  readonly type: "supported-address-types";
  readonly addressTypes: readonly number[];
}

/**
 * Supported Extensions, RFC 5061 §4.2.7 (type 0x8008): the chunk types, one octet each, the sender
 * supports beyond RFC 9260 (RE-CONFIG 130, FORWARD-TSN 192, I-DATA 64, I-FORWARD-TSN 194, …).
 */
export interface SupportedExtensionsParameter {
  readonly type: "supported-extensions";
  readonly chunkTypes: readonly number[];
}

/** Forward-TSN-Supported, RFC 3758 §3.1 (type 0xC000, length 4). */
export interface ForwardTsnSupportedParameter {
  readonly type: "forward-tsn-supported";
}

/**
 * Zero Checksum Acceptable, RFC 9653 §3 (type 0x8001, length 8):
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 0x8001 (suggested)   |          Length = 8           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Error Detection Method Identifier (EDMID)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The sender accepts packets with a zero checksum when the named alternate method protects them
 * (`ErrorDetectionMethod.SctpOverDtls` for WebRTC).
 */
export interface ZeroChecksumAcceptableParameter {
  readonly type: "zero-checksum-acceptable";
  readonly errorDetectionMethod: number;
}

/**
 * Any other parameter, kept whole so that it can be reported (Unrecognized Parameter) or re-encoded:
 * `raw` is the TLV from its type to the end of its value (no padding). `action` comes from the type's
 * upper two bits (RFC 9260 §3.2.1); encoding ignores it.
 */
export interface UnknownParameter {
  readonly type: "unknown";
  readonly parameterType: number;
  readonly raw: Uint8Array;
  readonly action: UnrecognizedAction;
}

/** The parameters an INIT or INIT ACK carries (RFC 9260 §3.3.2, §3.3.3). */
export type InitParameter =
  | Ipv4AddressParameter
  | Ipv6AddressParameter
  | StateCookieParameter
  | UnrecognizedParameterParameter
  | CookiePreservativeParameter
  | HostNameAddressParameter
  | SupportedAddressTypesParameter
  | SupportedExtensionsParameter
  | ForwardTsnSupportedParameter
  | ZeroChecksumAcceptableParameter
  | UnknownParameter;

/** The unknown-parameter value for the TLV at `b[at, at + length)`. */
export function unknownParameter(b: Uint8Array, at: number, length: number, type: number): UnknownParameter {
  return {
    type: "unknown",
    parameterType: type,
    raw: b.subarray(at, at + length),
    action: unrecognizedAction(type, 16),
  };
}

/** One INIT / INIT ACK parameter; `at` is its first byte, `length` its declared length (checked ≥ 4). */
export function decodeInitParameter(
  b: Uint8Array,
  at: number,
  length: number,
  type: number,
): Decoded<InitParameter, SctpDecodeErrorCode> {
  const v = at + PARAMETER_HEADER_LENGTH;
  const end = at + length;
  switch (type) {
    case ParameterType.Ipv4Address:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "ipv4-address", address: b.subarray(v, end) });
    case ParameterType.Ipv6Address:
      if (length !== 20) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "ipv6-address", address: b.subarray(v, end) });
    case ParameterType.StateCookie:
      return decodeOk({ type: "state-cookie", cookie: b.subarray(v, end) });
    case ParameterType.UnrecognizedParameter:
      return decodeOk({ type: "unrecognized-parameter", unrecognizedParameter: b.subarray(v, end) });
    case ParameterType.CookiePreservative:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "cookie-preservative", suggestedCookieLifeSpanIncrementMs: readU32(b, v) });
    case ParameterType.HostNameAddress:
      return decodeOk({ type: "host-name-address", hostName: b.subarray(v, end) });
    case ParameterType.SupportedAddressTypes: {
      if ((length - PARAMETER_HEADER_LENGTH) % 2 !== 0) return decodeFail("parameter-length-invalid", at + 2);
      const addressTypes: number[] = [];
      for (let i = v; i < end; i += 2) addressTypes.push(readU16(b, i));
      return decodeOk({ type: "supported-address-types", addressTypes });
    }
    case ParameterType.SupportedExtensions:
      return decodeOk({ type: "supported-extensions", chunkTypes: Array.from(b.subarray(v, end)) });
    case ParameterType.ForwardTsnSupported:
      if (length !== 4) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "forward-tsn-supported" });
    case ParameterType.ZeroChecksumAcceptable:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "zero-checksum-acceptable", errorDetectionMethod: readU32(b, v) });
    default:
      return decodeOk(unknownParameter(b, at, length, type));
  }
}

/** The parameter's length field: header and value, no padding. */
export function initParameterLength(p: InitParameter): number {
  switch (p.type) {
    case "ipv4-address":
    case "ipv6-address":
      return PARAMETER_HEADER_LENGTH + p.address.length;
    case "state-cookie":
      return PARAMETER_HEADER_LENGTH + p.cookie.length;
    case "unrecognized-parameter":
      return PARAMETER_HEADER_LENGTH + p.unrecognizedParameter.length;
    case "cookie-preservative":
    case "zero-checksum-acceptable":
      return 8;
    case "host-name-address":
      return PARAMETER_HEADER_LENGTH + p.hostName.length;
    case "supported-address-types":
      return PARAMETER_HEADER_LENGTH + 2 * p.addressTypes.length;
    case "supported-extensions":
      return PARAMETER_HEADER_LENGTH + p.chunkTypes.length;
    case "forward-tsn-supported":
      return 4;
    case "unknown":
      return p.raw.length;
  }
}

export function encodeInitParameterInto(out: Uint8Array, at: number, p: InitParameter): void {
  const length = initParameterLength(p);
  if (length > 0xffff) throw new UsageError(`${p.type} parameter longer than 65535 octets`);
  const v = at + PARAMETER_HEADER_LENGTH;
  switch (p.type) {
    case "ipv4-address":
      if (p.address.length !== 4) throw new UsageError("an IPv4 address is 4 octets");
      writeTlvHeader(out, at, ParameterType.Ipv4Address, length);
      out.set(p.address, v);
      return;
    case "ipv6-address":
      if (p.address.length !== 16) throw new UsageError("an IPv6 address is 16 octets");
      writeTlvHeader(out, at, ParameterType.Ipv6Address, length);
      out.set(p.address, v);
      return;
    case "state-cookie":
      writeTlvHeader(out, at, ParameterType.StateCookie, length);
      out.set(p.cookie, v);
      return;
    case "unrecognized-parameter":
      writeTlvHeader(out, at, ParameterType.UnrecognizedParameter, length);
      out.set(p.unrecognizedParameter, v);
      return;
    case "cookie-preservative":
      writeTlvHeader(out, at, ParameterType.CookiePreservative, length);
      writeU32(out, v, p.suggestedCookieLifeSpanIncrementMs);
      return;
    case "host-name-address":
      writeTlvHeader(out, at, ParameterType.HostNameAddress, length);
      out.set(p.hostName, v);
      return;
    case "supported-address-types":
      writeTlvHeader(out, at, ParameterType.SupportedAddressTypes, length);
      for (let i = 0; i < p.addressTypes.length; i++) writeU16(out, v + 2 * i, p.addressTypes[i] as number);
      return;
    case "supported-extensions":
      writeTlvHeader(out, at, ParameterType.SupportedExtensions, length);
      for (let i = 0; i < p.chunkTypes.length; i++) out[v + i] = p.chunkTypes[i] as number;
      return;
    case "forward-tsn-supported":
      writeTlvHeader(out, at, ParameterType.ForwardTsnSupported, length);
      return;
    case "zero-checksum-acceptable":
      writeTlvHeader(out, at, ParameterType.ZeroChecksumAcceptable, length);
      writeU32(out, v, p.errorDetectionMethod);
      return;
    case "unknown":
      writeRawTlv(out, at, p.parameterType, p.raw);
      return;
  }
}

/** Copies a kept-raw TLV after checking that its header agrees with its type and size. */
export function writeRawTlv(out: Uint8Array, at: number, type: number, raw: Uint8Array): void {
  if (raw.length < PARAMETER_HEADER_LENGTH || readU16(raw, 0) !== type || readU16(raw, 2) !== raw.length) {
    throw new UsageError(`raw TLV of type ${type}: its header does not match its type and length`);
  }
  out.set(raw, at);
}
