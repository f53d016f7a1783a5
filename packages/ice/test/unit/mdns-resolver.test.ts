import { randomUUID } from "node:crypto";
import makeMdns from "multicast-dns";
import { afterEach, describe, expect, it } from "vitest";
import { createMdnsResolver, type MdnsResolver } from "../../src/node/mdns-resolver.js";

/**
 * Real multicast over loopback: a responder (a second multicast-dns instance) and the resolver share
 * a random port of group 224.0.0.251 on interface 127.0.0.1. Binding 0.0.0.0 matters: on Linux a
 * socket bound to 127.0.0.1 does not receive datagrams addressed to the group.
 */
const port = 20000 + Math.floor(Math.random() * 30000);
const mdnsOptions: makeMdns.Options = {
  port,
  ip: "224.0.0.251",
  interface: "127.0.0.1",
  bind: "0.0.0.0",
  multicast: true,
  loopback: true,
};

interface Responder {
  readonly queries: string[];
  close(): Promise<void>;
}

/** Answers A/AAAA questions for the names in `records` (and ignores every other name). */
function startResponder(records: Record<string, { a?: string; aaaa?: string; ttl?: number }>): Responder {
  const m = makeMdns(mdnsOptions);
  const queries: string[] = [];
  m.on("query", (q) => {
    for (const question of q.questions) {
      const rec = records[question.name];
      if (rec === undefined) continue;
      queries.push(`${question.name}/${question.type}`);
      const ttl = rec.ttl ?? 120;
      if (question.type === "A" && rec.a !== undefined) {
        m.respond({ answers: [{ name: question.name, type: "A", ttl, data: rec.a }] });
      }
      if (question.type === "AAAA" && rec.aaaa !== undefined) {
        m.respond({ answers: [{ name: question.name, type: "AAAA", ttl, data: rec.aaaa }] });
      }
    }
  });
  return { queries, close: () => new Promise((r) => m.destroy(r)) };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function resolver(opts: Parameters<typeof createMdnsResolver>[0] = {}): MdnsResolver {
  const r = createMdnsResolver({ mdnsOptions, ...opts });
  cleanups.push(() => r.close());
  return r;
}

describe("mDNS resolver over loopback multicast", () => {
  it("resolves a <uuid>.local name answered by another responder, then serves it from cache", async () => {
    const name = `${randomUUID()}.local`;
    const responder = startResponder({ [name]: { a: "127.0.0.1" } });
    cleanups.push(() => responder.close());
    const r = resolver({ timeoutMs: 2000 });
    await expect(r.resolve(name)).resolves.toBe("127.0.0.1");
    expect(responder.queries).toContain(`${name}/A`);
    expect(r.counters.answered).toBe(1);
    const sent = r.counters.queriesSent;
    await expect(r.resolve(name.toUpperCase())).resolves.toBe("127.0.0.1");
    expect(r.counters.cacheHits).toBe(1);
    expect(r.counters.queriesSent).toBe(sent);
  });

  it("resolves an IPv6-only name from its AAAA answer", async () => {
    const name = `${randomUUID()}.local`;
    const responder = startResponder({ [name]: { aaaa: "::1" } });
    cleanups.push(() => responder.close());
    await expect(resolver({ timeoutMs: 2000 }).resolve(name)).resolves.toBe("::1");
  });

  it("resolves undefined after the timeout for a name nobody answers, never rejecting", async () => {
    const r = resolver({ timeoutMs: 200 });
    const t0 = performance.now();
    const [a, b] = await Promise.all([
      r.resolve(`${randomUUID()}.local`),
      r.resolve(`${randomUUID()}.local`),
    ]);
    const elapsed = performance.now() - t0;
    expect(a).toBeUndefined();
    expect(b).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2000);
    expect(r.counters.timedOut).toBe(2);
  });

  it("asks one question per query: a responder that ignores multi-question queries (Chromium 156) answers", async () => {
    // Seen by packages/peer/test/browser: Chromium 156's mDNS responder drops a query holding both the A
    // and the AAAA question for its `<uuid>.local` name, and answers a query holding only the A question.
    const name = `${randomUUID()}.local`;
    const m = makeMdns(mdnsOptions);
    cleanups.push(() => new Promise<void>((res) => m.destroy(res)));
    const questionCounts: number[] = [];
    m.on("query", (q) => {
      if (!q.questions.some((x) => x.name === name)) return;
      questionCounts.push(q.questions.length);
      const only = q.questions[0];
      if (q.questions.length !== 1 || only?.type !== "A") return;
      m.respond({ answers: [{ name, type: "A", ttl: 120, data: "127.0.0.3" }] });
    });
    const r = resolver({ timeoutMs: 900 });
    await expect(r.resolve(name)).resolves.toBe("127.0.0.3");
    expect(questionCounts.length).toBeGreaterThan(0);
    expect(questionCounts.every((n) => n === 1)).toBe(true);
  });

  it("shares one query between concurrent resolves of the same name", async () => {
    const name = `${randomUUID()}.local`;
    const responder = startResponder({ [name]: { a: "127.0.0.1" } });
    cleanups.push(() => responder.close());
    const r = resolver({ timeoutMs: 2000 });
    const all = await Promise.all([r.resolve(name), r.resolve(name), r.resolve(name)]);
    expect(all).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    expect(r.counters.queriesSent).toBe(1);
  });

  it("re-queries once the cached answer's TTL has passed", async () => {
    const name = `${randomUUID()}.local`;
    const responder = startResponder({ [name]: { a: "127.0.0.1", ttl: 1 } });
    cleanups.push(() => responder.close());
    let clock = 1_000_000;
    const r = resolver({ timeoutMs: 2000, now: () => clock });
    await expect(r.resolve(name)).resolves.toBe("127.0.0.1");
    clock += 999;
    await expect(r.resolve(name)).resolves.toBe("127.0.0.1");
    expect(r.counters.queriesSent).toBe(1);
    clock += 2;
    await expect(r.resolve(name)).resolves.toBe("127.0.0.1");
    expect(r.counters.queriesSent).toBe(2);
  });
});

