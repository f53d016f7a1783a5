import type { Candidate } from "../wire/candidate.js";
import { ipFamily } from "../wire/ip-address.js";
import { encodeStunMessage, getAttribute } from "../wire/stun-message.js";
import { type DecodedStunMessage, StunMethod } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { LocalCandidate } from "./check-list.js";
import { serverReflexiveCandidate } from "./derived-candidates.js";
import type { ResolvedIceAgentConfig } from "./ice-agent-config.js";
import type { IceRequestContext, SrflxRequestContext } from "./ice-request-context.js";
import type { Millis } from "./ice-types.js";
import type { StunTransactionTable } from "./stun-transaction.js";

export interface ServerReflexiveGatheringDeps {
  readonly cfg: ResolvedIceAgentConfig;
  stunServers(): readonly TransportAddr[];
  /** RFC 8445 §5.1.1.3: the foundation of a candidate of this type, base IP and server IP. */
  foundation(type: string, baseIp: string, serverIp: string): string;
  /** Every request answered or timed out. */
  onGatheringDone(): void;
}

/**
 * Server-reflexive gathering (RFC 8445 §5.1.1.2): a Binding request (RFC 8489, with FINGERPRINT, no
 * credentials) from each host base to each STUN server of its address family, retransmitted with the
 * configured Rc and Rm; a XOR-MAPPED-ADDRESS other than the base is a server-reflexive candidate.
 * Gathering is done when every request was answered or gave up.
 */
export class ServerReflexiveGathering {
  private pending = 0;

  /** `requests`: the generation's STUN transactions, these among them; `to` takes each candidate learned. */
  constructor(
    private readonly d: ServerReflexiveGatheringDeps,
    private readonly requests: StunTransactionTable<IceRequestContext>,
    private readonly to: { addLocalCandidate(candidate: Candidate, base: LocalCandidate): void },
  ) {}

  get done(): boolean {
    return this.pending === 0;
  }

  start(now: Millis, hosts: readonly LocalCandidate[]): void {
    for (const base of hosts) {
      for (const server of this.d.stunServers()) {
        if (ipFamily(server.address) !== ipFamily(base.base.address)) continue;
        const id = this.d.cfg.random(12);
        const bytes = encodeStunMessage(
          { method: StunMethod.Binding, class: "request", transactionId: id, attributes: [] },
          { fingerprint: true },
        );
        this.pending++;
        this.requests.start(now, id, server, bytes, {
          from: base.base,
          context: { kind: "srflx", base, server },
          rtoMs: this.d.cfg.stunRtoMs,
          rc: this.d.cfg.stunRc,
          rm: this.d.cfg.stunRm,
        });
      }
    }
  }

  handleResponse(ctx: SrflxRequestContext, msg: DecodedStunMessage): void {
    this.pending--;
    const mapped = msg.class === "success" ? getAttribute(msg, "xor-mapped-address")?.value : undefined;
    if (mapped && !(mapped.address === ctx.base.base.address && mapped.port === ctx.base.base.port)) {
      const foundation = this.d.foundation("srflx", ctx.base.base.address, ctx.server.address);
      this.to.addLocalCandidate(serverReflexiveCandidate(ctx.base, mapped, foundation), ctx.base);
    }
    if (this.pending === 0) this.d.onGatheringDone();
  }

  /** A request gave up (every retransmission unanswered). */
  handleTimeout(): void {
    this.pending--;
    if (this.pending === 0) this.d.onGatheringDone();
  }
}
