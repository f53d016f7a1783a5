import type { SctpDecodeErrorCode } from "./chunk-header.js";
import { type Decoded, decodeFail, decodeOk, UsageError } from "./decoded.js";
import { writeRawTlv } from "./init-parameters.js";
import { readU16, readU32, writeU16, writeU32 } from "./network-order.js";
import { PARAMETER_HEADER_LENGTH, writeTlvHeader } from "./parameter-format.js";

/**
 * Error causes carried by ERROR and ABORT chunks, RFC 9260 §3.3.10: the TLV layout of parameters
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Cause Code          |         Cause Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                    Cause-Specific Information                 /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const CauseCode = {
  InvalidStreamIdentifier: 1,
  MissingMandatoryParameter: 2,
  StaleCookieError: 3,
  OutOfResource: 4,
  UnresolvableAddress: 5,
  UnrecognizedChunkType: 6,
  InvalidMandatoryParameter: 7,
  UnrecognizedParameters: 8,
  NoUserData: 9,
  CookieReceivedWhileShuttingDown: 10,
  RestartOfAnAssociationWithNewAddresses: 11,
  UserInitiatedAbort: 12,
  ProtocolViolation: 13,
} as const;

/** §3.3.10.1: Stream Identifier (16 bits), then 16 reserved bits. */
export interface InvalidStreamIdentifierCause {
  readonly type: "invalid-stream-identifier";
  readonly streamId: number;
}
/** §3.3.10.2: Number of missing params (32 bits), then one 16-bit parameter type each. */
export interface MissingMandatoryParameterCause {
  readonly type: "missing-mandatory-parameter";
  readonly missingParameterTypes: readonly number[];
}
/** §3.3.10.3: Measure of Staleness in microseconds (32 bits). */
export interface StaleCookieErrorCause {
  readonly type: "stale-cookie-error";
  readonly measureOfStalenessUs: number;
}
/** §3.3.10.4 */
export interface OutOfResourceCause {
  readonly type: "out-of-resource";
}
/** §3.3.10.5: the address parameter(s), TLV and all. */
export interface UnresolvableAddressCause {
  readonly type: "unresolvable-address";
  readonly unresolvableAddress: Uint8Array;
}
/** §3.3.10.6: the whole unrecognized chunk (type, flags, length, value). */
export interface UnrecognizedChunkTypeCause {
  readonly type: "unrecognized-chunk-type";
  readonly unrecognizedChunk: Uint8Array;
}
/** §3.3.10.7 */
export interface InvalidMandatoryParameterCause {
  readonly type: "invalid-mandatory-parameter";
}
/** §3.3.10.8: the unrecognized parameters, TLVs and all. */
export interface UnrecognizedParametersCause {
  readonly type: "unrecognized-parameters";
  readonly unrecognizedParameters: Uint8Array;
}
/** §3.3.10.9: the TSN of the DATA chunk that had no user data. */
export interface NoUserDataCause {
  readonly type: "no-user-data";
  readonly tsn: number;
}
/** §3.3.10.10 */
export interface CookieReceivedWhileShuttingDownCause {
  readonly type: "cookie-received-while-shutting-down";
}
/** §3.3.10.11: the new address TLVs. */
export interface RestartOfAnAssociationWithNewAddressesCause {
  readonly type: "restart-of-an-association-with-new-addresses";
  readonly newAddressTlvs: Uint8Array;
}
/** §3.3.10.12: the upper layer's reason, opaque octets. */
export interface UserInitiatedAbortCause {
  readonly type: "user-initiated-abort";
  readonly upperLayerAbortReason: Uint8Array;
}
/** §3.3.10.13: free-form additional information. */
export interface ProtocolViolationCause {
  readonly type: "protocol-violation";
  readonly additionalInformation: Uint8Array;
}
/** Any other cause, kept whole: `raw` is the TLV without padding. */
export interface UnknownCause {
  readonly type: "unknown";
  readonly causeCode: number;
  readonly raw: Uint8Array;
}

export type ErrorCause =
  | InvalidStreamIdentifierCause
  | MissingMandatoryParameterCause
  | StaleCookieErrorCause
  | OutOfResourceCause
  | UnresolvableAddressCause
  | UnrecognizedChunkTypeCause
  | InvalidMandatoryParameterCause
  | UnrecognizedParametersCause
  | NoUserDataCause
  | CookieReceivedWhileShuttingDownCause
  | RestartOfAnAssociationWithNewAddressesCause
  | UserInitiatedAbortCause
  | ProtocolViolationCause
  | UnknownCause;

