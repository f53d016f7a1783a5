import type { Candidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { CandidatePair, CheckList } from "./check-list.js";
import type { ResolvedIceAgentConfig } from "./ice-agent-config.js";
import { type IceError, type IceErrorCode, iceFailure } from "./ice-error.js";
import type { IceCounter, IceCredentials, IceEvent, IceRole, Millis } from "./ice-types.js";
import type { LocalBases } from "./local-bases.js";

/** What one generation of checks (`ConnectivityChecks`) asks of the agent that outlives it. */
export interface ConnectivityChecksDeps {
  readonly cfg: ResolvedIceAgentConfig;
  readonly checkList: CheckList;
  readonly localCredentials: IceCredentials;
  /** STUN servers for server-reflexive gathering (config, plus any the adapter resolved). */
  stunServers(): readonly TransportAddr[];
  getRole(): IceRole;
  getTieBreaker(): bigint;
  switchRole(role: IceRole): void;
  emitLocalCandidate(c: Candidate): void;
  /** RFC 8445 §5.1.1.3: the foundation of a candidate of this type, base IP and server IP. */
  foundation(type: string, baseIp: string, serverIp: string): string;
  count(c: IceCounter): void;
  onGatheringDone(): void;
  onNominated(now: Millis, pair: CandidatePair): void;
  onConsentExpired(now: Millis): void;
  onAllFailed(now: Millis, code: IceErrorCode): void;
}

/**
 * The agent's side of the hooks: its state that outlives a generation (read when a hook runs, so a role
 * switch or a new tie-breaker is seen by every generation) and its reactions. One per agent.
 */
export interface GenerationHost {
  readonly cfg: ResolvedIceAgentConfig;
  readonly stunServers: readonly TransportAddr[];
  readonly events: IceEvent[];
  readonly bases: LocalBases;
  credentials(): IceCredentials;
  role(): IceRole;
  tieBreaker(): bigint;
  switchRole(role: IceRole): void;
  count(c: IceCounter): void;
  checkGatheringComplete(): void;
  select(now: Millis, pair: CandidatePair): void;
  fail(now: Millis, error: IceError): void;
}

/**
 * What a generation asks of its agent, as prototype methods over the agent's host: no closure per hook
 * and per generation. The local credentials are the agent's when the generation starts.
 */
export class GenerationHooks implements ConnectivityChecksDeps {
  readonly cfg: ResolvedIceAgentConfig;
  readonly localCredentials: IceCredentials;

  constructor(
    private readonly agent: GenerationHost,
    readonly checkList: CheckList,
  ) {
    this.cfg = agent.cfg;
    this.localCredentials = agent.credentials();
  }
  stunServers(): readonly TransportAddr[] {
    return this.agent.stunServers;
  }
  getRole(): IceRole {
    return this.agent.role();
  }
  getTieBreaker(): bigint {
    return this.agent.tieBreaker();
  }
  switchRole(role: IceRole): void {
    this.agent.switchRole(role);
  }
  emitLocalCandidate(candidate: Candidate): void {
    this.agent.events.push({ kind: "local-candidate", candidate });
  }
  foundation(type: string, baseIp: string, serverIp: string): string {
    return this.agent.bases.foundation(type, baseIp, serverIp);
  }
  count(c: IceCounter): void {
    this.agent.count(c);
  }
  onGatheringDone(): void {
    this.agent.checkGatheringComplete();
  }
  onNominated(now: Millis, pair: CandidatePair): void {
    this.agent.select(now, pair);
  }
  onConsentExpired(now: Millis): void {
    this.agent.fail(now, iceFailure("consent-expired"));
  }
  onAllFailed(now: Millis, code: IceErrorCode): void {
    this.agent.fail(now, iceFailure(code));
  }
}
