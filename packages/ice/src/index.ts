/**
 * @tern/ice — STUN (RFC 8489) and a full ICE agent (RFC 8445) with trickle (RFC 8838/8839), consent
 * freshness (RFC 7675) and mDNS host candidates, as a sans-IO core (`IceAgent`) and a node:dgram adapter
 * (`IceTransport`).
 */

export { candidatePriority, pairPriority, TYPE_PREFERENCE } from "./machine/candidate-priority.js";
export type { CandidatePair, LocalCandidate } from "./machine/check-list.js";
export { IceAgent } from "./machine/ice-agent.js";
export type { IceAgentConfig } from "./machine/ice-agent-config.js";
export { generateIceCredentials, validIceCredentials } from "./machine/ice-credentials.js";
export { IceError, type IceErrorCode, UsageError } from "./machine/ice-error.js";
export type {
  CandidatePairState,
  IceConnectionState,
  IceCounter,
  IceCounters,
  IceCredentials,
  IceEvent,
  IceGatheringState,
  IceRole,
  Millis,
  SelectedPair,
  Transmit,
} from "./machine/ice-types.js";
export { DeadlineTimer } from "./node/deadline-timer.js";
export { type HostAddress, type HostAddressOptions, listHostAddresses } from "./node/host-interfaces.js";
export {
  type IceServer,
  IceTransport,
  type IceTransportEvents,
  type IceTransportOptions,
} from "./node/ice-transport.js";
export { createMdnsResolver, type MdnsResolver, type MdnsResolverOptions } from "./node/mdns-resolver.js";
export { secureRandom, secureRandomU32 } from "./node/secure-random.js";
export { silentLogger } from "./node/silent-logger.js";
export * from "./stun.js";
export * from "./turn.js";
export {
  type Candidate,
  type CandidateExtension,
  type CandidateParseErrorCode,
  type CandidateType,
  formatCandidate,
  parseCandidate,
} from "./wire/candidate.js";
