import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import { addrKey } from "../machine/check-list.js";
import { IceAgent } from "../machine/ice-agent.js";
import type {
  IceConnectionState,
  IceCredentials,
  IceEvent,
  IceGatheringState,
  IceRole,
  SelectedPair,
} from "../machine/ice-types.js";
import type { TurnError } from "../machine/turn-error.js";
import { type Candidate, formatCandidate, parseCandidate } from "../wire/candidate.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { connectTurn } from "./connect-turn.js";
import { DeadlineTimer } from "./deadline-timer.js";
import { listHostAddresses } from "./host-interfaces.js";
import { resolveIceServers, StunServerWatch, type TurnServer } from "./ice-servers.js";
import type { IceTransportEvents, IceTransportOptions } from "./ice-transport-options.js";
import { createMdnsResolver, type MdnsResolver } from "./mdns-resolver.js";
import { secureRandom } from "./secure-random.js";
import { silentLogger } from "./silent-logger.js";
import type { TurnClient } from "./turn-client.js";

export type { IceServer } from "./ice-servers.js";
export type { IceTransportEvents, IceTransportOptions } from "./ice-transport-options.js";

/**
 * The node:dgram adapter of the ICE agent: one UDP socket per host address, one timer, the monotonic
 * clock. Every socket and timer callback runs through one guard; what it catches closes the transport.
 */
export class IceTransport extends EventEmitter<IceTransportEvents> {
  readonly agent: IceAgent;
  private readonly sockets = new Map<string, Socket>();
  /** TURN allocations by relayed address key: the bases of relayed candidates. */
  private readonly relays = new Map<string, TurnClient>();
  private readonly log: Logger;
  private readonly timer = new DeadlineTimer(
    () => this.guard(() => this.agent.handleTimeout(this.now())),
    () => this.now(),
  );
  private closed = false;
  private mdns: MdnsResolver | undefined;
  /** Which STUN servers answered (an unanswered one is reported when gathering completes). */
  private stunWatch: StunServerWatch | undefined;
  private readonly ownsMdns: boolean;
  private readonly t0 = performance.now();
  internalErrors = 0;

  constructor(private readonly opts: IceTransportOptions = {}) {
    super();
    this.log = opts.logger ?? silentLogger();
    this.agent = new IceAgent({
      ...opts,
      stunServers: opts.iceTransportPolicy === "relay" ? [] : opts.stunServers,
      random: secureRandom,
    });
    this.ownsMdns = opts.mdns === undefined || opts.mdns === true;
    if (typeof opts.mdns === "object") this.mdns = opts.mdns;
  }

  /** Milliseconds since this transport was created (monotonic). */
  now(): number {
    return performance.now() - this.t0;
  }

  get localCredentials(): IceCredentials {
    return this.agent.credentials;
  }
  get connectionState(): IceConnectionState {
    return this.agent.connectionState;
  }
  get gatheringState(): IceGatheringState {
    return this.agent.gathering;
  }
  get selectedPair(): SelectedPair | undefined {
    return this.agent.selectedPair;
  }
  get role(): IceRole {
    return this.agent.iceRole;
  }

  /**
   * Binds the sockets and gathers candidates (emitted as `candidate` events; `null` at the end): host
   * candidates at once, server-reflexive and relayed ones as the servers answer (trickle).
   */
  async gather(): Promise<void> {
    const relayOnly = this.opts.iceTransportPolicy === "relay";
    const { stun, turn } = await resolveIceServers(this.opts.iceServers ?? [], relayOnly, (url, err) =>
      this.emitCandidateError(url, err),
    );
    if (stun.length > 0) {
      this.agent.addStunServers(stun.map((s) => s.address));
      this.stunWatch = new StunServerWatch(stun);
    }

    const bases: TransportAddr[] = [];
    if (!relayOnly) {
      const addresses = this.opts.addresses ?? listHostAddresses(this.opts.interfaces).map((a) => a.address);
      for (const address of addresses) {
        if (this.closed) return;
        const existing = [...this.sockets.values()].find((s) => s.address().address === address);
        const socket = existing ?? (await this.bind(address));
        if (!socket) continue;
        if (this.closed) {
          // closed while the bind was under way: close() did not see this socket
          socket.close();
          return;
        }
        const a = socket.address();
        const base = { address: a.address, port: a.port };
        this.sockets.set(addrKey(base), socket);
        bases.push(base);
      }
    }
    const holds = turn.map(() => this.agent.holdGathering());
    this.guard(() => this.agent.gather(this.now(), bases));
    await Promise.all(turn.map((t, i) => this.allocate(t, holds[i] as () => void)));
  }

