import type { TransportAddr } from "../wire/transport-address.js";
import { UsageError } from "./ice-error.js";
import type { IceCredentials, IceRole } from "./ice-types.js";

/** Configuration of a full ICE agent (RFC 8445). Every duration is in ms of the caller's clock. */
export interface IceAgentConfig {
  /** Random bytes (a CSPRNG in production: crypto.randomBytes; seeded in simulations). */
  readonly random: (n: number) => Uint8Array;
  /** Initial role (RFC 8445 §6.1.1): the offerer is controlling. Default "controlling". */
  readonly role?: IceRole;
  /** Our ufrag/pwd; generated when absent. */
  readonly localCredentials?: IceCredentials;
  /** STUN servers for server-reflexive candidates. */
  readonly stunServers?: readonly TransportAddr[];
  /** Ta, the pacing of checks (RFC 8445 §14.2). Default 50 ms. */
  readonly taMs?: number;
  /** Initial RTO of a connectivity check; default max(500, Ta * (waiting + in-progress pairs)) per §14.3. */
  readonly checkRtoMs?: number;
  /** Retransmissions of a check before it fails (RFC 8489 Rc). Default 7. */
  readonly checkRc?: number;
  /** RTO of a STUN request to a STUN server. Default 500 ms; Rc 7, Rm 16 as RFC 8489. */
  readonly stunRtoMs?: number;
  readonly stunRc?: number;
  readonly stunRm?: number;
  /** How long the controlling agent waits for better pairs after the first valid one. Default 200 ms. */
  readonly nominationDelayMs?: number;
  /** RFC 7675 §5.1: consent checks every ~5 s, randomized over [0.8, 1.2] of it. */
  readonly consentIntervalMs?: number;
  /** RFC 7675 §5.1: consent is lost when no check succeeds for this long. Default 30 000 ms. */
  readonly consentTimeoutMs?: number;
  /** "disconnected" when nothing authenticated was heard on the selected pair for this long. Default 10 000. */
  readonly disconnectedAfterMs?: number;
  /** "failed" when no pair is selected this long after checks start. Default 30 000 ms. */
  readonly checkingTimeoutMs?: number;
  /** The remote peer is ICE-lite (a=ice-lite): we must be controlling (RFC 8445 §6.1.1). */
  readonly remoteIceLite?: boolean;
  /** Bounds on what a remote peer can make us hold (RFC 8445 §6.1.2.5 suggests 100 pairs). */
  readonly maxRemoteCandidates?: number;
  readonly maxPairs?: number;
  /** SOFTWARE attribute in responses; none by default. */
  readonly software?: string;
}

export type ResolvedIceAgentConfig = Required<
  Omit<IceAgentConfig, "localCredentials" | "software" | "checkRtoMs">
> &
  Pick<IceAgentConfig, "localCredentials" | "software" | "checkRtoMs">;

function positive(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x <= 0)
    throw new UsageError(`${name} must be a positive number, got ${String(v)}`);
  return x;
}

export function resolveIceAgentConfig(c: IceAgentConfig): ResolvedIceAgentConfig {
  if (typeof c.random !== "function") throw new UsageError("IceAgentConfig.random is required");
  return {
    random: c.random,
    role: c.remoteIceLite ? "controlling" : (c.role ?? "controlling"),
    localCredentials: c.localCredentials,
    stunServers: c.stunServers ?? [],
    taMs: positive("taMs", c.taMs, 50),
    checkRtoMs: c.checkRtoMs === undefined ? undefined : positive("checkRtoMs", c.checkRtoMs, 500),
    checkRc: positive("checkRc", c.checkRc, 7),
    stunRtoMs: positive("stunRtoMs", c.stunRtoMs, 500),
    stunRc: positive("stunRc", c.stunRc, 7),
    stunRm: positive("stunRm", c.stunRm, 16),
    nominationDelayMs: c.nominationDelayMs ?? 200,
    consentIntervalMs: positive("consentIntervalMs", c.consentIntervalMs, 5000),
    consentTimeoutMs: positive("consentTimeoutMs", c.consentTimeoutMs, 30_000),
    disconnectedAfterMs: positive("disconnectedAfterMs", c.disconnectedAfterMs, 10_000),
    checkingTimeoutMs: positive("checkingTimeoutMs", c.checkingTimeoutMs, 30_000),
    remoteIceLite: c.remoteIceLite ?? false,
    maxRemoteCandidates: positive("maxRemoteCandidates", c.maxRemoteCandidates, 100),
    maxPairs: positive("maxPairs", c.maxPairs, 100),
    software: c.software,
  };
}
