import type { TransportAddr } from "../../src/wire/transport-address.js";
import type { Prng } from "./prng.js";

type Millis = number;

/**
 * RFC 4787 §4.1 mapping behaviour: when is an existing external port reused for a new destination?
 * - "endpoint-independent": one mapping per internal address, whatever the destination (a "cone" NAT).
 * - "address-dependent": one per (internal address, destination IP).
 * - "address-and-port-dependent": one per (internal address, destination IP and port) — the
 *   "symmetric" NAT that defeats server-reflexive candidates.
 */
export type NatMappingBehavior = "endpoint-independent" | "address-dependent" | "address-and-port-dependent";

/**
 * RFC 4787 §5 filtering behaviour: which inbound packets on a mapping are let through?
 * - "endpoint-independent": any remote ("full cone").
 * - "address-dependent": a remote IP the internal endpoint has sent to ("restricted cone").
 * - "address-and-port-dependent": a remote IP and port it has sent to ("port-restricted cone").
 */
export type NatFilteringBehavior =
  | "endpoint-independent"
  | "address-dependent"
  | "address-and-port-dependent";

export interface SimNatOptions {
  /** The NAT's one public IP (external address of every mapping). */
  readonly publicAddress: string;
  /** Default "endpoint-independent" (RFC 4787 REQ-1). */
  readonly mapping?: NatMappingBehavior;
  /** Default "address-and-port-dependent" (the common home-router behaviour). */
  readonly filtering?: NatFilteringBehavior;
  /** First external port to hand out; default drawn from the seeded PRNG in [20000, 59999]. */
  readonly portStart?: number;
  /** A mapping unused outbound for this long is forgotten (RFC 4787 §4.3; REQ-5 says >= 2 min). */
  readonly mappingTimeoutMs?: number;
  /** A label for traces. */
  readonly name?: string;
}

/** One NAT binding: internal transport address ↔ external port, with the remotes it has sent to. */
export interface NatMappingEntry {
  readonly internal: TransportAddr;
  readonly external: TransportAddr;
  /** The destination part of the mapping key ("" for endpoint-independent mapping). */
  readonly destination: string;
  readonly lastOutboundMs: Millis;
}

export type NatInboundResult =
  | { readonly ok: true; readonly internal: TransportAddr }
  | { readonly ok: false; readonly reason: "nat-no-mapping" | "nat-filtered" };

export interface NatCounters {
  mappingsCreated: number;
  mappingsExpired: number;
  portsExhausted: number;
  inboundNoMapping: number;
  inboundFiltered: number;
  inboundPassed: number;
}

const PORT_MIN = 1024;
const PORT_MAX = 65535;

interface Mapping {
  readonly internal: TransportAddr;
  readonly externalPort: number;
  readonly key: string;
  readonly destination: string;
  /** "a:<ip>" and "ap:<ip>:<port>" of every remote sent to through this mapping. */
  readonly permissions: Set<string>;
  lastOutboundMs: Millis;
}

