import type { TransportAddr } from "../../src/wire/transport-address.js";
import type { Bottleneck } from "./bottleneck.js";
import type { SimNat } from "./nat.js";

/** The shapes of the simulated network (sim-network.ts): endpoints, link rules, counters, trace events. */
export type Millis = number;

export interface SimTransmit {
  readonly from: TransportAddr;
  readonly to: TransportAddr;
  readonly data: Uint8Array;
}

/** What a simulated host drives: the ICE agent implements exactly this shape. */
export interface SimEndpoint {
  handleDatagram(now: Millis, local: TransportAddr, remote: TransportAddr, data: Uint8Array): void;
  handleTimeout(now: Millis): void;
  pollTransmit(): SimTransmit | undefined;
  pollTimeout(): Millis | undefined;
}

export type SimDropReason =
  | "unknown-source"
  | "unknown-destination"
  | "over-mtu"
  | "link-blocked"
  | "lost"
  | "nat-no-mapping"
  | "nat-filtered"
  | "nat-ports-exhausted"
  | "queue-full";

/** One datagram at one point of its way: `from`/`to` as seen there (`to` as addressed by the sender). */
interface SimHop {
  readonly at: Millis;
  readonly from: TransportAddr;
  readonly to: TransportAddr;
  readonly size: number;
}

export type SimTraceEvent =
  | (SimHop & { readonly kind: "send"; readonly host: string })
  | (SimHop & { readonly kind: "drop"; readonly reason: SimDropReason })
  | (SimHop & { readonly kind: "duplicate" })
  /** Delivered to `host`: `to` is the local address it arrived on (after inbound NAT), `from` the remote. */
  | (SimHop & { readonly kind: "deliver"; readonly host: string })
  | {
      readonly kind: "nat-out";
      readonly at: Millis;
      readonly nat: string;
      readonly internal: TransportAddr;
      readonly external: TransportAddr;
      readonly to: TransportAddr;
    };

export interface SimNetworkOptions {
  readonly seed: number;
  /** Probability each datagram is lost, 0..1. Default 0. */
  readonly lossRate?: number;
  /** One-way delay drawn uniformly per datagram from [min, max] whole ms; unequal draws reorder. Default [0, 0]. */
  readonly delayMs?: readonly [Millis, Millis];
  /** Probability a datagram is delivered twice (the copy gets its own delay). Default 0. */
  readonly duplicateRate?: number;
  /** Largest UDP payload carried, in bytes; bigger ones are dropped ("over-mtu"). Default: no limit. */
  readonly mtu?: number;
  readonly trace?: (event: SimTraceEvent) => void;
}

/** Matches a transport address: `port` omitted matches every port of `address`. */
export interface AddrPattern {
  readonly address: string;
  readonly port?: number;
}

/**
 * A per-link override, active for sends at `fromMs <= now < untilMs`. `from` matches the sender's
 * local address (before any NAT), `to` the address it sent to; an omitted side matches anything.
 * Among active matching rules, later rules override earlier ones field by field.
 */
export interface LinkRule {
  readonly from?: AddrPattern;
  readonly to?: AddrPattern;
  readonly fromMs?: Millis;
  readonly untilMs?: Millis;
  /** Drop everything on this link ("link-blocked"). */
  readonly drop?: boolean;
  readonly lossRate?: number;
  readonly delayMs?: readonly [Millis, Millis];
  readonly duplicateRate?: number;
  /**
   * Send matching datagrams through this bottleneck (a rate and a drop-tail queue, `bottleneck.ts`): they
   * arrive when it has sent them, plus the link's delay; a full queue drops them ("queue-full").
   */
  readonly bottleneck?: Bottleneck;
}

export interface DirectionCounters {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Dropped for any other reason than random loss (blocked, filtered, unknown address, MTU). */
  dropped: number;
}

export interface SimNetworkCounters {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  dropped: Record<SimDropReason, number>;
}

export interface SimHost {
  readonly id: number;
  readonly name: string;
  readonly endpoint: SimEndpoint;
  readonly addresses: readonly TransportAddr[];
  /** The NAT in front of this host (its addresses are private to that NAT's realm), if any. */
  readonly nat: SimNat | undefined;
}