describe("mDNS resolver bounds", () => {
  it("answers undefined at once for names outside .local, without a query", async () => {
    const r = resolver();
    for (const n of ["example.com", "127.0.0.1", "", "a..local", `${"a".repeat(300)}.local`]) {
      await expect(r.resolve(n)).resolves.toBeUndefined();
    }
    expect(r.counters.notMdnsName).toBe(5);
    expect(r.counters.queriesSent).toBe(0);
  });

  it("bounds the pending queries and settles them all on close", async () => {
    const r = resolver({ timeoutMs: 10_000, maxPending: 2 });
    const p1 = r.resolve(`${randomUUID()}.local`);
    const p2 = r.resolve(`${randomUUID()}.local`);
    await expect(r.resolve(`${randomUUID()}.local`)).resolves.toBeUndefined();
    expect(r.counters.pendingLimit).toBe(1);
    r.close();
    await expect(Promise.all([p1, p2])).resolves.toEqual([undefined, undefined]);
    await expect(r.resolve(`${randomUUID()}.local`)).resolves.toBeUndefined();
  });

  it("uses an injected multicast-dns instance and leaves it open on close", async () => {
    const name = `${randomUUID()}.local`;
    const responder = startResponder({ [name]: { a: "127.0.0.2" } });
    cleanups.push(() => responder.close());
    const shared = makeMdns(mdnsOptions);
    cleanups.push(() => new Promise<void>((res) => shared.destroy(res)));
    const r = createMdnsResolver({ mdns: shared, timeoutMs: 2000 });
    await expect(r.resolve(name)).resolves.toBe("127.0.0.2");
    r.close();
    expect(shared.listenerCount("response")).toBe(0);
    // still usable by its owner
    const again = createMdnsResolver({ mdns: shared, timeoutMs: 2000 });
    cleanups.push(() => again.close());
    await expect(again.resolve(name)).resolves.toBe("127.0.0.2");
  });
});
