/**
 * A TURN client's requests to its server (RFC 8656 §7–§12 over RFC 8489): each is a STUN transaction,
 * retransmitted over UDP (RFC 8489 §6.2.1) or sent once over TCP/TLS with its 39.5 s timeout (§6.2.2);
 * after the server's first 401 each carries the long-term credentials (§9.2), and a response to an
 * authenticated request is taken only with a valid MESSAGE-INTEGRITY. A 401 challenge or a 438 stale nonce
 * is answered by sending the request again, a bounded number of times.
 */
import { encodeStunMessage } from "../wire/stun-message.js";
import type { DecodedStunMessage } from "../wire/stun-message-types.js";
import type { Millis } from "./stun-transaction.js";
import { StunTransactionTable } from "./stun-transaction.js";
import type { ResolvedTurnAllocationConfig, TurnTransmit } from "./turn-allocation-config.js";
import { TurnLongTermCredentials } from "./turn-auth.js";
import type { TurnCounters } from "./turn-error.js";
import {
  stunErrorCodeOf,
  type TurnRequest,
  type TurnRequestContext,
  turnRequestAttributes,
  turnRequestMethod,
} from "./turn-requests.js";

/** RFC 8489 §6.2.2: a transaction over a reliable transport times out after 39.5 s. */
const RELIABLE_TIMEOUT_MS = 39_500;
/** The deallocating Refresh is not worth the full 39.5 s: UDP sends at 0, RTO, 3·RTO, gives up at 7·RTO. */
const CLOSE_RC = 3;
const CLOSE_RM = 4;

/** A response taken: the request it answers and its STUN error code (0 for a success). */
export interface TurnAnswer {
  readonly request: TurnRequest;
  readonly code: number;
}

export class TurnTransactions {
  readonly auth: TurnLongTermCredentials;
  private readonly table: StunTransactionTable<TurnRequestContext>;

  constructor(
    private readonly config: ResolvedTurnAllocationConfig,
    private readonly counters: TurnCounters,
    private readonly transmit: (t: TurnTransmit) => void,
  ) {
    const reliable = config.transport !== "udp";
    this.table = new StunTransactionTable<TurnRequestContext>(
      reliable ? { rtoMs: RELIABLE_TIMEOUT_MS, rc: 1, rm: 1 } : { rtoMs: config.rtoMs },
    );
    this.auth = new TurnLongTermCredentials(config.username, config.password);
  }

  /** Sends `request` (again, after a 401 or 438, with its retry counts). */
  start(now: Millis, request: TurnRequest, staleNonceRetries = 0, authRetries = 0): void {
    const transactionId = this.config.random(12);
    const attributes = turnRequestAttributes(request);
    if (this.config.software !== undefined)
      attributes.push({ type: "software", value: this.config.software });
    attributes.push(...this.auth.attributes());
    const bytes = encodeStunMessage(
      { method: turnRequestMethod(request), class: "request", transactionId, attributes },
      this.auth.encodeOptions(),
    );
    const context: TurnRequestContext = {
      request,
      authenticated: this.auth.ready,
      staleNonceRetries,
      authRetries,
    };
    const closing = request.kind === "refresh" && request.lifetimeSec === 0;
    const reliable = this.config.transport !== "udp";
    const opts = closing
      ? reliable
        ? { context, rtoMs: this.config.rtoMs * 7, rc: 1, rm: 1 }
        : { context, rc: CLOSE_RC, rm: CLOSE_RM }
      : { context };
    this.table.start(now, transactionId, this.config.server, bytes, opts);
    this.counters["requests-sent"]++;
    this.drain();
  }

  /**
   * A success or error response from the server. Undefined when it answers no request of ours, fails
   * its integrity check (both counted), or was a 401 / 438 answered by sending the request again.
   */
  handleResponse(now: Millis, msg: DecodedStunMessage): TurnAnswer | undefined {
    const context = this.table.peek(msg.transactionId)?.context;
    if (context === undefined) {
      this.counters["stun-unknown-transaction"]++;
      return undefined;
    }
    const { code } = stunErrorCodeOf(msg);
    // RFC 8489 §9.2.5: 401 and 438 are not integrity-protected; other responses to an authenticated
    // request are. (Error responses without integrity are accepted: servers do send 437/486 bare.)
    if (context.authenticated && !(msg.class === "error" && (code === 401 || code === 438 || code === 400))) {
      const v = this.auth.verify(msg);
      if (v === "bad" || (v === "missing" && msg.class === "success")) {
        this.counters[v === "bad" ? "stun-bad-integrity" : "stun-missing-integrity"]++;
        return undefined;
      }
    }
    this.table.handleResponse(now, msg);
    if (msg.class === "error" && this.retryAfterAuthError(now, context, msg, code)) return undefined;
    return { request: context.request, code };
  }

  /** 401 → take realm/nonce and resend once; 438 → take the new nonce and resend (bounded). */
  private retryAfterAuthError(
    now: Millis,
    context: TurnRequestContext,
    msg: DecodedStunMessage,
    code: number,
  ): boolean {
    const { request } = context;
    if (
      code === 438 &&
      context.authenticated &&
      context.staleNonceRetries < this.config.maxStaleNonceRetries
    ) {
      if (!this.auth.handleStaleNonce(msg)) return false;
      this.counters["stale-nonce-retries"]++;
      this.start(now, request, context.staleNonceRetries + 1, context.authRetries);
      return true;
    }
    // A first 401 for an unauthenticated request is the challenge; a later one (another request after the
    // server forgot our nonce) gets one retry. A 401 to an authenticated Allocate means bad credentials.
    const retry401 = !context.authenticated || (request.kind !== "allocate" && context.authRetries === 0);
    if (code === 401 && retry401) {
      if (this.auth.handleChallenge(msg) !== "ok") return false;
      this.start(now, request, context.staleNonceRetries, context.authRetries + 1);
      return true;
    }
    return false;
  }

  /** Retransmits what is due; then `pollTimedOut()` gives the requests that ran out of tries. */
  handleTimeout(now: Millis): void {
    this.table.handleTimeout(now);
    this.drain();
  }

  pollTimedOut(): TurnRequest | undefined {
    for (let ev = this.table.pollEvent(); ev !== undefined; ev = this.table.pollEvent())
      if (ev.context !== undefined) return ev.context.request;
    return undefined;
  }

  pollTimeout(): Millis | undefined {
    return this.table.pollTimeout();
  }

  /** Forgets every request in flight (close, failure). */
  cancelAll(): void {
    this.table.cancelWhere(() => true);
  }

  private drain(): void {
    for (let t = this.table.pollTransmit(); t !== undefined; t = this.table.pollTransmit()) {
      this.transmit({ to: t.to, data: t.data });
    }
    this.counters.retransmits = this.table.counters.retransmits;
  }
}
