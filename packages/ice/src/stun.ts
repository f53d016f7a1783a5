/** The public STUN surface of @tern/ice (RFC 8489), re-exported by the package index. */
export { longTermKey, shortTermKey } from "./crypto/stun-integrity.js";
export {
  StunBindingServer,
  type StunBindingServerConfig,
  type StunBindingServerCounter,
} from "./machine/stun-binding-server.js";
export {
  type StunTransactionConfig,
  StunTransactionError,
  type StunTransactionErrorCode,
  type StunTransactionEvent,
  type StunTransactionInfo,
  type StunTransactionResponse,
  type StunTransactionStartOptions,
  StunTransactionTable,
  type StunTransactionTransmit,
  transactionKey,
} from "./machine/stun-transaction.js";
export {
  type RunningStunServer,
  type StunServerCounters,
  type StunServerOptions,
  startStunServer,
} from "./node/stun-server.js";
export type { Decoded, DecodeError } from "./wire/decoded.js";
export { decodeFail, decodeOk } from "./wire/decoded.js";
export { StunErrorCode, StunErrorReason } from "./wire/error-code.js";
export { FINGERPRINT_XOR } from "./wire/fingerprint.js";
export { decodeIpAddress, encodeIpAddress, ipFamily } from "./wire/ip-address.js";
export { isComprehensionRequired } from "./wire/stun-attribute.js";
export { StunEncodeError, type StunEncodeErrorCode } from "./wire/stun-encode-error.js";
export {
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  isStunMessage,
  MAX_STUN_ATTRIBUTES,
  type StunEncodeOptions,
  stunErrorResponse,
  stunSuccessResponse,
  unknownComprehensionRequired,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from "./wire/stun-message.js";
export type {
  DecodedStunMessage,
  StunAttribute,
  StunAttributeKind,
  StunClass,
  StunDecodeErrorCode,
  StunMessage,
} from "./wire/stun-message-types.js";
export { StunAttrType, StunMethod } from "./wire/stun-message-types.js";
export type { TransportAddr } from "./wire/transport-address.js";
export { MAGIC_COOKIE } from "./wire/xor-mapped-address.js";
