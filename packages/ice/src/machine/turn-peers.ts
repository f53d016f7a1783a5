/**
 * The peer side of a TURN allocation (RFC 8656 §9–§12): permissions, channel bindings, and the data
 * that goes through them, as a sub-machine of TurnAllocation (which owns the transactions, the clock
 * and the output queues and hands them in as a `TurnPeersHost`).
 *
 * ```
 * sendTo(peer)  -> CreatePermission(peer IP) if none      -> data queued (bounded) until installed
 *               -> ChannelBind(peer) if "auto" and room     -> ChannelData once bound (§12.1)
 *               -> else Send indication (XOR-PEER-ADDRESS, DATA) once permitted (§11.1)
 * server        -> Data indication from a permitted IP (§11.4), ChannelData on a bound channel (§12.6)
 * timers        -> CreatePermission again at permissionRefreshSec, ChannelBind again at channelRefreshSec
 * ```
 */
import { CHANNEL_DATA_MAX_LENGTH, decodeChannelData, encodeChannelData } from "../wire/channel-data.js";
import { encodeStunMessage, getAttribute } from "../wire/stun-message.js";
import { type DecodedStunMessage, StunMethod } from "../wire/stun-message-types.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { Millis } from "./stun-transaction.js";
import type { ResolvedTurnAllocationConfig, TurnEvent } from "./turn-allocation-config.js";
import type { TurnCounters, TurnError } from "./turn-error.js";
import { peerKey, type TurnChannel, TurnPeerTable, type TurnPermission } from "./turn-permissions.js";
import type { TurnRequest } from "./turn-requests.js";

/** What TurnPeers needs from the allocation that owns it. */
export interface TurnPeersHost {
  readonly config: ResolvedTurnAllocationConfig;
  readonly counters: TurnCounters;
  startRequest(now: Millis, request: TurnRequest): void;
  /** Queues bytes for the server. */
  transmit(data: Uint8Array): void;
  emit(event: TurnEvent): void;
}

/** Bound on the peers remembered as "no channel" (they would otherwise grow with every new peer port). */
const MAX_NO_CHANNEL_PEERS = 4096;

export class TurnPeers {
  private readonly table: TurnPeerTable;
  /** Peers left on Send indications: the channel table was full, or their ChannelBind failed. */
  private readonly noChannel = new Set<string>();

  constructor(private readonly host: TurnPeersHost) {
    this.table = new TurnPeerTable(host.config.maxPermissions, host.config.maxChannels);
  }

  hasPermission(peerAddress: string): boolean {
    return this.table.permission(peerAddress)?.state === "installed";
  }

  channelNumberOf(peer: TransportAddr): number | undefined {
    const c = this.table.channelForPeer(peer);
    return c?.state === "bound" ? c.channelNumber : undefined;
  }

  /** See TurnAllocation.sendTo. */
  sendTo(now: Millis, peer: TransportAddr, data: Uint8Array): boolean {
    const permission = this.ensurePermission(now, peer.address);
    if (permission === undefined) {
      this.host.counters["send-permission-limit"]++;
      return false;
    }
    if (this.host.config.channelBinding === "auto") this.ensureChannel(now, peer);
    return this.deliver(permission, peer, data);
  }

  /** See TurnAllocation.bindChannel. */
  bindChannel(now: Millis, peer: TransportAddr): number | undefined {
    if (this.ensurePermission(now, peer.address) === undefined) return undefined;
    this.noChannel.delete(peerKey(peer));
    return this.ensureChannel(now, peer)?.channelNumber;
  }

  /** Starts the refreshes that are due. */
  handleTimeout(now: Millis): void {
    for (const p of [...this.table.allPermissions()]) {
      if (p.refreshAt !== undefined && p.refreshAt <= now) this.requestPermission(now, p);
    }
    for (const c of [...this.table.allChannels()]) {
      if (c.refreshAt !== undefined && c.refreshAt <= now) this.requestChannel(now, c);
    }
  }

  nextTimeout(): Millis | undefined {
    return this.table.nextRefresh();
  }

  clear(): void {
    this.table.clear();
    this.noChannel.clear();
  }

  ensurePermission(now: Millis, peerAddress: string): TurnPermission | undefined {
    const existing = this.table.permission(peerAddress);
    if (existing !== undefined) return existing;
    const p = this.table.addPermission(peerAddress);
    if (p !== undefined) this.requestPermission(now, p);
    return p;
  }

  private requestPermission(now: Millis, p: TurnPermission): void {
    p.refreshAt = undefined;
    p.inFlight = true;
    this.host.startRequest(now, { kind: "create-permission", peerAddress: p.peerAddress });
  }

  ensureChannel(now: Millis, peer: TransportAddr): TurnChannel | undefined {
    const existing = this.table.channelForPeer(peer);
    if (existing !== undefined) return existing;
    const key = peerKey(peer);
    if (this.noChannel.has(key)) return undefined;
    const c = this.table.addChannel(peer);
    if (c === undefined) {
      if (this.noChannel.size >= MAX_NO_CHANNEL_PEERS) this.noChannel.clear();
      this.noChannel.add(key);
      this.host.counters["channel-limit"]++;
      return undefined;
    }
    this.requestChannel(now, c);
    return c;
  }

