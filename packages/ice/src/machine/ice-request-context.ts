import type { TransportAddr } from "../wire/transport-address.js";
import type { CandidatePair, LocalCandidate } from "./check-list.js";
import type { IceRole } from "./ice-types.js";

/** What rides with each STUN transaction of a generation (comes back with its response or timeout). */
export type IceRequestContext =
  /** A connectivity check (RFC 8445 §7.2.4), with what it was sent with. */
  | {
      readonly kind: "check";
      readonly pair: CandidatePair;
      readonly useCandidate: boolean;
      readonly role: IceRole;
    }
  /** A consent freshness check on the selected pair (RFC 7675 §5.1). */
  | { readonly kind: "consent"; readonly pair: CandidatePair }
  /** A Binding request to a STUN server for a server-reflexive candidate (RFC 8445 §5.1.1.2). */
  | SrflxRequestContext;

export interface SrflxRequestContext {
  readonly kind: "srflx";
  readonly base: LocalCandidate;
  readonly server: TransportAddr;
}
