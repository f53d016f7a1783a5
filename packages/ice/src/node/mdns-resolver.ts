import type { RemoteInfo } from "node:dgram";
import makeMdns from "multicast-dns";
import { ipFamily } from "../wire/ip-address.js";

/**
 * Resolves the `<uuid>.local` names browsers put in host candidates instead of their IP
 * (draft-ietf-mmusic-mdns-ice-candidates §3.2.2) with a one-shot multicast DNS query (RFC 6762 §5.1)
 * for A and AAAA. Time-boxed: a name nobody answers resolves to `undefined`; it never rejects.
 * One multicast-dns socket (opened on the first query) serves every query; answers are cached for
 * their TTL (RFC 6762 §10; a TTL of 0 is a goodbye and removes the entry).
 */
export interface MdnsLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface MdnsResolverOptions {
  /** How long to wait for an answer before resolving `undefined`. Default 3000. */
  readonly timeoutMs?: number;
  readonly logger?: MdnsLogger;
  /** Queries in flight at once; more resolve `undefined` at once (counted). Default 64. */
  readonly maxPending?: number;
  /** Cached names. Default 256 (oldest evicted first). */
  readonly maxCacheEntries?: number;
  /** Options for the multicast-dns socket the resolver opens (port, ip, interface, bind, …). */
  readonly mdnsOptions?: makeMdns.Options;
  /** A multicast-dns instance to use instead of opening one; the caller keeps ownership (not destroyed). */
  readonly mdns?: makeMdns.MulticastDNS;
  /** Clock for TTLs, in ms. Default Date.now. */
  readonly now?: () => number;
}

export interface MdnsResolverCounters {
  queriesSent: number;
  answered: number;
  cacheHits: number;
  timedOut: number;
  notMdnsName: number;
  pendingLimit: number;
  ignoredRecords: number;
  socketErrors: number;
  internalErrors: number;
}

export interface MdnsResolver {
  /** The first A/AAAA address answered for `name` (an IP literal), or undefined after the timeout. */
  resolve(name: string): Promise<string | undefined>;
  close(): void;
  readonly counters: Readonly<MdnsResolverCounters>;
}

interface Pending {
  readonly waiters: ((address: string | undefined) => void)[];
  timer: NodeJS.Timeout | undefined;
  resend: NodeJS.Timeout | undefined;
}

interface CacheEntry {
  readonly address: string;
  readonly expiresAtMs: number;
}