  private requestChannel(now: Millis, c: TurnChannel): void {
    c.refreshAt = undefined;
    c.inFlight = true;
    this.host.startRequest(now, { kind: "channel-bind", peer: c.peer, channelNumber: c.channelNumber });
  }

  onPermission(now: Millis, peerAddress: string): void {
    const p = this.table.permission(peerAddress);
    if (p === undefined) return;
    this.installPermission(now, p);
  }

  private installPermission(now: Millis, p: TurnPermission): void {
    const first = p.state === "pending";
    p.state = "installed";
    p.inFlight = false;
    p.refreshAt = now + this.host.config.permissionRefreshSec * 1000;
    this.host.counters[first ? "permissions-created" : "permissions-refreshed"]++;
    if (first) this.host.emit({ kind: "permission-created", peerAddress: p.peerAddress });
    const queued = p.queue.splice(0);
    for (const q of queued) this.deliver(p, q.peer, q.data);
  }

  permissionFailed(peerAddress: string, error: TurnError): void {
    if (this.table.permission(peerAddress) === undefined) return;
    const { dropped } = this.table.removePermission(peerAddress);
    this.host.counters["permission-failures"]++;
    this.host.counters["send-dropped-permission-failed"] += dropped;
    this.host.emit({ kind: "permission-failed", peerAddress, error });
  }

  onChannelBound(now: Millis, peer: TransportAddr, channelNumber: number): void {
    const c = this.table.channelForPeer(peer);
    if (c === undefined || c.channelNumber !== channelNumber) return;
    const first = c.state === "pending";
    c.state = "bound";
    c.inFlight = false;
    c.refreshAt = now + this.host.config.channelRefreshSec * 1000;
    this.host.counters[first ? "channels-bound" : "channels-refreshed"]++;
    if (first) this.host.emit({ kind: "channel-bound", peer, channelNumber });
    // RFC 8656 §12.2: a ChannelBind installs or refreshes the permission for the peer's IP too.
    const p = this.table.permission(peer.address);
    if (p !== undefined && !p.inFlight) this.installPermission(now, p);
    else if (p !== undefined && p.state === "pending") {
      const queued = p.queue.splice(0);
      for (const q of queued) this.deliver(p, q.peer, q.data);
    }
  }

  channelFailed(peer: TransportAddr, error: TurnError): void {
    const c = this.table.channelForPeer(peer);
    if (c === undefined) return;
    this.table.removeChannel(c);
    this.noChannel.add(peerKey(peer));
    this.host.counters["channel-bind-failures"]++;
    this.host.emit({ kind: "channel-failed", peer, channelNumber: c.channelNumber, error });
  }

  /** ChannelData when bound, a Send indication when permitted, else queue. */
  deliver(p: TurnPermission, peer: TransportAddr, data: Uint8Array): boolean {
    const c = this.table.channelForPeer(peer);
    const reliable = this.host.config.transport !== "udp";
    if (c?.state === "bound" && data.length <= CHANNEL_DATA_MAX_LENGTH) {
      this.host.transmit(encodeChannelData({ channelNumber: c.channelNumber, data }, { padded: reliable }));
      this.host.counters["channel-data-sent"]++;
      return true;
    }
    if (p.state === "installed" || c?.state === "bound") {
      const bytes = encodeStunMessage({
        method: StunMethod.Send,
        class: "indication",
        transactionId: this.host.config.random(12),
        attributes: [
          { type: "xor-peer-address", value: peer },
          { type: "data", value: data },
        ],
      });
      this.host.transmit(bytes);
      this.host.counters["send-indications-sent"]++;
      return true;
    }
    if (p.queue.length >= this.host.config.maxQueuedPerPeer) {
      this.host.counters["send-queue-overflow"]++;
      return false;
    }
    p.queue.push({ peer, data: data.slice() });
    return true;
  }

  // ---- data from the server ---------------------------------------------------------------------------

  /** RFC 8656 §11.4: a Data indication from a peer we hold a permission for. */
  handleDataIndication(msg: DecodedStunMessage): void {
    const peer = getAttribute(msg, "xor-peer-address")?.value;
    const data = getAttribute(msg, "data")?.value;
    if (peer === undefined || data === undefined) {
      this.host.counters["data-indication-malformed"]++;
      return;
    }
    if (this.table.permission(peer.address) === undefined) {
      this.host.counters["data-unpermitted-peer"]++;
      return;
    }
    this.host.counters["data-indications-received"]++;
    this.host.emit({ kind: "data", peer, data, channelNumber: undefined });
  }

  /** RFC 8656 §12.6: ChannelData on a channel we bound (or are binding). */
  handleChannelData(bytes: Uint8Array): void {
    const decoded = decodeChannelData(bytes, { padded: this.host.config.transport !== "udp" });
    if (!decoded.ok) {
      this.host.counters.malformed++;
      return;
    }
    const c = this.table.channelByNumber(decoded.value.channelNumber);
    if (c === undefined) {
      this.host.counters["channel-data-unknown-channel"]++;
      return;
    }
    this.host.counters["channel-data-received"]++;
    this.host.emit({
      kind: "data",
      peer: c.peer,
      data: decoded.value.data.slice(),
      channelNumber: c.channelNumber,
    });
  }
}
