/**
 * A TURN client for one allocation on one server (RFC 8656), sans-IO.
 *
 * ```
 * idle --allocate()--> allocating --success--> allocated --close()--> closing --Refresh 0 done--> closed
 *                          |                      |  Refresh at lifetime - 60 s (half, when short)
 *                          +----- error ----------+--> failed (one `failed` event, terminal)
 * ```
 * Peers (RFC 8656 §9–§12): sendTo() creates a permission for the peer's IP (CreatePermission, refreshed
 * every 240 s) and, with channelBinding "auto", binds a channel (ChannelBind, re-bound every 540 s).
 * Data goes as ChannelData once the channel is bound, as a Send indication once the permission is
 * installed, and waits in a bounded queue before that. Data indications and ChannelData from the server
 * become `data` events; from an unknown peer or channel they are dropped and counted.
 *
 * Drive it like every Tern machine: `allocate` / `handleDatagram` / `handleTimeout` / `sendTo` /
 * `close`, then drain `pollTransmit()` and `pollEvent()`, then arm one timer at `pollTimeout()`. Over
 * TCP/TLS, cut the stream with TurnStreamFramer and feed each frame as a datagram.
 */
import { isChannelData } from "../wire/channel-data.js";
import { decodeStunMessage, getAttribute } from "../wire/stun-message.js";
import { type DecodedStunMessage, StunMethod } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import { UsageError } from "./ice-error.js";
import type { Millis } from "./stun-transaction.js";
import {
  type ResolvedTurnAllocationConfig,
  resolveTurnAllocationConfig,
  type TurnAllocationConfig,
  type TurnAllocationState,
  type TurnEvent,
  type TurnTransmit,
} from "./turn-allocation-config.js";
import { newTurnCounters, type TurnCounters, TurnError } from "./turn-error.js";
import { TurnPeers } from "./turn-peers.js";
import { type TurnRequest, turnErrorFromResponse } from "./turn-requests.js";
import { TurnTransactions } from "./turn-transactions.js";

/** Largest payload sendTo accepts (fits a ChannelData message and a Send indication). */
export const MAX_TURN_PAYLOAD = 65_000;

export class TurnAllocation {
  private readonly config: ResolvedTurnAllocationConfig;
  /** Requests to the server: retransmission, long-term credentials, 401 / 438 retries. */
  private readonly requests: TurnTransactions;
  private readonly peers: TurnPeers;
  private readonly transmits: TurnTransmit[] = [];
  private readonly events: TurnEvent[] = [];
  private stateValue: TurnAllocationState = "idle";
  private relayed: TransportAddr | undefined;
  private mapped: TransportAddr | undefined;
  private lifetime = 0;
  private expiresAtMs: Millis | undefined;
  /** Next Refresh; undefined while one is in flight or when not allocated. */
  private refreshAt: Millis | undefined;
  readonly counters: TurnCounters = newTurnCounters();

  constructor(config: TurnAllocationConfig) {
    this.config = resolveTurnAllocationConfig(config);
    this.requests = new TurnTransactions(this.config, this.counters, (t) => this.transmits.push(t));
    this.peers = new TurnPeers({
      config: this.config,
      counters: this.counters,
      startRequest: (now, request) => this.requests.start(now, request),
      transmit: (data) => this.transmits.push({ to: this.config.server, data }),
      emit: (event) => this.events.push(event),
    });
  }

  get state(): TurnAllocationState {
    return this.stateValue;
  }
  /** XOR-RELAYED-ADDRESS, once allocated. */
  get relayedAddress(): TransportAddr | undefined {
    return this.relayed;
  }
  /** XOR-MAPPED-ADDRESS of the Allocate response: our server-reflexive address. */
  get mappedAddress(): TransportAddr | undefined {
    return this.mapped;
  }
  get lifetimeSec(): number {
    return this.lifetime;
  }
  /** When the server will delete the allocation unless refreshed. */
  get expiresAt(): Millis | undefined {
    return this.expiresAtMs;
  }
  get server(): TransportAddr {
    return this.config.server;
  }
  /** The REALM of the server's challenge, once received. */
  get realm(): string | undefined {
    return this.requests.auth.currentRealm;
  }
  /** "md5" or "sha256": the long-term key the server's challenge led to. */
  get passwordAlgorithm(): "md5" | "sha256" {
    return this.requests.auth.passwordAlgorithm;
  }
  hasPermission(peerAddress: string): boolean {
    return this.peers.hasPermission(peerAddress);
  }
  /** The bound channel number for a peer, if any. */
  channelNumberOf(peer: TransportAddr): number | undefined {
    return this.peers.channelNumberOf(peer);
  }

