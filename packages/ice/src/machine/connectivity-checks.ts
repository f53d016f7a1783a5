import type { Candidate } from "../wire/candidate.js";
import { getAttribute, verifyMessageIntegrity } from "../wire/stun-message.js";
import type { DecodedStunMessage } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { candidatePriority } from "./candidate-priority.js";
import { CandidateSet } from "./candidate-set.js";
import { addrKey, type CandidatePair, type CheckList, type LocalCandidate } from "./check-list.js";
import { CheckCredentials } from "./check-request.js";
import { CheckResponder } from "./check-responder.js";
import { CheckSender } from "./check-sender.js";
import { ConsentFreshness } from "./consent-freshness.js";
import type { ConnectivityChecksDeps } from "./generation-hooks.js";
import type { IceRequestContext } from "./ice-request-context.js";
import type { IceCredentials, Millis, Transmit } from "./ice-types.js";
import { RegularNomination } from "./regular-nomination.js";
import { ServerReflexiveGathering } from "./server-reflexive-gathering.js";
import { StunTransactionTable } from "./stun-transaction.js";

/**
 * One generation of ICE (one set of credentials): the check list with its pacing (RFC 8445 §6.1.4),
 * sending checks (§7.2.4) and handling their responses (§7.2.5), answering the peer's checks (§7.3),
 * regular nomination (§8.1, regular-nomination.ts), server-reflexive gathering (§5.1.1.2,
 * server-reflexive-gathering.ts), and consent freshness on the selected pair (RFC 7675).
 */
export class ConnectivityChecks {
  readonly checkList: CheckList;
  started = false;
  private readonly credentials: CheckCredentials;
  private readonly candidates: CandidateSet;
  private readonly requests = new StunTransactionTable<IceRequestContext>();
  private readonly responder: CheckResponder;
  private readonly srflx: ServerReflexiveGathering;
  private readonly nomination: RegularNomination;
  private readonly sender: CheckSender;
  private nextCheckAt: Millis = 0;
  private remoteEnded = false;
  private startedAt: Millis | undefined;
  private consent: ConsentFreshness | undefined;
  private retired = false;

  constructor(private readonly d: ConnectivityChecksDeps) {
    this.checkList = d.checkList;
    this.credentials = new CheckCredentials(d.localCredentials.ufrag);
    this.candidates = new CandidateSet(d.cfg.maxRemoteCandidates);
    this.responder = new CheckResponder(d.localCredentials, (c) => d.count(c), d.cfg.software);
    this.nomination = new RegularNomination(d.checkList, d.cfg.nominationDelayMs);
    this.srflx = new ServerReflexiveGathering(d, this.requests, this);
    this.sender = new CheckSender(d, d.checkList, this.credentials, this.requests);
  }

  get localCandidates(): readonly Candidate[] {
    return this.candidates.local;
  }
  get remoteCandidates(): readonly Candidate[] {
    return this.candidates.remote;
  }

  // ---- setup ------------------------------------------------------------------------------------------

  addLocalCandidate(c: Candidate, base: LocalCandidate): void {
    if (!this.candidates.addLocal(c, base)) return;
    if (base.candidate === c) for (const r of this.candidates.remote) this.pair(base, r);
    this.d.emitLocalCandidate(c);
  }

  gatherServerReflexive(now: Millis, hosts: readonly LocalCandidate[]): void {
    this.srflx.start(now, hosts);
  }

  gatheringDone(): boolean {
    return this.srflx.done;
  }

  setRemoteCredentials(now: Millis, remote: IceCredentials): void {
    this.credentials.setRemote(remote);
    this.startChecksIfReady(now);
  }

  addRemoteCandidate(now: Millis, c: Candidate): boolean {
    const added = this.candidates.addRemote(c);
    if (added === "limit") {
      this.d.count("remote-candidate-limit");
      return false;
    }
    // A signaled candidate replacing a peer-reflexive one (RFC 8445 §7.3.1.3) is paired as well.
    if (added !== "known") for (const b of this.candidates.bases) this.pair(b, c);
    if (added === "added") this.startChecksIfReady(now);
    return true;
  }

