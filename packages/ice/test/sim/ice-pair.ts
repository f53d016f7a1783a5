import { IceAgent } from "../../src/machine/ice-agent.js";
import type { IceAgentConfig } from "../../src/machine/ice-agent-config.js";
import type { IceConnectionState, IceEvent, Millis } from "../../src/machine/ice-types.js";
import type { Candidate } from "../../src/wire/candidate.js";
import type { TransportAddr } from "../../src/wire/transport-address.js";
import type { SimNat } from "./nat.js";
import type { Prng } from "./prng.js";
import type { SimEndpoint, SimNetwork, SimTransmit } from "./sim-network.js";

/**
 * An ICE agent attached to the simulated network, with the signaling done in-process: its candidates
 * go to the peer as they are gathered (trickle), and every event is recorded.
 */
export class SimIcePeer implements SimEndpoint {
  readonly agent: IceAgent;
  readonly events: IceEvent[] = [];
  readonly states: IceConnectionState[] = [];
  readonly received: Uint8Array[] = [];
  peer: SimIcePeer | undefined;
  /** Signaling: candidates trickled to the peer; set false to hold them. */
  trickle = true;
  readonly held: Candidate[] = [];

  constructor(
    readonly name: string,
    readonly bases: readonly TransportAddr[],
    prng: Prng,
    config: Omit<IceAgentConfig, "random"> = {},
  ) {
    const rng = prng.fork();
    this.agent = new IceAgent({ ...config, random: (n) => rng.bytes(n) });
  }

  handleDatagram(now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void {
    this.agent.handleDatagram(now, local, remote, data);
    this.drainEvents(now);
  }
  handleTimeout(now: Millis): void {
    this.agent.handleTimeout(now);
    this.drainEvents(now);
  }
  pollTransmit(): SimTransmit | undefined {
    return this.agent.pollTransmit();
  }
  pollTimeout(): Millis | undefined {
    return this.agent.pollTimeout();
  }

  drainEvents(now: Millis): void {
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      this.events.push(e);
      if (e.kind === "connection-state") this.states.push(e.state);
      if (e.kind === "data") this.received.push(e.data);
      if (e.kind === "local-candidate") {
        if (this.trickle && this.peer) this.peer.agent.addRemoteCandidate(now, e.candidate);
        else this.held.push(e.candidate);
      }
      if (e.kind === "gathering-state" && e.state === "complete" && this.trickle && this.peer) {
        this.peer.agent.endOfRemoteCandidates(now);
        this.peer.drainEvents(now);
      }
    }
  }

  get state(): IceConnectionState {
    return this.agent.connectionState;
  }

  connected(): boolean {
    return this.state === "connected" || this.state === "completed";
  }
}

export interface PairOptions {
  readonly a?: Omit<IceAgentConfig, "random">;
  readonly b?: Omit<IceAgentConfig, "random">;
  readonly aBases?: readonly TransportAddr[];
  readonly bBases?: readonly TransportAddr[];
  readonly natA?: SimNat;
  readonly natB?: SimNat;
}

/** Two agents, A controlling and B controlled by default, attached to `net`, credentials exchanged. */
export function icePair(net: SimNetwork, opts: PairOptions = {}): { a: SimIcePeer; b: SimIcePeer } {
  const aBases = opts.aBases ?? [{ address: "10.0.0.1", port: 5000 }];
  const bBases = opts.bBases ?? [{ address: "10.0.0.2", port: 6000 }];
  const a = new SimIcePeer("A", aBases, net.prng, { role: "controlling", ...opts.a });
  const b = new SimIcePeer("B", bBases, net.prng, { role: "controlled", ...opts.b });
  a.peer = b;
  b.peer = a;
  net.attach(a, aBases, { name: "A", ...(opts.natA ? { nat: opts.natA } : {}) });
  net.attach(b, bBases, { name: "B", ...(opts.natB ? { nat: opts.natB } : {}) });
  return { a, b };
}

/** Exchange credentials and start gathering on both sides (as after offer/answer). */
export function start(net: SimNetwork, a: SimIcePeer, b: SimIcePeer): void {
  const now = net.now();
  a.agent.setRemoteCredentials(now, b.agent.credentials);
  b.agent.setRemoteCredentials(now, a.agent.credentials);
  a.agent.gather(now, a.bases);
  a.drainEvents(now);
  b.agent.gather(now, b.bases);
  b.drainEvents(now);
}
