/**
 * STUN attribute dispatch (RFC 8489 §14): attribute type code <-> typed `StunAttribute`.
 *
 * ```
 * 0x0000-0x7FFF  comprehension-required: an agent that does not understand one fails the transaction
 *                (a server answers 420 with UNKNOWN-ATTRIBUTES)
 * 0x8000-0xFFFF  comprehension-optional: ignored when not understood
 * ```
 * Codes without a typed variant here (including PASSWORD-ALGORITHM(S), USERHASH) decode to
 * `{ type: "unknown", code, raw }` and re-encode byte for byte.
 */
import { type Decoded, decodeOk } from "./decoded.js";
import { decodeErrorCode, encodeErrorCode } from "./error-code.js";
import { decodeEmpty, decodeUint32, decodeUint64, encodeUint32, encodeUint64 } from "./ice-attributes.js";
import { decodeMappedAddress, encodeMappedAddress } from "./mapped-address.js";
import { decodeMessageIntegrity, decodeMessageIntegritySha256 } from "./message-integrity.js";
import { type StunAttribute, StunAttrType } from "./stun-message-types.js";
import { decodeTextAttribute, encodeTextAttribute } from "./text-attribute.js";
import {
  decodeChannelNumber,
  decodeEvenPort,
  decodeLeadingByte,
  decodeReservationToken,
  encodeChannelNumber,
  encodeEvenPort,
  encodeLeadingByte,
  encodeReservationToken,
} from "./turn-attributes.js";
import { decodeUnknownAttributes, encodeUnknownAttributes } from "./unknown-attributes.js";
import { decodeXorMappedAddress, encodeXorMappedAddress } from "./xor-mapped-address.js";

type AttrDecoded = Decoded<StunAttribute, "attribute-malformed">;

function map<T>(d: Decoded<T, "attribute-malformed">, f: (v: T) => StunAttribute): AttrDecoded {
  return d.ok ? decodeOk(f(d.value)) : d;
}

/** RFC 8489 §14: codes below 0x8000 must be understood. */
export function isComprehensionRequired(code: number): boolean {
  return code < 0x8000;
}

/**
 * Decodes one attribute value. `value` is a view the caller owns for as long as the result lives;
 * `at` in a failure is relative to the value.
 */
export function decodeStunAttribute(code: number, value: Uint8Array, transactionId: Uint8Array): AttrDecoded {
  const T = StunAttrType;
  switch (code) {
    case T.MappedAddress:
      return map(decodeMappedAddress(value), (v) => ({ type: "mapped-address", value: v }));
    case T.AlternateServer:
      return map(decodeMappedAddress(value), (v) => ({ type: "alternate-server", value: v }));
    case T.XorMappedAddress:
      return map(decodeXorMappedAddress(value, transactionId), (v) => ({
        type: "xor-mapped-address",
        value: v,
      }));
    case T.XorPeerAddress:
      return map(decodeXorMappedAddress(value, transactionId), (v) => ({
        type: "xor-peer-address",
        value: v,
      }));
    case T.XorRelayedAddress:
      return map(decodeXorMappedAddress(value, transactionId), (v) => ({
        type: "xor-relayed-address",
        value: v,
      }));
    case T.Username:
      return map(decodeTextAttribute("username", value), (v) => ({ type: "username", value: v }));
    case T.Realm:
      return map(decodeTextAttribute("realm", value), (v) => ({ type: "realm", value: v }));
    case T.Nonce:
      return map(decodeTextAttribute("nonce", value), (v) => ({ type: "nonce", value: v }));
    case T.Software:
      return map(decodeTextAttribute("software", value), (v) => ({ type: "software", value: v }));
    case T.AlternateDomain:
      return map(decodeTextAttribute("alternate-domain", value), (v) => ({
        type: "alternate-domain",
        value: v,
      }));
    case T.MessageIntegrity:
      return map(decodeMessageIntegrity(value), (v) => ({ type: "message-integrity", value: v }));
    case T.MessageIntegritySha256:
      return map(decodeMessageIntegritySha256(value), (v) => ({
        type: "message-integrity-sha256",
        value: v,
      }));
    case T.ErrorCode:
      return map(decodeErrorCode(value), (v) => ({ type: "error-code", code: v.code, reason: v.reason }));
    case T.UnknownAttributes:
      return map(decodeUnknownAttributes(value), (v) => ({ type: "unknown-attributes", value: v }));
    case T.Priority:
      return map(decodeUint32(value), (v) => ({ type: "priority", value: v }));
    case T.UseCandidate:
      return map(decodeEmpty(value), () => ({ type: "use-candidate" }));
    case T.IceControlled:
      return map(decodeUint64(value), (v) => ({ type: "ice-controlled", value: v }));
    case T.IceControlling:
      return map(decodeUint64(value), (v) => ({ type: "ice-controlling", value: v }));
    case T.Lifetime:
      return map(decodeUint32(value), (v) => ({ type: "lifetime", value: v }));
    case T.ChannelNumber:
      return map(decodeChannelNumber(value), (v) => ({ type: "channel-number", value: v }));
    case T.Data:
      return decodeOk({ type: "data", value });
    case T.RequestedTransport:
      return map(decodeLeadingByte(value), (v) => ({ type: "requested-transport", value: v }));
    case T.RequestedAddressFamily:
      return map(decodeLeadingByte(value), (v) => ({ type: "requested-address-family", value: v }));
    case T.DontFragment:
      return map(decodeEmpty(value), () => ({ type: "dont-fragment" }));
    case T.EvenPort:
      return map(decodeEvenPort(value), (v) => ({ type: "even-port", reserve: v }));
    case T.ReservationToken:
      return map(decodeReservationToken(value), (v) => ({ type: "reservation-token", value: v }));
    // FINGERPRINT is checked by the message decoder, which needs the bytes before it.
    default:
      return decodeOk({ type: "unknown", code, raw: value });
  }
}

