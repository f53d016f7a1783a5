import { encodeStunMessage, getAttribute } from "../wire/stun-message.js";
import { type DecodedStunMessage, type StunAttribute, StunMethod } from "../wire/stun-message-types.js";
import { candidatePriority } from "./candidate-priority.js";
import type { IceCredentials, IceRole } from "./ice-types.js";

export interface CheckRequestParams {
  readonly transactionId: Uint8Array;
  readonly remote: IceCredentials;
  readonly remoteKey: Uint8Array;
  readonly localUfrag: string;
  /** The local preference of the base the check leaves from (bits 8..23 of its priority). */
  readonly localPreference: number;
  readonly role: IceRole;
  readonly tieBreaker: bigint;
  readonly useCandidate: boolean;
}

/**
 * RFC 8445 §7.2.4 (and RFC 7675 §5.1, whose consent checks are the same request): a Binding request with
 * USERNAME "RFRAG:LFRAG", PRIORITY of a peer-reflexive candidate from this base, ICE-CONTROLLING or
 * ICE-CONTROLLED with our tie-breaker, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY with the remote
 * password, and FINGERPRINT.
 */
export function encodeCheckRequest(p: CheckRequestParams): Uint8Array {
  const attributes: StunAttribute[] = [
    { type: "username", value: `${p.remote.ufrag}:${p.localUfrag}` },
    { type: "priority", value: candidatePriority("prflx", p.localPreference) },
    p.role === "controlling"
      ? { type: "ice-controlling", value: p.tieBreaker }
      : { type: "ice-controlled", value: p.tieBreaker },
  ];
  if (p.useCandidate) attributes.push({ type: "use-candidate" });
  return encodeStunMessage(
    { method: StunMethod.Binding, class: "request", transactionId: p.transactionId, attributes },
    { integrityKey: p.remoteKey, fingerprint: true },
  );
}

/**
 * RFC 8445 §7.3.1.1, what an agent does with a check carrying the same role attribute as its own role:
 * "switch" roles, answer "487" (Role Conflict), or "none" when there is no conflict.
 */
export function roleConflict(
  role: IceRole,
  tieBreaker: bigint,
  msg: DecodedStunMessage,
): "none" | "switch" | "487" {
  if (role === "controlling") {
    const theirs = getAttribute(msg, "ice-controlling")?.value;
    if (theirs === undefined) return "none";
    return tieBreaker >= theirs ? "487" : "switch";
  }
  const theirs = getAttribute(msg, "ice-controlled")?.value;
  if (theirs === undefined) return "none";
  return tieBreaker >= theirs ? "switch" : "487";
}
