import type { Candidate } from "../wire/candidate.js";
import { ipFamily } from "../wire/ip-address.js";
import { decodeStunMessage, isStunMessage } from "../wire/stun-message.js";
import type { DecodedStunMessage } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { type CandidatePair, CheckList } from "./check-list.js";
import { ConnectivityChecks } from "./connectivity-checks.js";
import { GatheringState } from "./gathering-state.js";
import { GenerationHooks, type GenerationHost } from "./generation-hooks.js";
import {
  type IceAgentConfig,
  type ResolvedIceAgentConfig,
  resolveIceAgentConfig,
} from "./ice-agent-config.js";
import { generateIceCredentials, generateTieBreaker } from "./ice-credentials.js";
import { type IceError, UsageError } from "./ice-error.js";
import { IceGenerations } from "./ice-generations.js";
import type {
  IceConnectionState,
  IceCounter,
  IceCounters,
  IceCredentials,
  IceEvent,
  IceGatheringState,
  IceRole,
  Millis,
  SelectedPair,
  Transmit,
} from "./ice-types.js";
import { ICE_COUNTERS } from "./ice-types.js";
import { LocalBases } from "./local-bases.js";
import { SelectedPath } from "./selected-path.js";

/**
 * A full ICE agent (RFC 8445) for one data stream with one component (WebRTC: BUNDLE + rtcp-mux), as a
 * sans-IO machine: feed it datagrams and timeouts with the caller's clock, drain `pollTransmit()` and
 * `pollEvent()`, then arm one timer at `pollTimeout()`.
 *
 * The agent owns the state that outlives a generation of credentials (role, tie-breaker, bases, the
 * selected pair, events), lent to each generation through `GenerationHooks`; `ConnectivityChecks` owns
 * the check list, the STUN transactions, nomination and consent of one generation, and an ICE restart
 * starts a new one (`IceGenerations`).
 */
export class IceAgent {
  readonly counters: IceCounters;
  private readonly cfg: ResolvedIceAgentConfig;
  private role: IceRole;
  private tieBreaker: bigint;
  private localCredentials: IceCredentials;
  private state: IceConnectionState = "new";
  private readonly events: IceEvent[] = [];
  private readonly gatheringState = new GatheringState(this.events);
  private readonly transmits: Transmit[] = [];
  /** Our bases (host sockets, relayed allocations), by address key. */
  private readonly bases = new LocalBases();
  private readonly generations: IceGenerations;
  private readonly selected = new SelectedPath();
  private readonly stunServers: TransportAddr[];
  /** The latest time given to any handle* call. */
  private lastNow: Millis = 0;
  /** The agent as its generations see it (`GenerationHooks`). */
  private readonly host: GenerationHost;

  constructor(config: IceAgentConfig) {
    this.cfg = resolveIceAgentConfig(config);
    this.role = this.cfg.role;
    this.stunServers = [...this.cfg.stunServers];
    this.tieBreaker = generateTieBreaker(this.cfg.random);
    this.localCredentials = this.cfg.localCredentials ?? generateIceCredentials(this.cfg.random);
    this.counters = Object.fromEntries(ICE_COUNTERS.map((c) => [c, 0])) as IceCounters;
    this.host = {
      cfg: this.cfg,
      stunServers: this.stunServers,
      events: this.events,
      bases: this.bases,
      credentials: () => this.localCredentials,
      role: () => this.role,
      tieBreaker: () => this.tieBreaker,
      switchRole: (role) => this.switchRole(role),
      count: (c) => this.count(c),
      checkGatheringComplete: () => this.checkGatheringComplete(),
      select: (now, pair) => this.select(now, pair),
      fail: (now, error) => this.fail(now, error),
    };
    this.generations = new IceGenerations(this.newGeneration());
  }

  /** The current generation. */
  private get checks(): ConnectivityChecks {
    return this.generations.current;
  }

  // ---- read-only state -------------------------------------------------------------------------------

  get connectionState(): IceConnectionState {
    return this.state;
  }
  get gathering(): IceGatheringState {
    return this.gatheringState.state;
  }
  get iceRole(): IceRole {
    return this.role;
  }
  get credentials(): IceCredentials {
    return this.localCredentials;
  }
  get selectedPair(): SelectedPair | undefined {
    return this.selected.info();
  }
  get localCandidates(): readonly Candidate[] {
    return this.checks.localCandidates;
  }
  get remoteCandidates(): readonly Candidate[] {
    return this.checks.remoteCandidates;
  }
  /** The check list of the current generation (for stats and tests). */
  get pairs(): readonly CandidatePair[] {
    return this.checks.checkList.pairs;
  }

  // ---- local side -------------------------------------------------------------------------------------

