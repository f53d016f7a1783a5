import type { TransportAddr } from "../../src/wire/transport-address.js";
import type { Bottleneck } from "./bottleneck.js";
import { SimNat, type SimNatOptions, transportKey } from "./nat.js";
import { Prng } from "./prng.js";
import type {
  AddrPattern,
  DirectionCounters,
  LinkRule,
  Millis,
  SimDropReason,
  SimEndpoint,
  SimHost,
  SimNetworkCounters,
  SimNetworkOptions,
  SimTraceEvent,
  SimTransmit,
} from "./sim-types.js";

export type {
  AddrPattern,
  DirectionCounters,
  LinkRule,
  Millis,
  SimDropReason,
  SimEndpoint,
  SimHost,
  SimNetworkCounters,
  SimNetworkOptions,
  SimTraceEvent,
  SimTransmit,
} from "./sim-types.js";
export { transportKey };

interface InFlight {
  readonly at: Millis;
  readonly seq: number;
  /** Source as the receiver will see it (after outbound NAT translation). */
  readonly from: TransportAddr;
  /** Destination as addressed by the sender. */
  readonly to: TransportAddr;
  /** Realm in which `to` is looked up: a NAT's private side, or undefined for the public network. */
  readonly realm: SimNat | undefined;
  readonly direction: DirectionCounters;
  readonly data: Uint8Array;
}

function matches(p: AddrPattern | undefined, a: TransportAddr): boolean {
  return p === undefined || (p.address === a.address && (p.port === undefined || p.port === a.port));
}

/**
 * A deterministic, sans-IO simulated UDP network (after str0m's and quinn-proto's test networks):
 * a manual clock, one seeded PRNG for loss/delay/duplication/reorder, optional NAT boxes in front of
 * private hosts, per-link rules (with bottlenecks: a rate and a queue), counters and a trace hook. No
 * sockets, no timers, no sleeps: a driver (driver.ts) moves the clock and calls the endpoints.
 */