  endOfRemoteCandidates(): void {
    this.remoteEnded = true;
  }

  startChecksIfReady(now: Millis): void {
    if (this.started || this.retired || !this.credentials.ready || this.checkList.pairs.length === 0) return;
    this.started = true;
    this.startedAt = now;
    this.nextCheckAt = now;
    this.pace(now);
  }

  private pair(base: LocalCandidate, remote: Candidate): CandidatePair | undefined {
    const initial = this.checkList.initialState(`${base.candidate.foundation}:${remote.foundation}`);
    const p = this.checkList.add(base, remote, this.d.getRole(), initial);
    if (p === "limit") {
      this.d.count("pair-limit");
      return undefined;
    }
    return p;
  }

  // ---- checks out -------------------------------------------------------------------------------------

  /** RFC 8445 §6.1.4.2: one check every Ta. */
  private pace(now: Millis): void {
    if (!this.started || this.retired || !this.credentials.ready || now < this.nextCheckAt) return;
    const pair = this.checkList.next(this.nomination.nominated !== undefined);
    if (!pair) return;
    this.sendCheck(now, pair);
    this.nextCheckAt = now + this.d.cfg.taMs;
  }

  private checksAtOnce(now: Millis, pair: CandidatePair): boolean {
    if (!this.started || !this.credentials.ready) return false;
    return pair.triggeredAt === undefined || now - pair.triggeredAt >= this.d.cfg.taMs;
  }

  /** RFC 8445 §7.2.4, with USE-CANDIDATE on the pair being nominated (check-sender.ts). */
  private sendCheck(now: Millis, pair: CandidatePair): void {
    this.sender.sendCheck(now, pair, this.nomination.nominating);
  }

  // ---- responses in -----------------------------------------------------------------------------------

  /** Returns false when the transaction is not ours. */
  handleResponse(now: Millis, base: LocalCandidate, from: TransportAddr, msg: DecodedStunMessage): boolean {
    const entry = this.requests.peek(msg.transactionId);
    if (!entry) return false;
    const ctx = entry.context;
    if (!ctx) return false;
    if (ctx.kind !== "srflx") {
      // Authenticated with the remote password (RFC 8445 §7.2.5.1); a forged response changes nothing.
      const key = this.credentials.remoteKey;
      if (!key || verifyMessageIntegrity(msg, key) !== "ok") {
        this.d.count("stun-bad-integrity");
        return true;
      }
    }
    this.requests.handleResponse(now, msg);
    this.d.count("responses-received");
    if (ctx.kind === "srflx") this.srflx.handleResponse(ctx, msg);
    else if (ctx.kind === "consent") this.consent?.handleSuccess(now, msg.class === "success");
    else this.handleCheckResponse(now, ctx, base, from, msg);
    return true;
  }