/** RFC 6762 §3: names under "local."; DNS names are at most 255 octets. */
const MDNS_NAME = /^[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*\.local\.?$/i;
const MAX_NAME_LENGTH = 255;
/** RFC 6762 §5.2: a querier repeats after 1 s, then doubles the interval. */
const FIRST_RESEND_MS = 1000;

function canonical(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

export function createMdnsResolver(options: MdnsResolverOptions = {}): MdnsResolver {
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxPending = options.maxPending ?? 64;
  const maxCacheEntries = options.maxCacheEntries ?? 256;
  const now = options.now ?? Date.now;
  const log = options.logger;
  const counters: MdnsResolverCounters = {
    queriesSent: 0,
    answered: 0,
    cacheHits: 0,
    timedOut: 0,
    notMdnsName: 0,
    pendingLimit: 0,
    ignoredRecords: 0,
    socketErrors: 0,
    internalErrors: 0,
  };
  const pending = new Map<string, Pending>();
  const cache = new Map<string, CacheEntry>();
  let socket: makeMdns.MulticastDNS | undefined;
  let closed = false;

  /** Every socket callback runs through here: what it catches is our bug, counted and logged. */
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (err) {
        counters.internalErrors++;
        log?.warn({ err }, "mdns resolver: internal error");
      }
    };

  const onResponse = guard((packet: makeMdns.ResponsePacket, rinfo: RemoteInfo): void => {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
    for (const r of records) {
      if ((r.type !== "A" && r.type !== "AAAA") || typeof r.data !== "string") continue;
      const name = canonical(r.name);
      const family = ipFamily(r.data);
      if (family !== (r.type === "A" ? 4 : 6)) {
        counters.ignoredRecords++;
        continue;
      }
      const ttlSec = r.ttl ?? 120;
      if (ttlSec === 0) {
        cache.delete(name);
        continue;
      }
      const p = pending.get(name);
      if (p === undefined && !cache.has(name)) continue; // unsolicited: not ours to keep
      cache.delete(name);
      cache.set(name, { address: r.data, expiresAtMs: now() + ttlSec * 1000 });
      while (cache.size > maxCacheEntries) {
        const oldest = cache.keys().next().value;
        if (oldest === undefined) break;
        cache.delete(oldest);
      }
      if (p !== undefined) {
        counters.answered++;
        log?.debug({ name, address: r.data, from: rinfo.address }, "mdns resolver: answered");
        finish(name, r.data);
      }
    }
  });

  const onSocketError = guard((err: Error): void => {
    counters.socketErrors++;
    log?.warn({ err }, "mdns resolver: socket error");
  });

  const onWarning = guard((err: Error): void => {
    log?.debug({ err }, "mdns resolver: socket warning");
  });

  function open(): makeMdns.MulticastDNS {
    if (socket !== undefined) return socket;
    socket = options.mdns ?? makeMdns(options.mdnsOptions);
    socket.on("response", onResponse);
    socket.on("error", onSocketError);
    socket.on("warning", onWarning);
    return socket;
  }

  function finish(name: string, address: string | undefined): void {
    const p = pending.get(name);
    if (p === undefined) return;
    pending.delete(name);
    clearTimeout(p.timer);
    clearTimeout(p.resend);
    for (const w of p.waiters) w(address);
  }

  /**
   * One query round: the A question and the AAAA question in two packets. RFC 6762 §5.3 allows several
   * questions per query, but Chromium's responder (156) drops a query holding more than one and leaves
   * the name unresolved; a single-question query it answers.
   */
  function sendQuery(name: string): void {
    counters.queriesSent++;
    const socket = open();
    for (const type of ["A", "AAAA"] as const) {
      socket.query(
        { questions: [{ name, type }] },
        guard((err: Error | null) => {
          if (err !== null) onSocketError(err);
        }),
      );
    }
  }

  function scheduleResend(name: string, p: Pending, intervalMs: number, elapsedMs: number): void {
    if (elapsedMs + intervalMs >= timeoutMs) return;
    p.resend = setTimeout(
      guard(() => {
        if (pending.get(name) !== p) return;
        sendQuery(name);
        scheduleResend(name, p, intervalMs * 2, elapsedMs + intervalMs);
      }),
      intervalMs,
    );
    p.resend.unref();
  }

  function resolve(rawName: string): Promise<string | undefined> {
    if (closed) return Promise.resolve(undefined);
    if (typeof rawName !== "string" || rawName.length > MAX_NAME_LENGTH || !MDNS_NAME.test(rawName)) {
      counters.notMdnsName++;
      return Promise.resolve(undefined);
    }
    const name = canonical(rawName);
    const hit = cache.get(name);
    if (hit !== undefined) {
      if (hit.expiresAtMs > now()) {
        counters.cacheHits++;
        return Promise.resolve(hit.address);
      }
      cache.delete(name);
    }
    const existing = pending.get(name);
    if (existing === undefined && pending.size >= maxPending) {
      counters.pendingLimit++;
      return Promise.resolve(undefined);
    }
    return new Promise((resolvePromise) => {
      if (existing !== undefined) {
        existing.waiters.push(resolvePromise);
        return;
      }
      const p: Pending = { waiters: [resolvePromise], timer: undefined, resend: undefined };
      pending.set(name, p);
      p.timer = setTimeout(
        guard(() => {
          if (pending.get(name) !== p) return;
          counters.timedOut++;
          log?.debug({ name, timeoutMs }, "mdns resolver: no answer");
          finish(name, undefined);
        }),
        timeoutMs,
      );
      p.timer.unref();
      sendQuery(name);
      scheduleResend(name, p, FIRST_RESEND_MS, 0);
    });
  }

  function close(): void {
    if (closed) return;
    closed = true;
    for (const name of [...pending.keys()]) finish(name, undefined);
    cache.clear();
    if (socket !== undefined) {
      socket.removeListener("response", onResponse);
      socket.removeListener("error", onSocketError);
      socket.removeListener("warning", onWarning);
      if (options.mdns === undefined) socket.destroy();
      socket = undefined;
    }
  }

  return { resolve, close, counters };
}
