import type { Candidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { candidatePriority } from "./candidate-priority.js";
import type { LocalCandidate } from "./check-list.js";

/** The local preference a candidate was given (bits 8..23 of its priority, RFC 8445 §5.1.2.1). */
export function localPreferenceOf(c: Candidate): number {
  return (c.priority >>> 8) & 0xffff;
}

/** RFC 8445 §5.1.1.2: a server-reflexive candidate, the mapped address a STUN server saw for `base`. */
export function serverReflexiveCandidate(
  base: LocalCandidate,
  mapped: TransportAddr,
  foundation: string,
): Candidate {
  return {
    foundation,
    component: base.candidate.component,
    transport: "udp",
    priority: candidatePriority("srflx", localPreferenceOf(base.candidate)),
    address: mapped.address,
    port: mapped.port,
    type: "srflx",
    relatedAddress: base.base.address,
    relatedPort: base.base.port,
    extensions: [],
  };
}

/** RFC 8445 §7.2.5.3.1: the mapped address of a check's response that matches no local candidate. */
export function peerReflexiveLocal(
  base: LocalCandidate,
  mapped: TransportAddr,
  foundation: string,
): Candidate {
  return {
    ...serverReflexiveCandidate(base, mapped, foundation),
    type: "prflx",
    priority: candidatePriority("prflx", localPreferenceOf(base.candidate)),
  };
}

/** RFC 8445 §7.3.1.3: the source of a check that matches no remote candidate, with the PRIORITY it carried. */
export function peerReflexiveRemote(from: TransportAddr, priority: number, foundation: string): Candidate {
  return {
    foundation,
    component: 1,
    transport: "udp",
    priority,
    address: from.address,
    port: from.port,
    type: "prflx",
    extensions: [],
  };
}