/** One error cause; `at` is its first byte, `length` its declared Cause Length (checked ≥ 4). */
export function decodeErrorCause(
  b: Uint8Array,
  at: number,
  length: number,
  code: number,
): Decoded<ErrorCause, SctpDecodeErrorCode> {
  const v = at + PARAMETER_HEADER_LENGTH;
  const end = at + length;
  switch (code) {
    case CauseCode.InvalidStreamIdentifier:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "invalid-stream-identifier", streamId: readU16(b, v) });
    case CauseCode.MissingMandatoryParameter: {
      if (length < 8) return decodeFail("parameter-length-invalid", at + 2);
      const n = readU32(b, v);
      if (n > (length - 8) / 2) return decodeFail("parameter-length-invalid", v);
      const missingParameterTypes: number[] = [];
      for (let i = 0; i < n; i++) missingParameterTypes.push(readU16(b, v + 4 + 2 * i));
      return decodeOk({ type: "missing-mandatory-parameter", missingParameterTypes });
    }
    case CauseCode.StaleCookieError:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "stale-cookie-error", measureOfStalenessUs: readU32(b, v) });
    case CauseCode.OutOfResource:
      return decodeOk({ type: "out-of-resource" });
    case CauseCode.UnresolvableAddress:
      return decodeOk({ type: "unresolvable-address", unresolvableAddress: b.subarray(v, end) });
    case CauseCode.UnrecognizedChunkType:
      return decodeOk({ type: "unrecognized-chunk-type", unrecognizedChunk: b.subarray(v, end) });
    case CauseCode.InvalidMandatoryParameter:
      return decodeOk({ type: "invalid-mandatory-parameter" });
    case CauseCode.UnrecognizedParameters:
      return decodeOk({ type: "unrecognized-parameters", unrecognizedParameters: b.subarray(v, end) });
    case CauseCode.NoUserData:
      if (length !== 8) return decodeFail("parameter-length-invalid", at + 2);
      return decodeOk({ type: "no-user-data", tsn: readU32(b, v) });
    case CauseCode.CookieReceivedWhileShuttingDown:
      return decodeOk({ type: "cookie-received-while-shutting-down" });
    case CauseCode.RestartOfAnAssociationWithNewAddresses:
      return decodeOk({
        type: "restart-of-an-association-with-new-addresses",
        newAddressTlvs: b.subarray(v, end),
      });
    case CauseCode.UserInitiatedAbort:
      return decodeOk({ type: "user-initiated-abort", upperLayerAbortReason: b.subarray(v, end) });
    case CauseCode.ProtocolViolation:
      return decodeOk({ type: "protocol-violation", additionalInformation: b.subarray(v, end) });
    default:
      return decodeOk({ type: "unknown", causeCode: code, raw: b.subarray(at, end) });
  }
}

/** The Cause Length: header and information, no padding. */
export function errorCauseLength(c: ErrorCause): number {
  switch (c.type) {
    case "invalid-stream-identifier":
    case "stale-cookie-error":
    case "no-user-data":
      return 8;
    case "missing-mandatory-parameter":
      return 8 + 2 * c.missingParameterTypes.length;
    case "out-of-resource":
    case "invalid-mandatory-parameter":
    case "cookie-received-while-shutting-down":
      return PARAMETER_HEADER_LENGTH;
    case "unresolvable-address":
      return PARAMETER_HEADER_LENGTH + c.unresolvableAddress.length;
    case "unrecognized-chunk-type":
      return PARAMETER_HEADER_LENGTH + c.unrecognizedChunk.length;
    case "unrecognized-parameters":
      return PARAMETER_HEADER_LENGTH + c.unrecognizedParameters.length;
    case "restart-of-an-association-with-new-addresses":
      return PARAMETER_HEADER_LENGTH + c.newAddressTlvs.length;
    case "user-initiated-abort":
      return PARAMETER_HEADER_LENGTH + c.upperLayerAbortReason.length;
    case "protocol-violation":
      return PARAMETER_HEADER_LENGTH + c.additionalInformation.length;
    case "unknown":
      return c.raw.length;
  }
}

export function encodeErrorCauseInto(out: Uint8Array, at: number, c: ErrorCause): void {
  const length = errorCauseLength(c);
  if (length > 0xffff) throw new UsageError(`${c.type} cause longer than 65535 octets`);
  const v = at + PARAMETER_HEADER_LENGTH;
  switch (c.type) {
    case "invalid-stream-identifier":
      writeTlvHeader(out, at, CauseCode.InvalidStreamIdentifier, length);
      writeU16(out, v, c.streamId);
      writeU16(out, v + 2, 0);
      return;
    case "missing-mandatory-parameter":
      writeTlvHeader(out, at, CauseCode.MissingMandatoryParameter, length);
      writeU32(out, v, c.missingParameterTypes.length);
      for (let i = 0; i < c.missingParameterTypes.length; i++) {
        writeU16(out, v + 4 + 2 * i, c.missingParameterTypes[i] as number);
      }
      return;
    case "stale-cookie-error":
      writeTlvHeader(out, at, CauseCode.StaleCookieError, length);
      writeU32(out, v, c.measureOfStalenessUs);
      return;
    case "out-of-resource":
      writeTlvHeader(out, at, CauseCode.OutOfResource, length);
      return;
    case "unresolvable-address":
      writeTlvHeader(out, at, CauseCode.UnresolvableAddress, length);
      out.set(c.unresolvableAddress, v);
      return;
    case "unrecognized-chunk-type":
      writeTlvHeader(out, at, CauseCode.UnrecognizedChunkType, length);
      out.set(c.unrecognizedChunk, v);
      return;
    case "invalid-mandatory-parameter":
      writeTlvHeader(out, at, CauseCode.InvalidMandatoryParameter, length);
      return;
    case "unrecognized-parameters":
      writeTlvHeader(out, at, CauseCode.UnrecognizedParameters, length);
      out.set(c.unrecognizedParameters, v);
      return;
    case "no-user-data":
      writeTlvHeader(out, at, CauseCode.NoUserData, length);
      writeU32(out, v, c.tsn);
      return;
    case "cookie-received-while-shutting-down":
      writeTlvHeader(out, at, CauseCode.CookieReceivedWhileShuttingDown, length);
      return;
    case "restart-of-an-association-with-new-addresses":
      writeTlvHeader(out, at, CauseCode.RestartOfAnAssociationWithNewAddresses, length);
      out.set(c.newAddressTlvs, v);
      return;
    case "user-initiated-abort":
      writeTlvHeader(out, at, CauseCode.UserInitiatedAbort, length);
      out.set(c.upperLayerAbortReason, v);
      return;
    case "protocol-violation":
      writeTlvHeader(out, at, CauseCode.ProtocolViolation, length);
      out.set(c.additionalInformation, v);
      return;
    case "unknown":
      writeRawTlv(out, at, c.causeCode, c.raw);
      return;
  }
}