  /** RFC 8656: one allocation per TURN server; its relayed address becomes a relayed candidate's base. */
  private async allocate(t: TurnServer, release: () => void): Promise<void> {
    try {
      if (t.server.username === undefined || t.server.credential === undefined) {
        throw new Error("a TURN server needs a username and a credential");
      }
      const client = await connectTurn({
        server: { host: t.host, port: t.port },
        transport: t.transport,
        username: t.server.username,
        credential: t.server.credential,
        logger: this.log,
        ...(this.opts.turnTls ? { tls: this.opts.turnTls } : {}),
      });
      if (this.closed) {
        await client.close();
        return;
      }
      const relayed = client.relayedAddress;
      const key = addrKey(relayed);
      this.relays.set(key, client);
      // One listener per allocation; each datagram goes through `receive`, like a host socket's.
      client.on("data", (data, peer) => this.receive(relayed, data, peer));
      client.on("failed", (error) => {
        this.relays.delete(key);
        this.emitCandidateError(t.url, error);
      });
      this.guard(() => {
        this.agent.addRelayedCandidate(this.now(), relayed, client.mappedAddress ?? relayed);
      });
    } catch (err) {
      this.emitCandidateError(t.url, err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.guard(release);
    }
  }

  private emitCandidateError(url: string, error: TurnError | Error, from?: TransportAddr): void {
    this.log.debug({ url, err: error.message }, "ICE server error");
    this.emit("icecandidateerror", from ? { url, error, from } : { url, error });
  }

  private bind(address: string): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const socket = createSocket({ type: address.includes(":") ? "udp6" : "udp4", reuseAddr: false });
      const onError = (err: Error): void => {
        this.log.debug({ address, err: err.message }, "cannot bind");
        socket.close();
        resolve(undefined);
      };
      socket.once("error", onError);
      socket.bind(0, address, () => {
        socket.off("error", onError);
        const a = socket.address();
        const local: TransportAddr = { address: a.address, port: a.port };
        socket.on("message", (msg, rinfo) => this.receive(local, msg, rinfo));
        socket.on("error", (err) => this.log.debug({ err: err.message }, "socket error"));
        resolve(socket);
      });
    });
  }

  setRemoteCredentials(remote: IceCredentials): void {
    this.guard(() => this.agent.setRemoteCredentials(this.now(), remote));
  }

  /**
   * A remote candidate: a Candidate, or an `a=candidate:` / `candidate:` line. mDNS names are resolved
   * first (time-boxed); resolves to false when the candidate was not usable.
   */
  async addRemoteCandidate(candidate: Candidate | string): Promise<boolean> {
    let c: Candidate;
    if (typeof candidate === "string") {
      const parsed = parseCandidate(candidate);
      if (!parsed.ok) {
        this.log.debug({ candidate, error: parsed.error }, "unparsable remote candidate");
        return false;
      }
      c = parsed.value;
    } else c = candidate;
    if (c.address.toLowerCase().endsWith(".local")) {
      const resolver = this.resolver();
      if (!resolver) return false;
      const ip = await resolver.resolve(c.address);
      if (!ip || this.closed) {
        this.log.debug({ name: c.address }, "mDNS name not resolved");
        return false;
      }
      c = { ...c, address: ip };
    }
    let ok = false;
    this.guard(() => {
      ok = this.agent.addRemoteCandidate(this.now(), c);
    });
    return ok;
  }

  endOfRemoteCandidates(): void {
    this.guard(() => this.agent.endOfRemoteCandidates(this.now()));
  }

  private resolver(): MdnsResolver | undefined {
    if (this.mdns) return this.mdns;
    if (!this.ownsMdns) return undefined;
    this.mdns = createMdnsResolver({ timeoutMs: this.opts.mdnsTimeoutMs ?? 3000, logger: this.log });
    return this.mdns;
  }

  /** Sends a datagram (DTLS, SRTP) on the selected pair. Throws UsageError when no pair is selected. */
  send(data: Uint8Array): void {
    const path = this.agent.sendPath();
    const socket = path && this.sockets.get(path.baseKey);
    if (path && socket) {
      socket.send(data, path.to.port, path.to.address);
      return;
    }
    const relay = path && this.relays.get(path.baseKey);
    if (path && relay) {
      relay.sendTo(path.to, data);
      return;
    }
    this.agent.send(data); // throws the UsageError naming the state
  }

  /** RFC 8445 §9: new credentials; call `gather()` again and signal the new candidates. */
  restart(): IceCredentials {
    let creds: IceCredentials = this.agent.credentials;
    this.guard(() => {
      creds = this.agent.restart(this.now());
    });
    return creds;
  }

  /** Local candidates as `candidate:` lines (without `a=`). */
  localCandidateLines(): string[] {
    return this.agent.localCandidates.map(formatCandidate);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.guard(() => this.agent.close(this.now()));
    this.closed = true;
    this.timer.clear();
    if (this.mdns && this.ownsMdns) this.mdns.close();
    await Promise.all([
      ...[...this.sockets.values()].map((s) => new Promise<void>((r) => s.close(() => r()))),
      ...[...this.relays.values()].map((c) => c.close().catch(() => undefined)),
    ]);
    this.sockets.clear();
    this.relays.clear();
  }

  /** Runs `fn` against the agent, then drains transmits and events and re-arms the timer. */
  /**
   * One datagram from a host socket or a TURN allocation (`local` is its base), under the guard. No
   * closure per datagram: this is the media path. A non-STUN datagram (RFC 7983) can only raise a `data`
   * event or be counted — no transmit, no timer change — so only the events are drained.
   */
  private receive(local: TransportAddr, msg: Buffer, peer: RemoteInfo | TransportAddr): void {
    if (this.closed) return;
    try {
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      const notStun = (data[0] ?? 0) > 3; // RFC 7983: STUN's first octet is 0–3
      const onData = this.opts.onData;
      if (notStun && onData) {
        // The media path: checked and handed up, no event, clock or address object per datagram.
        if (this.agent.acceptsData(local, peer, data)) onData(data, peer);
        return;
      }
      const from = { address: peer.address, port: peer.port };
      if (notStun) {
        this.agent.handleDatagram(this.now(), local, from, data);
        for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) this.dispatch(e);
        return;
      }
      this.stunWatch?.heard(from);
      this.agent.handleDatagram(this.now(), local, from, data);
      this.flush();
    } catch (err) {
      this.internalError(err);
    }
  }

  /** Runs `fn` against the agent, then drains transmits and events and re-arms the timer. */
  private guard(fn: () => void): void {
    if (this.closed) return;
    try {
      fn();
      this.flush();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (e.name === "UsageError") {
        this.internalErrors++;
        throw e;
      }
      this.internalError(e);
    }
  }

  /** A bug of ours caught by the guard: counted, logged, the transport closed, `error` if listened to. */
  private internalError(err: unknown): void {
    this.internalErrors++;
    const e = err instanceof Error ? err : new Error(String(err));
    this.log.error({ err: e }, "internal error in ICE; closing");
    void this.close();
    if (this.listenerCount("error") > 0) this.emit("error", e);
  }

  private flush(): void {
    for (let t = this.agent.pollTransmit(); t; t = this.agent.pollTransmit()) {
      this.stunWatch?.sent(t.from, t.to);
      const key = addrKey(t.from);
      const socket = this.sockets.get(key);
      if (socket) socket.send(t.data, t.to.port, t.to.address);
      else this.relays.get(key)?.sendTo(t.to, t.data);
    }
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) this.dispatch(e);
    this.arm();
  }

  private dispatch(e: IceEvent): void {
    switch (e.kind) {
      case "local-candidate":
        this.emit("candidate", e.candidate);
        break;
      case "gathering-state":
        if (e.state === "complete")
          for (const s of this.stunWatch?.takeUnanswered() ?? [])
            this.emitCandidateError(s.url, new Error("the STUN server did not answer"), s.from);
        this.emit("gatheringstatechange", e.state);
        if (e.state === "complete") this.emit("candidate", null);
        break;
      case "connection-state":
        this.log.debug({ state: e.state }, "ICE connection state");
        this.emit("connectionstatechange", e.state);
        break;
      case "selected-pair":
        this.emit("selectedpair", e.pair);
        break;
      case "role-change":
        this.emit("rolechange", e.role);
        break;
      case "data":
        if (this.opts.onData) this.opts.onData(e.data, e.from);
        else this.emit("data", Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength), e.from);
        break;
      case "failed":
        this.emit("failed", e.error);
        break;
    }
  }

  private arm(): void {
    if (this.closed) this.timer.clear();
    else this.timer.arm(this.agent.pollTimeout());
  }
}