/** "ip:port", with brackets around an IPv6 literal: a map key, and readable in traces. */
export function transportKey(a: TransportAddr): string {
  return a.address.includes(":") ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/**
 * An emulated NAT box (RFC 4787 behaviours) between a private realm and the simulated network. It
 * is passive: `SimNetwork` calls `translateOutbound` when a private host sends to an address outside
 * its realm and `translateInbound` when a packet for `publicAddress` arrives. Hairpinning (a private
 * host sending to the NAT's own public address) works like any inbound packet (RFC 4787 REQ-9).
 */
export class SimNat {
  readonly name: string;
  readonly publicAddress: string;
  readonly mapping: NatMappingBehavior;
  readonly filtering: NatFilteringBehavior;
  readonly mappingTimeoutMs: number | undefined;
  readonly counters: NatCounters = {
    mappingsCreated: 0,
    mappingsExpired: 0,
    portsExhausted: 0,
    inboundNoMapping: 0,
    inboundFiltered: 0,
    inboundPassed: 0,
  };
  readonly #byKey = new Map<string, Mapping>();
  readonly #byPort = new Map<number, Mapping>();
  #nextPort: number;

  constructor(options: SimNatOptions, prng: Prng) {
    this.publicAddress = options.publicAddress;
    this.name = options.name ?? `nat(${options.publicAddress})`;
    this.mapping = options.mapping ?? "endpoint-independent";
    this.filtering = options.filtering ?? "address-and-port-dependent";
    this.mappingTimeoutMs = options.mappingTimeoutMs;
    const start = options.portStart ?? prng.int(20000, 59999);
    if (!Number.isInteger(start) || start < PORT_MIN || start > PORT_MAX) {
      throw new RangeError(`SimNat portStart must be in [${PORT_MIN}, ${PORT_MAX}], got ${start}`);
    }
    this.#nextPort = start;
  }

  /**
   * A packet from `internal` to `remote` leaves the NAT: find or create the mapping (RFC 4787 §4.1),
   * refresh it (REQ-6: outbound refresh) and remember `remote` for filtering. Returns the external
   * source address, or undefined when every port is taken.
   */
  translateOutbound(now: Millis, internal: TransportAddr, remote: TransportAddr): TransportAddr | undefined {
    const destination =
      this.mapping === "endpoint-independent"
        ? ""
        : this.mapping === "address-dependent"
          ? remote.address
          : transportKey(remote);
    const key = `${transportKey(internal)}>${destination}`;
    let m = this.#byKey.get(key);
    if (m !== undefined && this.#expired(now, m)) {
      this.#remove(m);
      m = undefined;
    }
    if (m === undefined) {
      const port = this.#allocatePort(now);
      if (port === undefined) {
        this.counters.portsExhausted++;
        return undefined;
      }
      m = { internal, externalPort: port, key, destination, permissions: new Set(), lastOutboundMs: now };
      this.#byKey.set(key, m);
      this.#byPort.set(port, m);
      this.counters.mappingsCreated++;
    }
    m.lastOutboundMs = now;
    m.permissions.add(`a:${remote.address}`);
    m.permissions.add(`ap:${transportKey(remote)}`);
    return { address: this.publicAddress, port: m.externalPort };
  }

  /** A packet from `remote` arrives at `publicAddress:externalPort`: apply RFC 4787 §5 filtering. */
  translateInbound(now: Millis, remote: TransportAddr, externalPort: number): NatInboundResult {
    const m = this.#byPort.get(externalPort);
    if (m === undefined || this.#expired(now, m)) {
      if (m !== undefined) this.#remove(m);
      this.counters.inboundNoMapping++;
      return { ok: false, reason: "nat-no-mapping" };
    }
    const allowed =
      this.filtering === "endpoint-independent" ||
      (this.filtering === "address-dependent" && m.permissions.has(`a:${remote.address}`)) ||
      (this.filtering === "address-and-port-dependent" && m.permissions.has(`ap:${transportKey(remote)}`));
    if (!allowed) {
      this.counters.inboundFiltered++;
      return { ok: false, reason: "nat-filtered" };
    }
    this.counters.inboundPassed++;
    return { ok: true, internal: m.internal };
  }

  /** The live mappings at `now` (for assertions). */
  mappings(now: Millis): NatMappingEntry[] {
    const out: NatMappingEntry[] = [];
    for (const m of this.#byKey.values()) {
      if (this.#expired(now, m)) continue;
      out.push({
        internal: m.internal,
        external: { address: this.publicAddress, port: m.externalPort },
        destination: m.destination,
        lastOutboundMs: m.lastOutboundMs,
      });
    }
    return out;
  }

  #expired(now: Millis, m: Mapping): boolean {
    return this.mappingTimeoutMs !== undefined && now - m.lastOutboundMs >= this.mappingTimeoutMs;
  }

  #remove(m: Mapping): void {
    this.#byKey.delete(m.key);
    this.#byPort.delete(m.externalPort);
    this.counters.mappingsExpired++;
  }

  /** Sequential from the seeded start, wrapping, skipping ports in use (reclaiming expired ones). */
  #allocatePort(now: Millis): number | undefined {
    for (let tries = 0; tries <= PORT_MAX - PORT_MIN; tries++) {
      const port = this.#nextPort;
      this.#nextPort = port >= PORT_MAX ? PORT_MIN : port + 1;
      const used = this.#byPort.get(port);
      if (used === undefined) return port;
      if (this.#expired(now, used)) {
        this.#remove(used);
        return port;
      }
    }
    return undefined;
  }
}