  private handleCheckResponse(
    now: Millis,
    ctx: Extract<IceRequestContext, { kind: "check" }>,
    base: LocalCandidate,
    from: TransportAddr,
    msg: DecodedStunMessage,
  ): void {
    const pair = ctx.pair;
    pair.inFlight = undefined;
    // Whatever this answer is, a nomination in flight on this pair is settled by it (or retried).
    this.nomination.answered(pair, msg.class === "error", ctx.useCandidate);
    // §7.2.5.2.1: the response must come from where the request went, to where it came from.
    if (addrKey(from) !== addrKey(pair.remote) || base !== pair.local) {
      this.d.count("stun-non-symmetric-response");
      pair.state = "failed";
      return;
    }
    if (msg.class === "error") {
      const code = getAttribute(msg, "error-code")?.code;
      if (code === 487) {
        // §7.2.5.1: role conflict — switch unless we already did, and check again.
        if (ctx.role === this.d.getRole())
          this.d.switchRole(ctx.role === "controlling" ? "controlled" : "controlling");
        pair.state = "waiting";
        this.checkList.trigger(pair);
      } else {
        pair.state = "failed";
        pair.valid = false;
      }
      return;
    }
    const mapped = getAttribute(msg, "xor-mapped-address")?.value;
    if (!mapped) {
      pair.state = "failed";
      return;
    }
    // §7.2.5.3.1: a mapped address we don't know is a peer-reflexive local candidate.
    pair.mappedLocal = this.candidates.localFor(mapped, pair.local);
    pair.state = "succeeded";
    pair.valid = true;
    this.checkList.unfreezeFoundation(pair.foundation);
    this.nomination.validated(now);
    if (ctx.useCandidate || (this.d.getRole() === "controlled" && pair.useCandidateReceived)) {
      this.nominate(now, pair);
    }
    this.maybeNominate(now);
  }

  private nominate(now: Millis, pair: CandidatePair): void {
    if (!this.nomination.accept(pair)) return;
    this.consent = new ConsentFreshness(this.d.cfg, now);
    this.d.onNominated(now, pair);
  }

  // ---- requests in ------------------------------------------------------------------------------------

  acceptsUsername(msg: DecodedStunMessage): boolean {
    return this.responder.acceptsUsername(msg);
  }

  /** RFC 8445 §7.3: answer a check, learn peer-reflexive candidates, trigger checks, accept nomination. */
  handleRequest(now: Millis, base: LocalCandidate, from: TransportAddr, msg: DecodedStunMessage): void {
    // A retired generation (the old one during a restart) keeps answering, for consent, and starts nothing.
    const role = this.retired ? undefined : this.d.getRole();
    const verdict = this.responder.handle(base.base, from, msg, role, this.d.getTieBreaker());
    if (verdict.kind === "rejected") return;
    if (this.retired) {
      this.consent?.handleHeard(now);
      return;
    }
    if (verdict.switchRole) this.d.switchRole(role === "controlling" ? "controlled" : "controlling");

    // §7.3.1.3: a source we don't know is a peer-reflexive remote candidate.
    const priority = getAttribute(msg, "priority")?.value ?? candidatePriority("prflx", 65535);
    const remote = this.candidates.remoteFor(from, priority);
    if (!remote) {
      this.d.count("remote-candidate-limit");
      return;
    }
    const pair = this.checkList.find(base.base, from) ?? this.pair(base, remote);
    if (!pair) return;
    if (pair === this.nomination.nominated) this.consent?.handleHeard(now);
    // §7.3.1.5: the controlling peer nominates this pair.
    const nominated = this.d.getRole() === "controlled" && getAttribute(msg, "use-candidate") !== undefined;
    // §7.3.1.4: triggered check, at the next Ta tick — or at once when the controlling peer nominates a
    // pair our own check has not validated yet: it has validated the pair (the path exists, no new NAT
    // binding to spread out) and waits for nothing but us, while our check is most likely lost (in relay
    // runs, dropped until the peer's TURN permission was installed: the Ta wait was 50 of the 65 ms such a
    // connection took). Once per pair per Ta. A check without USE-CANDIDATE usually crosses our own check
    // in flight, so a check at once would only double it (ice-connect: +0.5 ms CPU per connection).
    if (pair.state !== "succeeded") {
      if (pair.state !== "in-progress") pair.state = "waiting";
      if (nominated && this.checksAtOnce(now, pair)) {
        pair.triggeredAt = now;
        this.checkList.untrigger(pair);
        this.sendCheck(now, pair);
        this.nextCheckAt = now + this.d.cfg.taMs; // it takes the next Ta slot: checks stay one per Ta
      } else this.checkList.trigger(pair);
    }
    if (nominated) {
      pair.useCandidateReceived = true;
      if (pair.valid) this.nominate(now, pair);
    }
    this.startChecksIfReady(now);
    this.pace(now);
  }

