/**
 * ERROR-CODE (RFC 8489 §14.8).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved, should be 0         |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable)                                ..
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Class is the hundreds digit (3..6), Number the rest (0..99). The reason phrase is UTF-8, fewer than
 * 128 characters: at most 509 bytes when encoding, 763 when decoding. Reserved bits are ignored on receipt.
 */
import { type Decoded, decodeFail, decodeOk } from "./decoded.js";
import { StunEncodeError } from "./stun-encode-error.js";
import { decodeUtf8 } from "./text-attribute.js";

/** IANA "STUN Error Codes" registry (RFC 8489 §18.4, RFC 8656 §19, RFC 8445 §16.2, RFC 6062, RFC 8016). */
export const StunErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  MobilityForbidden: 405,
  UnknownAttribute: 420,
  AllocationMismatch: 437,
  StaleNonce: 438,
  AddressFamilyNotSupported: 440,
  WrongCredentials: 441,
  UnsupportedTransportProtocol: 442,
  PeerAddressFamilyMismatch: 443,
  ConnectionAlreadyExists: 446,
  ConnectionTimeoutOrFailure: 447,
  AllocationQuotaReached: 486,
  RoleConflict: 487,
  ServerError: 500,
  InsufficientCapacity: 508,
} as const;

/** The registry's reason phrases, for building responses. */
export const StunErrorReason: Readonly<Record<number, string>> = {
  300: "Try Alternate",
  400: "Bad Request",
  401: "Unauthenticated",
  403: "Forbidden",
  405: "Mobility Forbidden",
  420: "Unknown Attribute",
  437: "Allocation Mismatch",
  438: "Stale Nonce",
  440: "Address Family not Supported",
  441: "Wrong Credentials",
  442: "Unsupported Transport Protocol",
  443: "Peer Address Family Mismatch",
  446: "Connection Already Exists",
  447: "Connection Timeout or Failure",
  486: "Allocation Quota Reached",
  487: "Role Conflict",
  500: "Server Error",
  508: "Insufficient Capacity",
};

const REASON_MAX_ENCODE = 509;
const REASON_MAX_DECODE = 763;
const utf8 = new TextEncoder();

export interface ErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

export function decodeErrorCode(value: Uint8Array): Decoded<ErrorCodeValue, "attribute-malformed"> {
  if (value.length < 4 || value.length - 4 > REASON_MAX_DECODE) return decodeFail("attribute-malformed", 0);
  const cls = (value[2] ?? 0) & 0x07;
  const num = value[3] ?? 0;
  if (cls < 3 || cls > 6 || num > 99) return decodeFail("attribute-malformed", 2);
  const reason = decodeUtf8(value.subarray(4));
  if (reason === undefined) return decodeFail("attribute-malformed", 4);
  return decodeOk({ code: cls * 100 + num, reason });
}

export function encodeErrorCode(v: ErrorCodeValue): Uint8Array {
  if (!Number.isInteger(v.code) || v.code < 300 || v.code > 699) {
    throw new StunEncodeError("bad-value", `ERROR-CODE must be 300..699: ${v.code}`);
  }
  const reason = utf8.encode(v.reason);
  if (reason.length > REASON_MAX_ENCODE) {
    throw new StunEncodeError(
      "value-too-long",
      `reason phrase is ${reason.length} bytes (max ${REASON_MAX_ENCODE})`,
    );
  }
  const out = new Uint8Array(4 + reason.length);
  out[2] = Math.floor(v.code / 100);
  out[3] = v.code % 100;
  out.set(reason, 4);
  return out;
}
