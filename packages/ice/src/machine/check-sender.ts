import type { CandidatePair, CheckList } from "./check-list.js";
import type { CheckCredentials } from "./check-request.js";
import type { ConsentFreshness } from "./consent-freshness.js";
import type { ConnectivityChecksDeps } from "./generation-hooks.js";
import type { IceRequestContext } from "./ice-request-context.js";
import type { Millis } from "./ice-types.js";
import type { StunTransactionTable } from "./stun-transaction.js";

/**
 * The Binding requests one generation sends, each as a STUN transaction: connectivity checks (RFC 8445
 * §7.2.4), retransmitted with an RTO that grows with the pairs still active, and consent checks (RFC 7675
 * §5.1), one per interval. Both are signed with the peer's password (`CheckCredentials`).
 */
export class CheckSender {
  constructor(
    private readonly d: ConnectivityChecksDeps,
    private readonly checkList: CheckList,
    private readonly credentials: CheckCredentials,
    private readonly requests: StunTransactionTable<IceRequestContext>,
  ) {}

  /** RFC 8445 §7.2.4: a Binding request with USERNAME, PRIORITY, the role attribute, and MESSAGE-INTEGRITY. */
  sendCheck(now: Millis, pair: CandidatePair, nominating: CandidatePair | undefined): void {
    if (!this.credentials.ready) return;
    const role = this.d.getRole();
    const useCandidate = role === "controlling" && nominating === pair;
    const id = this.d.cfg.random(12);
    const bytes = this.credentials.encode(id, pair, role, this.d.getTieBreaker(), useCandidate);
    if (!bytes) return;
    if (pair.inFlight) this.requests.cancel(pair.inFlight);
    const active = this.checkList.count("waiting") + this.checkList.count("in-progress");
    const rtoMs = this.d.cfg.checkRtoMs ?? Math.max(500, this.d.cfg.taMs * active);
    this.requests.start(now, id, pair.remote, bytes, {
      from: pair.local.base,
      context: { kind: "check", pair, useCandidate, role },
      rtoMs,
      rc: this.d.cfg.checkRc,
      rm: 16,
    });
    pair.inFlight = id;
    pair.lastCheckSentAt = now;
    if (pair.state !== "succeeded") pair.state = "in-progress";
    this.d.count("checks-sent");
  }

  /** RFC 7675 §5.1: a consent check is a Binding request on the selected pair, authenticated as a check. */
  sendConsent(now: Millis, pair: CandidatePair, consent: ConsentFreshness): void {
    if (!this.credentials.ready) return;
    const id = this.d.cfg.random(12);
    const bytes = this.credentials.encode(id, pair, this.d.getRole(), this.d.getTieBreaker(), false);
    if (!bytes) return;
    // One request per interval, no retransmission: the next interval is the retry (RFC 7675 §5.1).
    this.requests.start(now, id, pair.remote, bytes, {
      from: pair.local.base,
      context: { kind: "consent", pair },
      rtoMs: consent.intervalMs(),
      rc: 1,
      rm: 1,
    });
    consent.sent(now, this.d.cfg.random(2));
    this.d.count("consent-sent");
  }
}
