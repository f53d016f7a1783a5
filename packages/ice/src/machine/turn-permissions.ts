/**
 * The client's view of an allocation's permissions (RFC 8656 §9) and channel bindings (§12), bounded.
 *
 * ```
 * permission   per peer IP address, lasts 300 s on the server (§9): refreshed every permissionRefreshMs
 *              (default 240 s) by CreatePermission, and by a ChannelBind to any port of that IP (§12.2)
 * channel      per peer transport address, a number in 0x4000–0x4FFF, lasts 600 s (§12): re-bound
 *              every channelRefreshMs (default 540 s) with the same number and peer
 * ```
 * While a permission is not installed yet, data for its peers waits in a bounded queue.
 */
import { CHANNEL_NUMBER_MAX, CHANNEL_NUMBER_MIN } from "../wire/channel-data.js";
import type { TransportAddr } from "../wire/transport-address.js";
import type { Millis } from "./stun-transaction.js";

export interface QueuedSend {
  readonly peer: TransportAddr;
  readonly data: Uint8Array;
}

export interface TurnPermission {
  readonly peerAddress: string;
  /** "pending" until the first CreatePermission (or ChannelBind) succeeds. */
  state: "pending" | "installed";
  /** When to refresh it; undefined while a request for it is in flight or before it is installed. */
  refreshAt: Millis | undefined;
  inFlight: boolean;
  readonly queue: QueuedSend[];
}

export interface TurnChannel {
  readonly channelNumber: number;
  readonly peer: TransportAddr;
  /** "pending" until the first ChannelBind succeeds: no ChannelData may be sent before (§12.1). */
  state: "pending" | "bound";
  refreshAt: Millis | undefined;
  inFlight: boolean;
}

export function peerKey(peer: TransportAddr): string {
  return `${peer.address}|${peer.port}`;
}

export class TurnPeerTable {
  private readonly permissions = new Map<string, TurnPermission>();
  private readonly channelsByPeer = new Map<string, TurnChannel>();
  private readonly channelsByNumber = new Map<number, TurnChannel>();

  constructor(
    readonly maxPermissions: number,
    readonly maxChannels: number,
  ) {}

  permission(peerAddress: string): TurnPermission | undefined {
    return this.permissions.get(peerAddress);
  }

  /** A new pending permission; undefined at the limit. */
  addPermission(peerAddress: string): TurnPermission | undefined {
    if (this.permissions.size >= this.maxPermissions) return undefined;
    const p: TurnPermission = {
      peerAddress,
      state: "pending",
      refreshAt: undefined,
      inFlight: false,
      queue: [],
    };
    this.permissions.set(peerAddress, p);
    return p;
  }

  /** Forgets a permission and the channels to its IP; returns them so the caller can report. */
  removePermission(peerAddress: string): { dropped: number; channels: TurnChannel[] } {
    const p = this.permissions.get(peerAddress);
    this.permissions.delete(peerAddress);
    const channels = [...this.channelsByPeer.values()].filter((c) => c.peer.address === peerAddress);
    for (const c of channels) this.removeChannel(c);
    return { dropped: p?.queue.length ?? 0, channels };
  }

  channelForPeer(peer: TransportAddr): TurnChannel | undefined {
    return this.channelsByPeer.get(peerKey(peer));
  }

  channelByNumber(channelNumber: number): TurnChannel | undefined {
    return this.channelsByNumber.get(channelNumber);
  }

  /** A new pending channel with the lowest free number; undefined at the limit. */
  addChannel(peer: TransportAddr): TurnChannel | undefined {
    if (this.channelsByPeer.size >= this.maxChannels) return undefined;
    let n = CHANNEL_NUMBER_MIN;
    while (this.channelsByNumber.has(n)) n++;
    if (n > CHANNEL_NUMBER_MAX) return undefined;
    const c: TurnChannel = {
      channelNumber: n,
      peer,
      state: "pending",
      refreshAt: undefined,
      inFlight: false,
    };
    this.channelsByPeer.set(peerKey(peer), c);
    this.channelsByNumber.set(n, c);
    return c;
  }

  removeChannel(c: TurnChannel): void {
    this.channelsByPeer.delete(peerKey(c.peer));
    this.channelsByNumber.delete(c.channelNumber);
  }

  allPermissions(): IterableIterator<TurnPermission> {
    return this.permissions.values();
  }

  allChannels(): IterableIterator<TurnChannel> {
    return this.channelsByPeer.values();
  }

  get permissionCount(): number {
    return this.permissions.size;
  }

  get channelCount(): number {
    return this.channelsByPeer.size;
  }

  /** The earliest refresh deadline of a permission or channel. */
  nextRefresh(): Millis | undefined {
    let t: Millis | undefined;
    for (const p of this.permissions.values()) {
      if (p.refreshAt !== undefined && (t === undefined || p.refreshAt < t)) t = p.refreshAt;
    }
    for (const c of this.channelsByPeer.values()) {
      if (c.refreshAt !== undefined && (t === undefined || c.refreshAt < t)) t = c.refreshAt;
    }
    return t;
  }

  clear(): void {
    this.permissions.clear();
    this.channelsByPeer.clear();
    this.channelsByNumber.clear();
  }
}
