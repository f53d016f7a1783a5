import type { Candidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { pairPriority } from "./candidate-priority.js";
import type { CandidatePairState, IceRole, Millis } from "./ice-types.js";

/** A local candidate we can send from: a host candidate (its own base) or a relayed one. */
export interface LocalCandidate {
  readonly candidate: Candidate;
  readonly base: TransportAddr;
}

/** RFC 8445 §6.1.2: a pair of a local base and a remote candidate, with its check state. */
export interface CandidatePair {
  readonly id: number;
  readonly local: LocalCandidate;
  remote: Candidate;
  priority: bigint;
  state: CandidatePairState;
  /** RFC 8445 §6.1.2.6: the pair foundation, local and remote candidate foundations joined. */
  readonly foundation: string;
  /** In the valid list (§7.2.5.3.2): a check on it succeeded. */
  valid: boolean;
  /** §8.1.1: a check with USE-CANDIDATE on it succeeded (controlling), or was received on a valid pair (controlled). */
  nominated: boolean;
  /** Controlled: the peer's check on this pair carried USE-CANDIDATE (§7.3.1.5). */
  useCandidateReceived: boolean;
  /** The local candidate the mapped address of the success response matched (host, srflx or prflx). */
  mappedLocal: Candidate | undefined;
  /** The transaction id of the check in flight on this pair, if any. */
  inFlight: Uint8Array | undefined;
  lastCheckSentAt: Millis | undefined;
  /** When a check the peer sent on this pair last made us check it at once (§7.3.1.4). */
  triggeredAt: Millis | undefined;
}

export function addrKey(a: TransportAddr): string {
  return a.address.includes(":") ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function family(address: string): 4 | 6 {
  return address.includes(":") ? 6 : 4;
}

/**
 * RFC 8445 §6.1.2: the check list of one data stream (one component: WebRTC muxes RTP and RTCP, and
 * BUNDLE puts every m-line on one transport). Pairs are formed from local bases only, which is what pruning
 * (§6.1.2.4) leaves once server-reflexive candidates are replaced by their bases.
 */
export class CheckList {
  readonly pairs: CandidatePair[] = [];
  private readonly byKey = new Map<string, CandidatePair>();
  private readonly triggered: CandidatePair[] = [];
  private nextId = 1;

  constructor(private readonly maxPairs: number) {}

  key(base: TransportAddr, remote: TransportAddr): string {
    return `${addrKey(base)}|${addrKey(remote)}`;
  }

  find(base: TransportAddr, remote: TransportAddr): CandidatePair | undefined {
    return this.byKey.get(this.key(base, remote));
  }

  /**
   * Forms the pair (local, remote) if the families match and it is not redundant (§6.1.2.4: same base and
   * remote, the higher priority kept). Returns the pair, or "limit" when the list is full.
   */
  add(
    local: LocalCandidate,
    remote: Candidate,
    role: IceRole,
    initial: CandidatePairState,
  ): CandidatePair | "limit" | undefined {
    if (family(local.base.address) !== family(remote.address)) return undefined;
    if (local.candidate.component !== remote.component) return undefined;
    const k = this.key(local.base, remote);
    const prio = pairPriority(role, local.candidate.priority, remote.priority);
    const existing = this.byKey.get(k);
    if (existing) {
      if (prio > existing.priority) {
        existing.priority = prio;
        existing.remote = remote;
      }
      return existing;
    }
    if (this.pairs.length >= this.maxPairs) return "limit";
    const pair: CandidatePair = {
      id: this.nextId++,
      local,
      remote,
      priority: prio,
      state: initial,
      foundation: `${local.candidate.foundation}:${remote.foundation}`,
      valid: false,
      nominated: false,
      useCandidateReceived: false,
      mappedLocal: undefined,
      inFlight: undefined,
      lastCheckSentAt: undefined,
      triggeredAt: undefined,
    };
    this.pairs.push(pair);
    this.byKey.set(k, pair);
    return pair;
  }

  /** §6.1.2.6 / §6.1.4.2: a pair is Waiting unless a pair with the same foundation is already active. */
  initialState(foundation: string): CandidatePairState {
    for (const p of this.pairs) {
      if (p.foundation === foundation && (p.state === "waiting" || p.state === "in-progress"))
        return "frozen";
    }
    return "waiting";
  }

  /** §6.1.2.3: recompute after a role change. */
  recomputePriorities(role: IceRole): void {
    for (const p of this.pairs)
      p.priority = pairPriority(role, p.local.candidate.priority, p.remote.priority);
  }

  /** §7.3.1.4: queue a triggered check (at most once in the queue). */
  trigger(pair: CandidatePair): void {
    if (!this.triggered.includes(pair)) this.triggered.push(pair);
  }

  /** The pair's triggered check went out without the queue. */
  untrigger(pair: CandidatePair): void {
    const i = this.triggered.indexOf(pair);
    if (i >= 0) this.triggered.splice(i, 1);
  }

  /**
   * §6.1.4.2: the pair to check at the next Ta tick: the triggered-check queue first, then the
   * highest-priority Waiting pair, then (unfreezing it) the highest-priority Frozen pair. Once a pair is
   * nominated (§8.1.2) only triggered checks go out. `peek` leaves the queue as it is.
   */
  next(afterNomination: boolean, peek = false): CandidatePair | undefined {
    const t = this.triggered[0];
    if (t) {
      if (!peek) this.triggered.shift();
      return t;
    }
    if (afterNomination) return undefined;
    let best: CandidatePair | undefined;
    for (const p of this.pairs) if (p.state === "waiting" && (!best || p.priority > best.priority)) best = p;
    if (best) return best;
    for (const p of this.pairs) if (p.state === "frozen" && (!best || p.priority > best.priority)) best = p;
    return best;
  }

  hasTriggered(): boolean {
    return this.triggered.length > 0;
  }

  /** §7.2.5.3.3: a success unfreezes the Frozen pairs with the same foundation. */
  unfreezeFoundation(foundation: string): void {
    for (const p of this.pairs) if (p.foundation === foundation && p.state === "frozen") p.state = "waiting";
  }

  /** Pairs that could still succeed. */
  pending(): number {
    let n = 0;
    for (const p of this.pairs)
      if (p.state === "frozen" || p.state === "waiting" || p.state === "in-progress") n++;
    return n;
  }

  count(state: CandidatePairState): number {
    let n = 0;
    for (const p of this.pairs) if (p.state === state) n++;
    return n;
  }

  bestValid(): CandidatePair | undefined {
    let best: CandidatePair | undefined;
    for (const p of this.pairs) if (p.valid && (!best || p.priority > best.priority)) best = p;
    return best;
  }

  clear(): void {
    this.pairs.length = 0;
    this.byKey.clear();
    this.triggered.length = 0;
  }
}
