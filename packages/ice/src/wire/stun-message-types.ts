import type { TransportAddr } from "./transport-address.js";

/** RFC 8489 §5: the two class bits of the message type. */
export type StunClass = "request" | "indication" | "success" | "error";

/** IANA "STUN Methods" registry (RFC 8489 §18.2, RFC 8656 §17). */
export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;

/** IANA "STUN Attributes" registry: the codes this package understands (RFC 8489 §18.3, RFC 8445 §16.1, RFC 8656 §18). */
export const StunAttrType = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  EvenPort: 0x0018,
  RequestedTransport: 0x0019,
  DontFragment: 0x001a,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  ReservationToken: 0x0022,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  PasswordAlgorithms: 0x8002,
  AlternateDomain: 0x8003,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
} as const;

/**
 * One STUN attribute. Known attributes are decoded into typed values; anything else is kept raw so it
 * can be re-encoded unchanged (RFC 8489 §14: codes 0x0000–0x7FFF are comprehension-required).
 */
export type StunAttribute =
  | { readonly type: "mapped-address"; readonly value: TransportAddr }
  | { readonly type: "xor-mapped-address"; readonly value: TransportAddr }
  | { readonly type: "xor-peer-address"; readonly value: TransportAddr }
  | { readonly type: "xor-relayed-address"; readonly value: TransportAddr }
  | { readonly type: "alternate-server"; readonly value: TransportAddr }
  | { readonly type: "username"; readonly value: string }
  | { readonly type: "realm"; readonly value: string }
  | { readonly type: "nonce"; readonly value: string }
  | { readonly type: "software"; readonly value: string }
  | { readonly type: "alternate-domain"; readonly value: string }
  /** 20-byte HMAC-SHA1; on encode, the value is ignored and computed from the key. */
  | { readonly type: "message-integrity"; readonly value: Uint8Array }
  /** 32-byte HMAC-SHA256 (may be truncated to ≥16 bytes on the wire); computed on encode. */
  | { readonly type: "message-integrity-sha256"; readonly value: Uint8Array }
  /** CRC-32 xor 0x5354554e; computed on encode. */
  | { readonly type: "fingerprint"; readonly value: number }
  /** RFC 8489 §14.8: class*100 + number, and a UTF-8 reason phrase. */
  | { readonly type: "error-code"; readonly code: number; readonly reason: string }
  | { readonly type: "unknown-attributes"; readonly value: readonly number[] }
  | { readonly type: "priority"; readonly value: number }
  | { readonly type: "use-candidate" }
  | { readonly type: "ice-controlled"; readonly value: bigint }
  | { readonly type: "ice-controlling"; readonly value: bigint }
  | { readonly type: "lifetime"; readonly value: number }
  | { readonly type: "channel-number"; readonly value: number }
  | { readonly type: "data"; readonly value: Uint8Array }
  /** RFC 8656 §18.7: protocol number (17 = UDP). */
  | { readonly type: "requested-transport"; readonly value: number }
  /** RFC 8656 §18.1: 0x01 IPv4, 0x02 IPv6. */
  | { readonly type: "requested-address-family"; readonly value: number }
  | { readonly type: "dont-fragment" }
  | { readonly type: "even-port"; readonly reserve: boolean }
  | { readonly type: "reservation-token"; readonly value: Uint8Array }
  | { readonly type: "unknown"; readonly code: number; readonly raw: Uint8Array };

export type StunAttributeKind = StunAttribute["type"];

/** A STUN message (RFC 8489 §5). */
export interface StunMessage {
  /** 12-bit method, e.g. StunMethod.Binding. */
  readonly method: number;
  readonly class: StunClass;
  /** 96-bit transaction id (12 bytes). */
  readonly transactionId: Uint8Array;
  /** In wire order. */
  readonly attributes: readonly StunAttribute[];
}

/** A message decoded from the wire: also keeps the bytes it came from, to verify integrity over them. */
export interface DecodedStunMessage extends StunMessage {
  readonly raw: Uint8Array;
}

export type StunDecodeErrorCode =
  | "too-short"
  | "not-stun"
  | "bad-cookie"
  | "bad-length"
  | "attribute-truncated"
  | "attribute-malformed"
  | "fingerprint-mismatch"
  | "too-many-attributes";