  // ---- time -------------------------------------------------------------------------------------------

  handleTimeout(now: Millis): void {
    if (this.retired && !this.consent) return;
    this.requests.handleTimeout(now);
    for (let t = this.requests.pollEvent(); t; t = this.requests.pollEvent()) {
      const ctx = t.context;
      if (!ctx) continue;
      if (ctx.kind === "srflx") this.srflx.handleTimeout();
      else if (ctx.kind === "check") {
        ctx.pair.inFlight = undefined;
        if (ctx.pair.state === "in-progress") ctx.pair.state = "failed";
        this.nomination.timedOut(ctx.pair);
      }
    }
    const nominated = this.nomination.nominated;
    if (this.consent && nominated) {
      if (this.consent.expired(now)) {
        this.consent = undefined;
        this.d.onConsentExpired(now);
        return;
      }
      if (this.consent.due(now)) this.sender.sendConsent(now, nominated, this.consent);
    }
    if (this.retired) return;
    this.maybeNominate(now);
    this.pace(now);
    this.checkFailure(now);
  }

  /** §8.1.1: the controlling agent nominates the best valid pair once no better pair can still succeed. */
  private maybeNominate(now: Millis): void {
    const best = this.nomination.next(now, this.d.getRole());
    // The nominating check re-checks a pair already validated: it opens no new NAT binding, so it is not
    // held back by Ta pacing (which exists to spread new bindings, RFC 8445 §14.2).
    if (best) this.sendCheck(now, best);
  }

  private checkFailure(now: Millis): void {
    if (this.nomination.nominated || !this.started || this.startedAt === undefined) return;
    if (now >= this.startedAt + this.d.cfg.checkingTimeoutMs) {
      this.retire();
      this.d.onAllFailed(now, "checking-timeout");
      return;
    }
    if (
      this.remoteEnded &&
      this.srflx.done &&
      this.checkList.pending() === 0 &&
      !this.checkList.hasTriggered()
    ) {
      if (!this.checkList.bestValid()) {
        this.retire();
        this.d.onAllFailed(now, "all-pairs-failed");
      }
    }
  }

  isDisconnected(now: Millis): boolean {
    return this.consent?.disconnected(now) ?? false;
  }

  /** "completed": nominated, the peer's candidates all in, nothing left to check. */
  isComplete(): boolean {
    return this.nomination.nominated !== undefined && this.remoteEnded && this.checkList.pending() === 0;
  }

  pollTransmit(): Transmit | undefined {
    const r = this.responder.pollTransmit();
    if (r) return r;
    const t = this.requests.pollTransmit();
    return t?.from ? { from: t.from, to: t.to, data: t.data } : undefined;
  }

  pollTimeout(now: Millis): Millis | undefined {
    let t = this.requests.pollTimeout();
    const min = (x: Millis | undefined): void => {
      if (x !== undefined && (t === undefined || x < t)) t = x;
    };
    const nominated = this.nomination.nominated;
    if (this.consent && nominated) min(this.consent.nextDeadline(now));
    if (!this.retired && this.started) {
      if (this.checkList.hasTriggered() || (!nominated && this.checkList.next(false, true)))
        min(this.nextCheckAt);
      if (!nominated && this.startedAt !== undefined) min(this.startedAt + this.d.cfg.checkingTimeoutMs);
      min(this.nomination.deadline(this.d.getRole()));
    }
    return t;
  }

  /** Stops checking; a retired generation with a selected pair keeps consent running until replaced. */
  retire(): void {
    this.retired = true;
    this.requests.cancelWhere((c) => c?.kind !== "consent");
  }

  /** Stops everything, consent included. */
  stop(): void {
    this.retired = true;
    this.consent = undefined;
    this.nomination.nominated = undefined;
    this.requests.cancelWhere(() => true);
    this.responder.clear();
  }
}