export class SimNetwork {
  readonly prng: Prng;
  readonly counters: SimNetworkCounters = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    dropped: {
      "unknown-source": 0,
      "unknown-destination": 0,
      "over-mtu": 0,
      "link-blocked": 0,
      lost: 0,
      "nat-no-mapping": 0,
      "nat-filtered": 0,
      "nat-ports-exhausted": 0,
      "queue-full": 0,
    },
  };
  trace: ((event: SimTraceEvent) => void) | undefined;
  readonly #lossRate: number;
  readonly #delayMs: readonly [Millis, Millis];
  readonly #duplicateRate: number;
  readonly #mtu: number;
  readonly #hosts: SimHost[] = [];
  /** realm ("" = public, else the NAT's public address) → transport key → host. */
  readonly #owners = new Map<string, Map<string, SimHost>>();
  readonly #nats = new Map<string, SimNat>();
  readonly #rules: LinkRule[] = [];
  readonly #directions = new Map<string, DirectionCounters>();
  readonly #queue: InFlight[] = [];
  #seq = 0;
  #now: Millis = 0;

  constructor(options: SimNetworkOptions) {
    this.prng = new Prng(options.seed);
    this.#lossRate = options.lossRate ?? 0;
    this.#delayMs = options.delayMs ?? [0, 0];
    this.#duplicateRate = options.duplicateRate ?? 0;
    this.#mtu = options.mtu ?? Number.POSITIVE_INFINITY;
    this.trace = options.trace;
  }

  /** The virtual clock, moved only by `advanceTo` (the driver). */
  now(): Millis {
    return this.#now;
  }

  advanceTo(t: Millis): void {
    if (t < this.#now) throw new RangeError(`SimNetwork clock cannot go back from ${this.#now} to ${t}`);
    this.#now = t;
  }

  hosts(): readonly SimHost[] {
    return this.#hosts;
  }

  /** Add a NAT box; hosts attached with `{ nat }` sit behind it. Its ports come from a fork of the PRNG. */
  createNat(options: SimNatOptions): SimNat {
    if (this.#nats.has(options.publicAddress) || this.#owners.get("")?.has(options.publicAddress)) {
      throw new Error(`SimNetwork: public address ${options.publicAddress} already in use`);
    }
    const nat = new SimNat(options, this.prng.fork());
    this.#nats.set(options.publicAddress, nat);
    return nat;
  }

  /** Attach an endpoint owning `addresses` (private to `opts.nat`'s realm when given). */
  attach(
    endpoint: SimEndpoint,
    addresses: readonly TransportAddr[],
    opts: { readonly name?: string; readonly nat?: SimNat } = {},
  ): SimHost {
    const realmKey = opts.nat?.publicAddress ?? "";
    if (opts.nat !== undefined && this.#nats.get(realmKey) !== opts.nat) {
      throw new Error("SimNetwork.attach: that NAT was not created by this network");
    }
    let owners = this.#owners.get(realmKey);
    if (owners === undefined) {
      owners = new Map();
      this.#owners.set(realmKey, owners);
    }
    for (const a of addresses) {
      if (owners.has(transportKey(a))) throw new Error(`SimNetwork.attach: ${transportKey(a)} already owned`);
      if (realmKey === "" && this.#nats.has(a.address)) {
        throw new Error(`SimNetwork.attach: ${a.address} is a NAT's public address`);
      }
    }
    const host: SimHost = {
      id: this.#hosts.length,
      name: opts.name ?? `host${this.#hosts.length}`,
      endpoint,
      addresses: addresses.map((a) => ({ address: a.address, port: a.port })),
      nat: opts.nat,
    };
    for (const a of host.addresses) owners.set(transportKey(a), host);
    this.#hosts.push(host);
    return host;
  }

  /** Add a link rule; returns a function removing it. */
  addLinkRule(rule: LinkRule): () => void {
    this.#rules.push(rule);
    return () => {
      const i = this.#rules.indexOf(rule);
      if (i >= 0) this.#rules.splice(i, 1);
    };
  }

  /** Block both directions between `a` and `b` (as addressed; see LinkRule) during [fromMs, untilMs). */
  block(a: AddrPattern, b: AddrPattern, window: { fromMs?: Millis; untilMs?: Millis } = {}): () => void {
    const r1 = this.addLinkRule({ from: a, to: b, drop: true, ...window });
    const r2 = this.addLinkRule({ from: b, to: a, drop: true, ...window });
    return () => {
      r1();
      r2();
    };
  }

  /** Make the one direction `from` → `to` silent from `fromMs` on (e.g. consent-freshness loss). */
  silence(from: AddrPattern, to: AddrPattern, fromMs: Millis): () => void {
    return this.addLinkRule({ from, to, drop: true, fromMs });
  }

  /** Counters for datagrams sent from `from` (sender's local address) to `to` (as addressed). */
  direction(from: TransportAddr, to: TransportAddr): DirectionCounters {
    const key = `${transportKey(from)}>${transportKey(to)}`;
    let d = this.#directions.get(key);
    if (d === undefined) {
      d = { sent: 0, delivered: 0, lost: 0, duplicated: 0, dropped: 0 };
      this.#directions.set(key, d);
    }
    return d;
  }

  /** A datagram `host` sends now. Its `from` must be one of the host's addresses. */
  send(host: SimHost, t: SimTransmit): void {
    const now = this.#now;
    const dir = this.direction(t.from, t.to);
    dir.sent++;
    this.counters.sent++;
    this.#emit({ kind: "send", at: now, host: host.name, from: t.from, to: t.to, size: t.data.length });
    if (!host.addresses.some((a) => a.address === t.from.address && a.port === t.from.port)) {
      this.#drop("unknown-source", dir, t.from, t.to, t.data.length);
      return;
    }
    this.#route(host.nat, t.from, t.to, t.data, dir);
  }

  /** A datagram from anywhere on the public network (an attacker, a stray packet): no source check. */
  inject(from: TransportAddr, to: TransportAddr, data: Uint8Array): void {
    const dir = this.direction(from, to);
    dir.sent++;
    this.counters.sent++;
    this.#emit({ kind: "send", at: this.#now, host: "(injected)", from, to, size: data.length });
    this.#route(undefined, from, to, data, dir);
  }

  /** Arrival time of the earliest datagram in flight. */
  nextDeliveryAt(): Millis | undefined {
    return this.#queue[0]?.at;
  }

  inFlight(): number {
    return this.#queue.length;
  }

  /** Hand every datagram due at the current time to its endpoint (NAT filtering applied on arrival). */
  deliverDue(): number {
    let n = 0;
    for (let p = this.#queue[0]; p !== undefined && p.at <= this.#now; p = this.#queue[0]) {
      this.#queue.shift();
      if (this.#arrive(p)) n++;
    }
    return n;
  }

  #route(
    realm: SimNat | undefined,
    from: TransportAddr,
    to: TransportAddr,
    data: Uint8Array,
    dir: DirectionCounters,
  ): void {
    const now = this.#now;
    if (data.length > this.#mtu) {
      this.#drop("over-mtu", dir, from, to, data.length);
      return;
    }
    let wireFrom = from;
    let arrivalRealm = realm;
    if (realm !== undefined && this.#owners.get(realm.publicAddress)?.has(transportKey(to)) !== true) {
      const external = realm.translateOutbound(now, from, to);
      if (external === undefined) {
        this.#drop("nat-ports-exhausted", dir, from, to, data.length);
        return;
      }
      this.#emit({ kind: "nat-out", at: now, nat: realm.name, internal: from, external, to });
      wireFrom = external;
      arrivalRealm = undefined;
    }
    if (
      arrivalRealm === undefined &&
      !this.#nats.has(to.address) &&
      this.#owners.get("")?.has(transportKey(to)) !== true
    ) {
      this.#drop("unknown-destination", dir, from, to, data.length);
      return;
    }
    let drop = false;
    let lossRate = this.#lossRate;
    let delayMs = this.#delayMs;
    let duplicateRate = this.#duplicateRate;
    let bottleneck: Bottleneck | undefined;
    for (const r of this.#rules) {
      if ((r.fromMs !== undefined && now < r.fromMs) || (r.untilMs !== undefined && now >= r.untilMs))
        continue;
      if (!matches(r.from, from) || !matches(r.to, to)) continue;
      if (r.drop !== undefined) drop = r.drop;
      if (r.lossRate !== undefined) lossRate = r.lossRate;
      if (r.delayMs !== undefined) delayMs = r.delayMs;
      if (r.duplicateRate !== undefined) duplicateRate = r.duplicateRate;
      if (r.bottleneck !== undefined) bottleneck = r.bottleneck;
    }
    if (drop) {
      this.#drop("link-blocked", dir, from, to, data.length);
      return;
    }
    // Through the bottleneck first (it may drop), then the random loss of the rest of the path.
    let leaves = now;
    if (bottleneck !== undefined) {
      const done = bottleneck.admit(now, data.length);
      if (done === undefined) {
        this.#drop("queue-full", dir, from, to, data.length);
        return;
      }
      leaves = done;
    }
    if (this.prng.chance(lossRate)) {
      dir.lost++;
      this.counters.lost++;
      this.#drop("lost", undefined, from, to, data.length);
      return;
    }
    const copies = this.prng.chance(duplicateRate) ? 2 : 1;
    if (copies === 2) {
      dir.duplicated++;
      this.counters.duplicated++;
      this.#emit({ kind: "duplicate", at: now, from, to, size: data.length });
    }
    for (let i = 0; i < copies; i++) {
      const at = leaves + this.#draw(delayMs);
      this.#push({
        at,
        seq: this.#seq++,
        from: wireFrom,
        to,
        realm: arrivalRealm,
        direction: dir,
        data: data.slice(),
      });
    }
  }

  #draw([min, max]: readonly [Millis, Millis]): Millis {
    return max <= min ? min : this.prng.int(Math.ceil(min), Math.floor(max));
  }

  #arrive(p: InFlight): boolean {
    let local = p.to;
    let realmKey = p.realm?.publicAddress ?? "";
    if (p.realm === undefined) {
      const nat = this.#nats.get(p.to.address);
      if (nat !== undefined) {
        const r = nat.translateInbound(this.#now, p.from, p.to.port);
        if (!r.ok) {
          this.#drop(r.reason, p.direction, p.from, p.to, p.data.length);
          return false;
        }
        local = r.internal;
        realmKey = nat.publicAddress;
      }
    }
    const host = this.#owners.get(realmKey)?.get(transportKey(local));
    if (host === undefined) {
      this.#drop("unknown-destination", p.direction, p.from, p.to, p.data.length);
      return false;
    }
    p.direction.delivered++;
    this.counters.delivered++;
    this.#emit({
      kind: "deliver",
      at: this.#now,
      host: host.name,
      from: p.from,
      to: local,
      size: p.data.length,
    });
    host.endpoint.handleDatagram(this.#now, local, p.from, p.data);
    return true;
  }

  #drop(
    reason: SimDropReason,
    dir: DirectionCounters | undefined,
    from: TransportAddr,
    to: TransportAddr,
    size: number,
  ): void {
    this.counters.dropped[reason]++;
    if (dir !== undefined) dir.dropped++;
    this.#emit({ kind: "drop", at: this.#now, reason, from, to, size });
  }

  #emit(e: SimTraceEvent): void {
    this.trace?.(e);
  }

  /** Insert keeping (at, seq) order: equal arrival times keep send order, so runs are reproducible. */
  #push(p: InFlight): void {
    const q = this.#queue;
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = q[mid]!;
      if (m.at < p.at || (m.at === p.at && m.seq < p.seq)) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, p);
  }
}
