import { shortTermKey } from "../crypto/stun-integrity.js";
import { encodeStunMessage, getAttribute } from "../wire/stun-message.js";
import { type DecodedStunMessage, type StunAttribute, StunMethod } from "../wire/stun-message-types.js";
import { candidatePriority } from "./candidate-priority.js";
import type { CandidatePair } from "./check-list.js";
import { localPreferenceOf } from "./derived-candidates.js";
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
 * The checks of one generation, as the peer's credentials make them (RFC 8445 §7.2.2): requests carry its
 * ufrag in USERNAME and are signed with its password; its responses are checked with the same key.
 */
export class CheckCredentials {
  #remote: IceCredentials | undefined;
  #remoteKey: Uint8Array | undefined;

  constructor(private readonly localUfrag: string) {}

  /** The peer's credentials are known: checks can be sent. */
  get ready(): boolean {
    return this.#remote !== undefined;
  }
  /** The short-term key (the peer's password) its responses are authenticated with. */
  get remoteKey(): Uint8Array | undefined {
    return this.#remoteKey;
  }

  setRemote(remote: IceCredentials): void {
    this.#remote = remote;
    this.#remoteKey = shortTermKey(remote.pwd);
  }

  /** A check (or consent check) on `pair`; undefined before the peer's credentials are known. */
  encode(
    transactionId: Uint8Array,
    pair: CandidatePair,
    role: IceRole,
    tieBreaker: bigint,
    useCandidate: boolean,
  ): Uint8Array | undefined {
    const remote = this.#remote;
    const remoteKey = this.#remoteKey;
    if (!remote || !remoteKey) return undefined;
    return encodeCheckRequest({
      transactionId,
      remote,
      remoteKey,
      localUfrag: this.localUfrag,
      localPreference: localPreferenceOf(pair.local.candidate),
      role,
      tieBreaker,
      useCandidate,
    });
  }
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
