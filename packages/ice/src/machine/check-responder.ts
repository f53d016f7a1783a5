import { shortTermKey } from "../crypto/stun-integrity.js";
import {
  encodeStunMessage,
  getAttribute,
  stunErrorResponse,
  stunSuccessResponse,
  unknownComprehensionRequired,
  verifyMessageIntegrity,
} from "../wire/stun-message.js";
import {
  type DecodedStunMessage,
  type StunAttribute,
  type StunMessage,
  StunMethod,
} from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { addrKey } from "./check-list.js";
import { roleConflict } from "./check-request.js";
import type { IceCounter, IceCredentials, IceRole, Transmit } from "./ice-types.js";
import { transactionKey } from "./stun-transaction.js";

/** Transaction IDs remembered against replays from another address (a few seconds of checks). */
const ANSWERED_TRANSACTIONS = 256;

/** What the responder decided about an incoming check. */
export type CheckVerdict =
  /** Authenticated and answered with a success response: the caller learns candidates and triggers checks. */
  | { readonly kind: "answered"; readonly switchRole: boolean }
  /** Dropped (counted) or answered with an error: nothing else to do. */
  | { readonly kind: "rejected" };

/**
 * The server side of connectivity checks (RFC 8445 §7.3) for one set of local credentials. It answers
 * only requests that carry this session's USERNAME and a valid MESSAGE-INTEGRITY (short-term credentials,
 * RFC 8489 §9.1.3): everything else is dropped and counted, with no response at all — an unauthenticated
 * sender learns nothing, and a forged source address gets nothing reflected at it (RFC 7675 §5, RFC 8445
 * §7.3: an agent must not be an amplifier). Once authenticated, in the order of RFC 8489 §6.3: 420 for
 * unknown comprehension-required attributes, 487 for a role conflict it wins (§7.3.1.1), or a success
 * response with XOR-MAPPED-ADDRESS.
 *
 * No response is larger than the request that caused it: SOFTWARE is left out when it would make it so,
 * and a response still too large (an IPv6 address answering a minimal request) is dropped and counted.
 *
 * A captured check replayed from another address is authentic but not the peer's: a retransmission comes
 * from where the first copy came (RFC 8489 §6.2.1), so a transaction ID already answered at one address
 * and seen again from another is dropped and counted. The replay neither gets an answer nor becomes a
 * peer-reflexive candidate (which would open the ICE source filter to its address).
 */
export class CheckResponder {
  private readonly localKey: Uint8Array;
  private readonly out: Transmit[] = [];
  /** Transaction IDs answered lately (hex), with the address they came from; the oldest forgotten first. */
  private readonly answered = new Map<string, string>();

  constructor(
    private readonly local: IceCredentials,
    private readonly count: (c: IceCounter) => void,
    private readonly software: string | undefined,
  ) {
    this.localKey = shortTermKey(local.pwd);
  }

  /** Whether USERNAME names these credentials' ufrag first ("LFRAG:RFRAG"). */
  acceptsUsername(msg: StunMessage): boolean {
    const u = getAttribute(msg, "username")?.value;
    return u !== undefined && u.split(":", 1)[0] === this.local.ufrag;
  }

  /**
   * Authenticates and answers `msg` received on `base` from `from`. With `role` undefined the role check
   * is skipped (a retired generation only keeps consent alive).
   */
  handle(
    base: TransportAddr,
    from: TransportAddr,
    msg: DecodedStunMessage,
    role: IceRole | undefined,
    tieBreaker: bigint,
  ): CheckVerdict {
    if (msg.method !== StunMethod.Binding) {
      this.count("stun-unexpected-class");
      return { kind: "rejected" };
    }
    if (!getAttribute(msg, "username") || !getAttribute(msg, "message-integrity")) {
      this.count("stun-missing-credentials");
      return { kind: "rejected" };
    }
    if (!this.acceptsUsername(msg)) {
      this.count("stun-wrong-username");
      return { kind: "rejected" };
    }
    if (verifyMessageIntegrity(msg, this.localKey) !== "ok") {
      this.count("stun-bad-integrity");
      return { kind: "rejected" };
    }
    if (!this.firstSeenFrom(msg.transactionId, from)) {
      this.count("stun-replayed-transaction");
      return { kind: "rejected" };
    }
    const unknown = unknownComprehensionRequired(msg);
    if (unknown.length > 0) {
      this.count("stun-unknown-comprehension-required");
      const attrs: StunAttribute[] = [{ type: "unknown-attributes", value: unknown }];
      this.respond(base, from, msg.raw.length, [
        stunErrorResponse(msg, 420, "Unknown Attribute", attrs),
        stunErrorResponse(msg, 420, "", attrs),
      ]);
      return { kind: "rejected" };
    }
    this.count("checks-received");
    const conflict = role === undefined ? "none" : roleConflict(role, tieBreaker, msg);
    if (conflict === "487") {
      this.count("stun-role-conflict-sent");
      this.respond(base, from, msg.raw.length, [
        stunErrorResponse(msg, 487, "Role Conflict"),
        stunErrorResponse(msg, 487, ""),
      ]);
      return { kind: "rejected" };
    }
    const attrs: StunAttribute[] = [{ type: "xor-mapped-address", value: from }];
    this.respond(base, from, msg.raw.length, [stunSuccessResponse(msg, attrs)]);
    return { kind: "answered", switchRole: conflict === "switch" };
  }

  pollTransmit(): Transmit | undefined {
    return this.out.shift();
  }

  /** Whether `txid` is new, or was last seen from `from` (a retransmission); remembers it. */
  private firstSeenFrom(txid: Uint8Array, from: TransportAddr): boolean {
    const key = transactionKey(txid);
    const source = addrKey(from);
    const seen = this.answered.get(key);
    if (seen !== undefined) return seen === source;
    if (this.answered.size >= ANSWERED_TRANSACTIONS) {
      const oldest = this.answered.keys().next();
      if (!oldest.done) this.answered.delete(oldest.value);
    }
    this.answered.set(key, source);
    return true;
  }

  clear(): void {
    this.out.length = 0;
  }

  /**
   * Sends the first of `choices` (most informative first: SOFTWARE added, then the reason phrase dropped)
   * that fits in `maxBytes`, the size of the request; with integrity and FINGERPRINT.
   */
  private respond(
    base: TransportAddr,
    to: TransportAddr,
    maxBytes: number,
    choices: readonly StunMessage[],
  ): void {
    const opts = { integrityKey: this.localKey, fingerprint: true };
    const software = this.software;
    const tries = software
      ? [
          ...choices.map((m) => ({
            ...m,
            attributes: [...m.attributes, { type: "software", value: software } as const],
          })),
          ...choices,
        ]
      : choices;
    for (const m of tries) {
      const data = encodeStunMessage(m, opts);
      if (data.length <= maxBytes) {
        this.out.push({ from: base, to, data });
        return;
      }
    }
    this.count("stun-reply-larger-than-request");
  }
}
