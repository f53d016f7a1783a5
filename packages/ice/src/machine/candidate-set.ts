import type { Candidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { LocalCandidate } from "./check-list.js";
import { peerReflexiveLocal, peerReflexiveRemote } from "./derived-candidates.js";

/**
 * One generation's candidates (RFC 8445 §5.1, §5.3): ours with their bases, and the peer's, signaled or
 * learned. Peer-reflexive candidates are learned both ways: a mapped address of a check response that
 * is none of ours is a local one (§7.2.5.3.1), the source of a check that is none of the peer's a remote
 * one (§7.3.1.3); a signaled candidate takes the place of a peer-reflexive one at its address. The remote
 * list is bounded (`maxRemote`): what it refuses, the caller counts.
 */
export class CandidateSet {
  readonly local: Candidate[] = [];
  readonly remote: Candidate[] = [];
  /** The bases our candidates are sent from (host sockets, relayed allocations). */
  readonly bases: LocalCandidate[] = [];
  private prflxCount = 0;

  constructor(private readonly maxRemote: number) {}

  /** One of ours (a base's own candidate, or one derived from it); false when already known. */
  addLocal(c: Candidate, base: LocalCandidate): boolean {
    if (this.local.some((x) => x.address === c.address && x.port === c.port && x.type === c.type))
      return false;
    this.local.push(c);
    if (base.candidate === c) this.bases.push(base);
    return true;
  }

  /**
   * A signaled remote candidate: "added"; "replaced" when it took a peer-reflexive candidate's place at
   * its address; "known" when one is there already; "limit" when the list is full.
   */
  addRemote(c: Candidate): "added" | "replaced" | "known" | "limit" {
    const existing = this.remoteAt(c);
    if (existing) {
      if (existing.type !== "prflx" || c.type === "prflx") return "known";
      this.remote[this.remote.indexOf(existing)] = c;
      return "replaced";
    }
    if (this.remote.length >= this.maxRemote) return "limit";
    this.remote.push(c);
    return "added";
  }

  /** §7.2.5.3.1: our candidate at the mapped address of a check on `base`, learned if new. */
  localFor(mapped: TransportAddr, base: LocalCandidate): Candidate {
    let local = this.local.find((c) => c.address === mapped.address && c.port === mapped.port);
    if (!local) {
      local = peerReflexiveLocal(base, mapped, `p${++this.prflxCount}`);
      this.local.push(local);
    }
    return local;
  }

  /** §7.3.1.3: the peer's candidate at the source of its check, learned if new (undefined at the limit). */
  remoteFor(from: TransportAddr, priority: number): Candidate | undefined {
    let remote = this.remoteAt(from);
    if (!remote) {
      if (this.remote.length >= this.maxRemote) return undefined;
      remote = peerReflexiveRemote(from, priority, `r${++this.prflxCount}`);
      this.remote.push(remote);
    }
    return remote;
  }

  private remoteAt(a: TransportAddr): Candidate | undefined {
    return this.remote.find((c) => c.address === a.address && c.port === a.port);
  }
}