  /** RFC 8656 §7.1: sends the first Allocate (without credentials; the 401 brings realm and nonce). */
  allocate(now: Millis): void {
    if (this.stateValue !== "idle") throw new UsageError(`allocate() in state ${this.stateValue}`);
    this.stateValue = "allocating";
    this.requests.start(now, { kind: "allocate", lifetimeSec: this.config.lifetimeSec });
  }

  /**
   * Sends `data` to `peer` through the relay. Returns false when it was dropped (permission limit,
   * queue full; counted). Throws UsageError when not allocated or `data` is over MAX_TURN_PAYLOAD.
   */
  sendTo(now: Millis, peer: TransportAddr, data: Uint8Array): boolean {
    if (this.stateValue !== "allocated") throw new UsageError(`sendTo() in state ${this.stateValue}`);
    if (data.length > MAX_TURN_PAYLOAD) throw new UsageError(`payload over ${MAX_TURN_PAYLOAD} bytes`);
    return this.peers.sendTo(now, peer, data);
  }

  /** RFC 8656 §10: installs (and keeps refreshed) a permission for a peer IP. False at the limit. */
  createPermission(now: Millis, peerAddress: string): boolean {
    if (this.stateValue !== "allocated")
      throw new UsageError(`createPermission() in state ${this.stateValue}`);
    return this.peers.ensurePermission(now, peerAddress) !== undefined;
  }

  /** RFC 8656 §12: binds (and keeps re-binding) a channel to a peer; its number, or undefined at the limit. */
  bindChannel(now: Millis, peer: TransportAddr): number | undefined {
    if (this.stateValue !== "allocated") throw new UsageError(`bindChannel() in state ${this.stateValue}`);
    return this.peers.bindChannel(now, peer);
  }

  /** RFC 8656 §8: refreshes now (normally done by the timer). No-op while one is in flight. */
  refresh(now: Millis, lifetimeSec = this.config.lifetimeSec): void {
    if (this.stateValue !== "allocated") throw new UsageError(`refresh() in state ${this.stateValue}`);
    if (this.refreshAt === undefined) return;
    this.refreshAt = undefined;
    this.requests.start(now, { kind: "refresh", lifetimeSec });
  }

  /** RFC 8656 §8: deletes the allocation (Refresh with LIFETIME 0); `closed` follows. */
  close(now: Millis): void {
    const s = this.stateValue;
    if (s === "closing" || s === "closed" || s === "failed") return;
    this.requests.cancelAll();
    this.peers.clear();
    this.refreshAt = undefined;
    if (s !== "allocated") {
      this.transmits.length = 0;
      this.stateValue = "closed";
      this.events.push({ kind: "closed", deallocated: true });
      return;
    }
    this.stateValue = "closing";
    this.requests.start(now, { kind: "refresh", lifetimeSec: 0 });
  }

  /**
   * The adapter lost its way to the server (TCP/TLS connection closed, stream framing lost, socket
   * error): terminal, `failed` with `error` (or `closed` when a close was under way).
   */
  handleTransportClosed(_now: Millis, error: TurnError): void {
    if (this.stateValue === "closing") this.finishClose(false);
    else this.fail(error);
  }

  /** Bytes from the server: one UDP datagram, or one frame cut from the TCP/TLS stream. */
  handleDatagram(now: Millis, data: Uint8Array): void {
    if (this.stateValue === "idle" || this.stateValue === "closed" || this.stateValue === "failed") return;
    if (isChannelData(data)) {
      if (this.stateValue === "allocated") this.peers.handleChannelData(data);
      else this.counters["channel-data-unknown-channel"]++;
      return;
    }
    const decoded = decodeStunMessage(data);
    if (!decoded.ok) {
      this.counters.malformed++;
      return;
    }
    const msg = decoded.value;
    if (msg.class === "indication" && msg.method === StunMethod.Data) {
      if (this.stateValue === "allocated") this.peers.handleDataIndication(msg);
      else this.counters["data-unpermitted-peer"]++;
    } else if (msg.class === "success" || msg.class === "error") this.handleResponse(now, msg);
    else this.counters["stun-unexpected"]++;
  }

  handleTimeout(now: Millis): void {
    if (this.stateValue === "idle" || this.stateValue === "closed" || this.stateValue === "failed") return;
    this.requests.handleTimeout(now);
    for (let r = this.requests.pollTimedOut(); r !== undefined; r = this.requests.pollTimedOut()) {
      this.handleTransactionTimeout(now, r);
      if (this.isOver()) return;
    }
    if (this.stateValue !== "allocated") return;
    if (this.refreshAt !== undefined && this.refreshAt <= now) this.refresh(now);
    this.peers.handleTimeout(now);
  }

  private isOver(): boolean {
    return this.stateValue === "failed" || this.stateValue === "closed";
  }

  pollTransmit(): TurnTransmit | undefined {
    return this.transmits.shift();
  }

