/** Configuration, events and output of the sans-IO TURN client (RFC 8656). */
import type { TransportAddr } from "../wire/transport-address.js";
import { UsageError } from "./ice-error.js";
import type { TurnError } from "./turn-error.js";

export interface TurnAllocationConfig {
  /** The TURN server's transport address (already resolved to an IP literal). */
  readonly server: TransportAddr;
  readonly username: string;
  /** The long-term credential password, used as given (no OpaqueString preparation). */
  readonly password: string;
  /** Random bytes (transaction ids): crypto.randomBytes in production, seeded in tests. */
  readonly random: (n: number) => Uint8Array;
  /**
   * How the client reaches the server. "udp": requests are retransmitted (RFC 8489 §6.2.1) and
   * ChannelData is not padded. "tcp" / "tls": a reliable stream — one send per request, 39.5 s
   * timeout (§6.2.2), ChannelData padded to 4 bytes (RFC 8656 §12.5). Default "udp".
   */
  readonly transport?: "udp" | "tcp" | "tls";
  /** LIFETIME to ask for in Allocate and Refresh; absent = the server's default (600 s). */
  readonly lifetimeSec?: number;
  /** Initial RTO over UDP; default 500 ms. */
  readonly rtoMs?: number;
  /** Bound on permissions (peer IPs); default 32. */
  readonly maxPermissions?: number;
  /** Bound on channel bindings; default 32, at most 4096. */
  readonly maxChannels?: number;
  /** Datagrams held per peer IP while its permission is being created; default 16. */
  readonly maxQueuedPerPeer?: number;
  /**
   * "auto" (default): the first sendTo to a peer also binds a channel, and data goes as ChannelData
   * once bound (Send indications before). "manual": only bindChannel() binds.
   */
  readonly channelBinding?: "auto" | "manual";
  /** Refresh each permission this long after it was installed; default 240 s (they last 300 s). */
  readonly permissionRefreshSec?: number;
  /** Re-bind each channel this long after it was bound; default 540 s (they last 600 s). */
  readonly channelRefreshSec?: number;
  /** 438 Stale Nonce retries of one request before giving up; default 3. */
  readonly maxStaleNonceRetries?: number;
  /** SOFTWARE attribute in requests; none by default. */
  readonly software?: string;
}

export type ResolvedTurnAllocationConfig = Required<Omit<TurnAllocationConfig, "lifetimeSec" | "software">> &
  Pick<TurnAllocationConfig, "lifetimeSec" | "software">;

function bounded(name: string, v: number | undefined, dflt: number, min: number, max: number): number {
  const x = v ?? dflt;
  if (!Number.isFinite(x) || x < min || x > max) {
    throw new UsageError(`${name} must be within [${min}, ${max}], got ${String(v)}`);
  }
  return x;
}

export function resolveTurnAllocationConfig(c: TurnAllocationConfig): ResolvedTurnAllocationConfig {
  if (typeof c.random !== "function") throw new UsageError("TurnAllocationConfig.random is required");
  if (c.username.length === 0) throw new UsageError("TurnAllocationConfig.username is empty");
  const transport = c.transport ?? "udp";
  if (transport !== "udp" && transport !== "tcp" && transport !== "tls") {
    throw new UsageError(`unknown TURN transport ${String(transport)}`);
  }
  return {
    server: c.server,
    username: c.username,
    password: c.password,
    random: c.random,
    transport,
    lifetimeSec:
      c.lifetimeSec === undefined ? undefined : bounded("lifetimeSec", c.lifetimeSec, 600, 1, 0xffffffff),
    rtoMs: bounded("rtoMs", c.rtoMs, 500, 1, 60_000),
    maxPermissions: bounded("maxPermissions", c.maxPermissions, 32, 1, 4096),
    maxChannels: bounded("maxChannels", c.maxChannels, 32, 0, 4096),
    maxQueuedPerPeer: bounded("maxQueuedPerPeer", c.maxQueuedPerPeer, 16, 0, 1024),
    channelBinding: c.channelBinding ?? "auto",
    permissionRefreshSec: bounded("permissionRefreshSec", c.permissionRefreshSec, 240, 1, 299),
    channelRefreshSec: bounded("channelRefreshSec", c.channelRefreshSec, 540, 1, 599),
    maxStaleNonceRetries: bounded("maxStaleNonceRetries", c.maxStaleNonceRetries, 3, 0, 16),
    software: c.software,
  };
}

/** Bytes for the TURN server. Over TCP/TLS, write them to the stream as they come. */
export interface TurnTransmit {
  readonly to: TransportAddr;
  readonly data: Uint8Array;
}

export type TurnAllocationState = "idle" | "allocating" | "allocated" | "closing" | "closed" | "failed";

export type TurnEvent =
  /** RFC 8656 §7.3: XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS (our server-reflexive address), LIFETIME. */
  | {
      readonly kind: "allocated";
      readonly relayed: TransportAddr;
      readonly mapped: TransportAddr | undefined;
      readonly lifetimeSec: number;
    }
  /** A Refresh succeeded (RFC 8656 §8). */
  | { readonly kind: "refreshed"; readonly lifetimeSec: number }
  /** A permission was installed for the first time (RFC 8656 §9). */
  | { readonly kind: "permission-created"; readonly peerAddress: string }
  /** A permission could not be created or refreshed; its queued data was dropped. Not fatal. */
  | { readonly kind: "permission-failed"; readonly peerAddress: string; readonly error: TurnError }
  /** A channel was bound for the first time (RFC 8656 §12). */
  | { readonly kind: "channel-bound"; readonly peer: TransportAddr; readonly channelNumber: number }
  /** A ChannelBind failed: the peer stays on Send indications. Not fatal. */
  | {
      readonly kind: "channel-failed";
      readonly peer: TransportAddr;
      readonly channelNumber: number;
      readonly error: TurnError;
    }
  /** Data relayed from a peer, by Data indication (`channelNumber` undefined) or ChannelData. */
  | {
      readonly kind: "data";
      readonly peer: TransportAddr;
      readonly data: Uint8Array;
      readonly channelNumber: number | undefined;
    }
  /** Fatal: the machine is in the "failed" state. */
  | { readonly kind: "failed"; readonly error: TurnError }
  /**
   * After close(): `deallocated` when the server answered the Refresh with LIFETIME 0 (or there was
   * no allocation yet); false when that was abandoned (timeout, connection lost).
   */
  | { readonly kind: "closed"; readonly deallocated: boolean };