  /**
   * RFC 8445 §5.1.1: host candidates, one per bound socket (`bases` in preference order), then server-
   * reflexive candidates from the configured STUN servers. Emits `local-candidate` events (trickle) and
   * `gathering-state`. Call once per generation (again after `restart`).
   */
  gather(now: Millis, bases: readonly TransportAddr[]): void {
    if (this.state === "closed") return;
    this.gatheringState.begin();
    for (const base of bases) {
      const local = this.bases.host(base);
      this.checks.addLocalCandidate(local.candidate, local);
    }
    // Relayed candidates outlive a restart (the allocation does): the new generation uses them too.
    for (const b of this.bases.all())
      if (b.candidate.type === "relay") this.checks.addLocalCandidate(b.candidate, b);
    this.checks.gatherServerReflexive(
      now,
      this.bases.all().filter((b) => b.candidate.type === "host"),
    );
    this.checks.startChecksIfReady(now);
    this.checkGatheringComplete();
  }

  /**
   * The seam for TURN (RFC 8656): a relayed candidate whose datagrams leave from `relayed` (the adapter
   * wraps them for the TURN server). `mapped` is the server-reflexive address the allocation saw.
   */
  addRelayedCandidate(now: Millis, relayed: TransportAddr, mapped: TransportAddr): Candidate {
    const local = this.bases.relay(relayed, mapped);
    this.checks.addLocalCandidate(local.candidate, local);
    this.checks.startChecksIfReady(now);
    return local.candidate;
  }

  /** More STUN servers for the next `gather` (an adapter resolving `stun:` URLs). */
  addStunServers(servers: readonly TransportAddr[]): void {
    this.stunServers.push(...servers);
  }