/** The attribute type code for a typed attribute. */
export function stunAttributeCode(attr: StunAttribute): number {
  const T = StunAttrType;
  switch (attr.type) {
    case "mapped-address":
      return T.MappedAddress;
    case "xor-mapped-address":
      return T.XorMappedAddress;
    case "xor-peer-address":
      return T.XorPeerAddress;
    case "xor-relayed-address":
      return T.XorRelayedAddress;
    case "alternate-server":
      return T.AlternateServer;
    case "username":
      return T.Username;
    case "realm":
      return T.Realm;
    case "nonce":
      return T.Nonce;
    case "software":
      return T.Software;
    case "alternate-domain":
      return T.AlternateDomain;
    case "message-integrity":
      return T.MessageIntegrity;
    case "message-integrity-sha256":
      return T.MessageIntegritySha256;
    case "fingerprint":
      return T.Fingerprint;
    case "error-code":
      return T.ErrorCode;
    case "unknown-attributes":
      return T.UnknownAttributes;
    case "priority":
      return T.Priority;
    case "use-candidate":
      return T.UseCandidate;
    case "ice-controlled":
      return T.IceControlled;
    case "ice-controlling":
      return T.IceControlling;
    case "lifetime":
      return T.Lifetime;
    case "channel-number":
      return T.ChannelNumber;
    case "data":
      return T.Data;
    case "requested-transport":
      return T.RequestedTransport;
    case "requested-address-family":
      return T.RequestedAddressFamily;
    case "dont-fragment":
      return T.DontFragment;
    case "even-port":
      return T.EvenPort;
    case "reservation-token":
      return T.ReservationToken;
    case "unknown":
      return attr.code;
  }
}

/**
 * Encodes the value of an attribute that is not computed over the message (everything but
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, which the message encoder writes).
 * Throws StunEncodeError on values the RFCs do not allow.
 */
export function encodeStunAttributeValue(attr: StunAttribute, transactionId: Uint8Array): Uint8Array {
  switch (attr.type) {
    case "mapped-address":
    case "alternate-server":
      return encodeMappedAddress(attr.value);
    case "xor-mapped-address":
    case "xor-peer-address":
    case "xor-relayed-address":
      return encodeXorMappedAddress(attr.value, transactionId);
    case "username":
    case "realm":
    case "nonce":
    case "software":
    case "alternate-domain":
      return encodeTextAttribute(attr.type, attr.value);
    case "message-integrity":
    case "message-integrity-sha256":
      return attr.value;
    case "fingerprint":
      return encodeUint32(attr.value, "FINGERPRINT");
    case "error-code":
      return encodeErrorCode(attr);
    case "unknown-attributes":
      return encodeUnknownAttributes(attr.value);
    case "priority":
      return encodeUint32(attr.value, "PRIORITY");
    case "use-candidate":
    case "dont-fragment":
      return new Uint8Array(0);
    case "ice-controlled":
    case "ice-controlling":
      return encodeUint64(attr.value, attr.type);
    case "lifetime":
      return encodeUint32(attr.value, "LIFETIME");
    case "channel-number":
      return encodeChannelNumber(attr.value);
    case "data":
      return attr.value;
    case "requested-transport":
      return encodeLeadingByte(attr.value, "REQUESTED-TRANSPORT");
    case "requested-address-family":
      return encodeLeadingByte(attr.value, "REQUESTED-ADDRESS-FAMILY");
    case "even-port":
      return encodeEvenPort(attr.reserve);
    case "reservation-token":
      return encodeReservationToken(attr.value);
    case "unknown":
      return attr.raw;
  }
}