  pollEvent(): TurnEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): Millis | undefined {
    if (this.stateValue === "closed" || this.stateValue === "failed" || this.stateValue === "idle")
      return undefined;
    let t = this.requests.pollTimeout();
    const later = (x: Millis | undefined): void => {
      if (x !== undefined && (t === undefined || x < t)) t = x;
    };
    if (this.stateValue === "allocated") {
      later(this.refreshAt);
      later(this.peers.nextTimeout());
    }
    return t;
  }

  // ---- responses --------------------------------------------------------------------------------------

  private handleResponse(now: Millis, msg: DecodedStunMessage): void {
    const answer = this.requests.handleResponse(now, msg);
    if (answer === undefined) return;
    const { request, code } = answer;
    switch (request.kind) {
      case "allocate":
        if (msg.class === "success") this.onAllocated(now, msg);
        else this.fail(turnErrorFromResponse(request, msg));
        return;
      case "refresh":
        // A 437 to the Refresh 0 means the allocation is gone already: deallocated all the same.
        if (this.stateValue === "closing") this.finishClose(msg.class === "success" || code === 437);
        else if (msg.class === "success") this.onRefreshed(now, request, msg);
        else
          this.fail(
            new TurnError("refresh-failed", turnErrorFromResponse(request, msg).message, { stunCode: code }),
          );
        return;
      case "create-permission":
        if (msg.class === "success") this.peers.onPermission(now, request.peerAddress);
        else this.peers.permissionFailed(request.peerAddress, turnErrorFromResponse(request, msg));
        return;
      case "channel-bind":
        if (msg.class === "success") this.peers.onChannelBound(now, request.peer, request.channelNumber);
        else this.peers.channelFailed(request.peer, turnErrorFromResponse(request, msg));
        return;
    }
  }

  private handleTransactionTimeout(now: Millis, request: TurnRequest): void {
    switch (request.kind) {
      case "allocate":
        this.fail(new TurnError("server-unreachable", "Allocate timed out"));
        return;
      case "refresh":
        if (this.stateValue === "closing") this.finishClose(false);
        else if (this.expiresAtMs !== undefined && now < this.expiresAtMs) {
          this.requests.start(now, request); // the allocation still lives: try again
        } else this.fail(new TurnError("refresh-failed", "Refresh timed out and the allocation expired"));
        return;
      case "create-permission":
        this.peers.permissionFailed(
          request.peerAddress,
          new TurnError("timeout", "CreatePermission timed out"),
        );
        return;
      case "channel-bind":
        this.peers.channelFailed(request.peer, new TurnError("timeout", "ChannelBind timed out"));
        return;
    }
  }

  // ---- allocation -------------------------------------------------------------------------------------

  private onAllocated(now: Millis, msg: DecodedStunMessage): void {
    const relayed = getAttribute(msg, "xor-relayed-address")?.value;
    if (relayed === undefined) {
      this.fail(new TurnError("protocol-error", "Allocate success without XOR-RELAYED-ADDRESS"));
      return;
    }
    this.relayed = relayed;
    this.mapped = getAttribute(msg, "xor-mapped-address")?.value;
    this.stateValue = "allocated";
    this.setLifetime(now, getAttribute(msg, "lifetime")?.value ?? this.config.lifetimeSec ?? 600);
    this.events.push({ kind: "allocated", relayed, mapped: this.mapped, lifetimeSec: this.lifetime });
  }

  private onRefreshed(
    now: Millis,
    request: TurnRequest & { kind: "refresh" },
    msg: DecodedStunMessage,
  ): void {
    this.counters.refreshes++;
    this.setLifetime(now, getAttribute(msg, "lifetime")?.value ?? request.lifetimeSec ?? this.lifetime);
    this.events.push({ kind: "refreshed", lifetimeSec: this.lifetime });
  }

  /** Refresh at lifetime − 60 s, or at half the lifetime when it is 2 minutes or less. */
  private setLifetime(now: Millis, lifetimeSec: number): void {
    this.lifetime = lifetimeSec;
    this.expiresAtMs = now + lifetimeSec * 1000;
    const refreshInSec = lifetimeSec > 120 ? lifetimeSec - 60 : lifetimeSec / 2;
    this.refreshAt = now + refreshInSec * 1000;
  }

  private finishClose(deallocated: boolean): void {
    this.requests.cancelAll();
    this.stateValue = "closed";
    this.events.push({ kind: "closed", deallocated });
  }

  private fail(error: TurnError): void {
    if (this.stateValue === "failed" || this.stateValue === "closed") return;
    this.requests.cancelAll();
    this.transmits.length = 0;
    this.peers.clear();
    this.refreshAt = undefined;
    this.stateValue = "failed";
    this.events.push({ kind: "failed", error });
  }
}
