import type { CandidateType } from "../wire/candidate.js";
import type { IceRole } from "./ice-types.js";

/** RFC 8445 §5.1.2.2: recommended type preferences. */
export const TYPE_PREFERENCE: Readonly<Record<CandidateType, number>> = {
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
};

/**
 * RFC 8445 §5.1.2.1:
 *   priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)
 */
export function candidatePriority(type: CandidateType, localPreference: number, component = 1): number {
  return TYPE_PREFERENCE[type] * 0x1000000 + (localPreference & 0xffff) * 0x100 + (256 - component);
}

/**
 * RFC 8445 §6.1.2.3: pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0), where G is the controlling
 * agent's candidate priority and D the controlled agent's. A real 64-bit value, hence bigint.
 */
export function pairPriority(role: IceRole, localPriority: number, remotePriority: number): bigint {
  const g = BigInt(role === "controlling" ? localPriority : remotePriority);
  const d = BigInt(role === "controlling" ? remotePriority : localPriority);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}
