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
import { roleConflict } from "./check-request.js";
import type { IceCounter, IceCredentials, IceRole, Transmit } from "./ice-types.js";

/** What the responder decided about an incoming check. */
export type CheckVerdict =
  /** Authenticated and answered with a success response: the caller learns candidates and triggers checks. */
  | { readonly kind: "answered"; readonly switchRole: boolean }
  /** Dropped (counted) or answered with an error: nothing else to do. */
  | { readonly kind: "rejected" };

/**
 * The server side of connectivity checks (RFC 8445 §7.3) for one set of local credentials: it
 * authenticates a Binding request (short-term credentials, RFC 8489 §9.1.3), answers 420 for unknown
 * comprehension-required attributes, 487 for a role conflict it wins (§7.3.1.1), or a success response with
 * XOR-MAPPED-ADDRESS. A check whose MESSAGE-INTEGRITY fails gets no response at all: an unauthenticated
 * sender learns nothing.
 */
export class CheckResponder {
  private readonly localKey: Uint8Array;
  private readonly out: Transmit[] = [];

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
    const unknown = unknownComprehensionRequired(msg);
    if (unknown.length > 0) {
      this.count("stun-unknown-comprehension-required");
      const res = stunErrorResponse(msg, 420, "Unknown Attribute", [
        { type: "unknown-attributes", value: unknown },
      ]);
      this.respond(base, from, res, undefined);
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
    this.count("checks-received");
    const conflict = role === undefined ? "none" : roleConflict(role, tieBreaker, msg);
    if (conflict === "487") {
      this.count("stun-role-conflict-sent");
      this.respond(base, from, stunErrorResponse(msg, 487, "Role Conflict"), this.localKey);
      return { kind: "rejected" };
    }
    const attrs: StunAttribute[] = [{ type: "xor-mapped-address", value: from }];
    if (this.software) attrs.push({ type: "software", value: this.software });
    this.respond(base, from, stunSuccessResponse(msg, attrs), this.localKey);
    return { kind: "answered", switchRole: conflict === "switch" };
  }

  pollTransmit(): Transmit | undefined {
    return this.out.shift();
  }

  clear(): void {
    this.out.length = 0;
  }

  private respond(
    base: TransportAddr,
    to: TransportAddr,
    msg: StunMessage,
    key: Uint8Array | undefined,
  ): void {
    const data = encodeStunMessage(
      msg,
      key ? { integrityKey: key, fingerprint: true } : { fingerprint: true },
    );
    this.out.push({ from: base, to, data });
  }
}