  /**
   * Keeps gathering open while an adapter obtains candidates the agent cannot see (a TURN allocation):
   * gathering completes once every hold is released and server-reflexive gathering is done.
   * Returns the release function (idempotent).
   */
  holdGathering(): () => void {
    this.gatheringState.hold();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.gatheringState.release();
      this.checkGatheringComplete();
    };
  }

  // ---- remote side ------------------------------------------------------------------------------------

  /** From the remote description (a=ice-ufrag, a=ice-pwd). A new ufrag after a restart starts the new generation. */
  setRemoteCredentials(now: Millis, remote: IceCredentials): void {
    if (
      remote.ufrag.length === 0 ||
      remote.ufrag.length > 256 ||
      remote.pwd.length === 0 ||
      remote.pwd.length > 256
    ) {
      throw new UsageError("remote ICE credentials must be 1 to 256 characters");
    }
    this.checks.setRemoteCredentials(now, remote);
  }

  /**
   * A remote candidate, at any time (RFC 8838 trickle). Its address must be an IP literal: resolve mDNS
   * `.local` names first (the node adapter does). Returns false when rejected (counted).
   */
  addRemoteCandidate(now: Millis, candidate: Candidate): boolean {
    if (this.state === "closed") return false;
    if (
      candidate.component !== 1 ||
      candidate.transport.toLowerCase() !== "udp" ||
      !ipFamily(candidate.address)
    ) {
      this.count("remote-candidate-rejected");
      return false;
    }
    return this.checks.addRemoteCandidate(now, candidate);
  }

  /** RFC 8838 §4.4: the peer gathered everything (a=end-of-candidates). */
  endOfRemoteCandidates(now: Millis): void {
    this.checks.endOfRemoteCandidates();
    this.updateState(now);
  }

  // ---- the wire ---------------------------------------------------------------------------------------

  /** A datagram received on the socket bound to `local` from `remote`. Never throws on any bytes. */
  handleDatagram(now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    if (this.state === "closed") return;
    const first = data[0];
    if (first === undefined) return;
    if (first <= 3) {
      if (!isStunMessage(data)) {
        this.count("stun-malformed");
        return;
      }
      const decoded = decodeStunMessage(data);
      if (!decoded.ok) {
        this.count("stun-malformed");
        return;
      }
      this.handleStun(now, local, remote, decoded.value);
      return;
    }
    if (this.acceptsData(local, remote, data)) this.events.push({ kind: "data", data, from: remote });
  }

  /**
   * Whether a datagram that is not STUN (first octet > 3) goes up to the layer above: a DTLS or RTP/RTCP
   * octet (RFC 7983) from a pair of ours. What does not is counted. No event, clock or allocation: the
   * media path's adapter asks this and hands the datagram up itself; `handleDatagram` does the same with a
   * `data` event.
   */
  acceptsData(local: TransportAddr, remote: TransportAddr, data: Uint8Array): boolean {
    if (this.state === "closed") return false;
    const first = data[0] ?? 0;
    // RFC 7983: 20..63 DTLS, 128..191 RTP/RTCP go up; anything else is nobody's.
    if (!((first >= 20 && first <= 63) || (first >= 128 && first <= 191))) {
      this.count("data-not-demuxable");
      return false;
    }
    // The selected pair first (the media path), without building lookup keys.
    if (!this.selected.carries(local, remote) && !this.generations.knows(local, remote)) {
      this.count("data-unknown-source");
      return false;
    }
    return true;
  }

  private handleStun(
    now: Millis,
    local: TransportAddr,
    remote: TransportAddr,
    msg: DecodedStunMessage,
  ): void {
    const base = this.bases.get(local);
    if (!base) return;
    if (msg.class === "request") this.generations.handleRequest(now, base, remote, msg);
    else if (msg.class === "success" || msg.class === "error") {
      if (!this.generations.handleResponse(now, base, remote, msg)) this.count("stun-unknown-transaction");
    } else {
      this.count("stun-unexpected-class");
    }
    this.updateState(now);
  }

  handleTimeout(now: Millis): void {
    if (this.state === "closed") return;
    this.generations.handleTimeout(now);
    this.updateState(now);
  }

  /** Sends application data (DTLS, SRTP) on the selected pair. */
  send(data: Uint8Array): void {
    const p = this.selected.pair;
    if (!p || this.state === "failed" || this.state === "closed") {
      throw new UsageError(`no selected candidate pair to send on (ICE state ${this.state})`);
    }
    this.transmits.push({ from: p.local.base, to: p.remote, data });
  }

  /**
   * Where `send` would send now, without allocating: the selected pair's base (as an address key, see
   * `addrKey`) and remote address. For adapters that write to their socket directly.
   */
  sendPath(): { readonly baseKey: string; readonly to: TransportAddr } | undefined {
    return this.state === "failed" || this.state === "closed" ? undefined : this.selected.path;
  }

  pollTransmit(): Transmit | undefined {
    return this.transmits.shift() ?? this.generations.pollTransmit();
  }

  pollEvent(): IceEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.state === "closed" || this.state === "failed") return undefined;
    return this.generations.pollTimeout(this.lastNow);
  }

  /**
   * RFC 8445 §9: an ICE restart. New local credentials (returned, for the new offer); the current pair
   * keeps carrying data and answering consent until the new generation selects a pair. Call `gather`
   * again for the new generation's candidates, and `setRemoteCredentials` with the peer's new ones.
   */
  restart(now: Millis, credentials?: IceCredentials): IceCredentials {
    if (this.state === "closed") throw new UsageError("restart after close");
    this.localCredentials = credentials ?? generateIceCredentials(this.cfg.random);
    this.generations.restart(this.newGeneration(), this.selected.pair !== undefined);
    this.gatheringState.restart();
    if (this.state === "failed") this.setState(now, "checking");
    return this.localCredentials;
  }

  /** Stops everything; state `closed`. */
  close(now: Millis): void {
    if (this.state === "closed") return;
    this.generations.stopAll();
    this.transmits.length = 0;
    this.setState(now, "closed");
  }

  // ---- internals shared with ConnectivityChecks -------------------------------------------------------

  count(c: IceCounter): void {
    this.counters[c]++;
  }

  private newGeneration(): ConnectivityChecks {
    return new ConnectivityChecks(new GenerationHooks(this.host, new CheckList(this.cfg.maxPairs)));
  }

  private switchRole(role: IceRole): void {
    if (role === this.role) return;
    this.role = role;
    this.checks.checkList.recomputePriorities(role);
    this.events.push({ kind: "role-change", role });
  }

  private select(now: Millis, pair: CandidatePair): void {
    if (!this.selected.select(pair)) return;
    this.generations.dropPrevious();
    this.events.push({ kind: "selected-pair", pair: this.selectedPair as SelectedPair });
    this.updateState(now);
  }

  private fail(now: Millis, error: IceError): void {
    if (this.state === "failed" || this.state === "closed") return;
    this.generations.stopAll();
    this.selected.clear();
    this.setState(now, "failed");
    this.events.push({ kind: "failed", error });
  }

  private checkGatheringComplete(): void {
    this.gatheringState.update(this.checks.gatheringDone());
  }

  /** Derives the RTCIceConnectionState from the generations' state. */
  private updateState(now: Millis): void {
    if (now > this.lastNow) this.lastNow = now;
    if (this.state === "closed" || this.state === "failed") return;
    let next: IceConnectionState;
    if (this.selected.pair) {
      if (this.generations.ofSelected().isDisconnected(now)) next = "disconnected";
      else if (this.checks.isComplete() && this.gatheringState.state === "complete") next = "completed";
      else next = "connected";
    } else if (this.checks.started) next = "checking";
    else next = this.state;
    // The browser passes through "connected" on its way to "completed".
    if (next === "completed" && this.state !== "connected" && this.state !== "completed")
      this.setState(now, "connected");
    this.setState(now, next);
  }

  private setState(_now: Millis, s: IceConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    this.events.push({ kind: "connection-state", state: s });
  }
}
