/**
 * The node:dgram adapter between two Tern agents on loopback: mDNS host candidates as browsers send them
 * (`<uuid>.local`, answered by a real multicast-dns responder over loopback multicast), misuse errors.
 */
import { randomUUID } from "node:crypto";
import makeMdns from "multicast-dns";
import { afterEach, describe, expect, it } from "vitest";
import { IceTransport } from "../../src/node/ice-transport.js";
import { createMdnsResolver } from "../../src/node/mdns-resolver.js";
import type { Candidate } from "../../src/wire/candidate.js";

// Loopback multicast on a random port (see test/unit/mdns-resolver.test.ts for why bind is 0.0.0.0).
const mdnsOptions: makeMdns.Options = {
  port: 20000 + Math.floor(Math.random() * 30000),
  ip: "224.0.0.251",
  interface: "127.0.0.1",
  bind: "0.0.0.0",
  multicast: true,
  loopback: true,
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function connected(t: IceTransport, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not connected after ${ms} ms (${t.connectionState})`)),
      ms,
    );
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") {
        clearTimeout(timer);
        resolve();
      }
      if (s === "failed") reject(new Error("ICE failed"));
    };
    check(t.connectionState);
    t.on("connectionstatechange", check);
  });
}

describe("IceTransport on loopback", () => {
  it("close() while gather() is binding leaves no socket open (the bind finishing after close)", async () => {
    const udp = (): number => process.getActiveResourcesInfo().filter((r) => r === "UDPWrap").length;
    const before = udp();
    const t = new IceTransport({ role: "controlling", addresses: ["127.0.0.1"], mdns: false });
    const gathering = t.gather();
    await t.close();
    await gathering;
    await new Promise((r) => setTimeout(r, 20));
    expect(udp()).toBe(before);
  });

  it("connects to a peer that hides its address behind an mDNS name", async () => {
    // The responder answers for B's name, as the browser's mDNS responder does for its own host candidate.
    const name = `${randomUUID()}.local`;
    const responder = makeMdns(mdnsOptions);
    cleanups.push(() => new Promise<void>((r) => responder.destroy(() => r())));
    responder.on("query", (q) => {
      for (const question of q.questions) {
        if (question.name === name && question.type === "A") {
          responder.respond({ answers: [{ name, type: "A", ttl: 120, data: "127.0.0.1" }] });
        }
      }
    });
    const resolver = createMdnsResolver({ mdnsOptions, timeoutMs: 2000 });
    cleanups.push(() => resolver.close());

    const a = new IceTransport({ addresses: ["127.0.0.1"], role: "controlling", mdns: resolver });
    const b = new IceTransport({ addresses: ["127.0.0.1"], role: "controlled", mdns: false });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const bCandidates: Candidate[] = [];
    b.on("candidate", (c) => c && bCandidates.push(c));
    a.on("candidate", (c) => (c ? void b.addRemoteCandidate(c) : b.endOfRemoteCandidates()));
    a.setRemoteCredentials(b.localCredentials);
    b.setRemoteCredentials(a.localCredentials);
    await Promise.all([a.gather(), b.gather()]);
    expect(bCandidates).toHaveLength(1);
    const hidden = { ...(bCandidates[0] as Candidate), address: name };
    // B's checks may reach A first (A learns B as peer-reflexive); the signaled mDNS candidate must still resolve.
    expect(await a.addRemoteCandidate(hidden)).toBe(true);
    a.endOfRemoteCandidates();
    await Promise.all([connected(a), connected(b)]);
    expect(a.selectedPair?.remote.address).toBe("127.0.0.1");
    expect(a.selectedPair?.remote.port).toBe(bCandidates[0]?.port);
    expect(a.agent.remoteCandidates.some((c) => c.type === "host" && c.port === bCandidates[0]?.port)).toBe(
      true,
    );
  });

  it("drops an mDNS candidate nobody answers, after the time box", async () => {
    const resolver = createMdnsResolver({ mdnsOptions, timeoutMs: 300 });
    cleanups.push(() => resolver.close());
    const a = new IceTransport({ addresses: ["127.0.0.1"], mdns: resolver });
    cleanups.push(() => a.close());
    const t0 = performance.now();
    const ok = await a.addRemoteCandidate(
      `candidate:1 1 udp 2122260223 ${randomUUID()}.local 54321 typ host`,
    );
    expect(ok).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect(a.agent.remoteCandidates).toHaveLength(0);
  });

  it("rejects unparsable candidate lines and throws UsageError on send before a pair is selected", async () => {
    const a = new IceTransport({ addresses: ["127.0.0.1"], mdns: false });
    cleanups.push(() => a.close());
    expect(await a.addRemoteCandidate("candidate:garbage")).toBe(false);
    expect(() => a.send(Buffer.from([23, 1]))).toThrow(expect.objectContaining({ name: "UsageError" }));
  });
});
