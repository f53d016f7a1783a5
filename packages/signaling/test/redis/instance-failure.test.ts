/**
 * Instances that die: one SIGKILLed in the middle of a call (its client resumes on the other instance and
 * gets every message sent to it while away, once, in order; its peer sees nothing), and Redis itself
 * killed and restarted (instances go degraded, keep serving their own peers, and recover by themselves).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RelayedMessage, SignalingClient } from "../../src/index.js";
import { Cleanup, waitFor } from "../interop/harness.js";
import { InstanceProcess } from "./instance-process.js";
import { RedisServer } from "./redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.stop());
const cleanup = new Cleanup();
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") {
    for (const p of procs) console.error(`--- instance ${p.url}\n${p.lines.slice(-40).join("\n")}`);
  }
  await cleanup.run();
});
const procs: InstanceProcess[] = [];

async function instance(prefix: string, extra: string[] = []): Promise<InstanceProcess> {
  const p = await InstanceProcess.start(["--redis", redis.url, "--redis-prefix", prefix, ...extra]);
  procs.push(p);
  return cleanup.add(p, (x) => x.kill());
}

function client(urls: string[], name: string): SignalingClient {
  return cleanup.add(
    new SignalingClient(urls, { name, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } }),
    (c) => c.close(),
  );
}

describe("an instance killed in the middle of a call", () => {
  it("its client resumes on the other instance and gets what was sent meanwhile, once, in order", {
    timeout: 30_000,
  }, async () => {
    const a = await instance("k1:");
    const b = await instance("k1:");
    const alice = client([a.url, b.url], "alice");
    const bob = client([b.url, a.url], "bob");
    const wa = await alice.connect();
    const wb = await bob.connect();
    await alice.join("call");
    await bob.join("call");
    const got: RelayedMessage[] = [];
    alice.on("signal", (m) => got.push(m));
    const bobHeard: string[] = [];
    bob.on("peer-left", (m) => bobHeard.push(`left ${m.peerId}`));
    bob.on("peer-joined", (m) => bobHeard.push(`joined ${m.peer.peerId}`));
    // The call: an offer and two candidates reach alice through instance a.
    for (const sdp of ["offer-0", "offer-1", "offer-2"])
      bob.send({ type: "offer", room: "call", to: wa.peerId, sdp });
    while (got.length < 3) await waitFor(alice, "signal");

    const disconnected = waitFor(alice, "disconnected");
    await a.kill("SIGKILL");
    await disconnected;
    // While alice is away, bob goes on: these go to her backlog.
    const away = Array.from({ length: 20 }, (_, i) => `away-${i}`);
    for (const sdp of away) expect(bob.send({ type: "offer", room: "call", to: wa.peerId, sdp })).toBe(true);
    const [w2] = await waitFor(alice, "welcome");
    expect(w2).toMatchObject({ peerId: wa.peerId, resumed: true });
    expect(alice.url).toBe(b.url);
    // And after she is back, one more.
    await waitFor(alice, "joined");
    bob.send({ type: "offer", room: "call", to: wa.peerId, sdp: "after" });
    while (!got.some((m) => m.type === "offer" && m.sdp === "after")) await waitFor(alice, "signal");
    const sdps = got.map((m) => (m.type === "offer" ? m.sdp : m.type));
    expect(sdps).toEqual(["offer-0", "offer-1", "offer-2", ...away, "after"]);
    const seqs = got.map((m) => m.seq ?? "");
    expect(new Set(seqs).size).toBe(seqs.length);
    // Bob saw no leave and no join: alice kept her peer id and her room.
    expect(bobHeard).toEqual([]);
    // And alice can still reach bob.
    const back = waitFor(bob, "signal");
    alice.send({ type: "answer", room: "call", to: wb.peerId, sdp: "answer" });
    expect((await back)[0]).toMatchObject({ from: wa.peerId, sdp: "answer" });
  });
});

describe("Redis killed and restarted", () => {
  it("instances report degraded, keep relaying between their own peers, and recover by themselves", {
    timeout: 40_000,
  }, async () => {
    const a = await instance("k2:");
    const b = await instance("k2:");
    const p1 = client([a.url], "p1");
    const p2 = client([a.url], "p2");
    const p3 = client([b.url], "p3");
    const w1 = await p1.connect();
    const w2 = await p2.connect();
    const w3 = await p3.connect();
    for (const p of [p1, p2, p3]) await p.join("r");
    expect(await a.health()).toMatchObject({ status: "ok", directory: "redis" });

    await redis.kill();
    const degraded = async (p: InstanceProcess): Promise<void> => {
      for (let i = 0; i < 200 && (await p.health()).status !== "degraded"; i++)
        await new Promise((r) => setTimeout(r, 25));
    };
    await degraded(a);
    await degraded(b);
    expect(await a.health()).toMatchObject({ status: "degraded", directory: "redis-unreachable" });
    expect(await a.metrics()).toMatch(/^tern_signaling_redis_up 0$/m);
    // Peers on the same instance still reach each other; across instances, "unavailable".
    const local = waitFor(p2, "signal");
    p1.send({ type: "offer", room: "r", to: w2.peerId, sdp: "local while degraded" });
    expect((await local)[0]).toMatchObject({ from: w1.peerId, sdp: "local while degraded" });
    const refused = waitFor(p1, "server-error");
    p1.send({ type: "offer", room: "r", to: w3.peerId, sdp: "remote while degraded" });
    expect((await refused)[0]).toMatchObject({ code: "unavailable", offendingType: "offer" });

    await redis.restart(); // empty: the instances write their peers and rooms back
    const healthy = async (p: InstanceProcess): Promise<void> => {
      for (let i = 0; i < 400 && (await p.health()).status !== "ok"; i++)
        await new Promise((r) => setTimeout(r, 25));
    };
    await healthy(a);
    await healthy(b);
    expect(a.lines.some((l) => l.includes("directory healthy"))).toBe(true);
    // Across instances again, with the room as it was.
    const remote = waitFor(p3, "signal");
    p1.send({ type: "offer", room: "r", to: w3.peerId, sdp: "remote after recovery" });
    expect((await remote)[0]).toMatchObject({ from: w1.peerId, sdp: "remote after recovery" });
    const j = await p3.join("r");
    expect(j.peers.map((p) => p.peerId).sort()).toEqual([w1.peerId, w2.peerId].sort());
  });
});
