/**
 * Two `tern-signaling` instances sharing one real redis-server: a relay across them, presence consistent
 * on both, and the room capacity and per-peer room limit enforced across instances.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningSignalingServer, SignalingServerOptions } from "../../src/index.js";
import { Cleanup } from "../interop/harness.js";
import { RedisServer } from "./redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.stop());
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function instance(opts: SignalingServerOptions = {}): Promise<RunningSignalingServer> {
  return cleanup.server({
    redis: redis.url,
    redisPrefix: `t${Math.random().toString(36).slice(2, 8)}:`,
    ...opts,
  });
}

/** Two instances on one prefix. */
async function pair(
  opts: SignalingServerOptions = {},
): Promise<[RunningSignalingServer, RunningSignalingServer]> {
  const prefix = `t${Math.random().toString(36).slice(2, 8)}:`;
  return [await instance({ ...opts, redisPrefix: prefix }), await instance({ ...opts, redisPrefix: prefix })];
}

describe("two instances through Redis", () => {
  it("relay offers, answers and candidates between peers on different instances", {
    timeout: 15_000,
  }, async () => {
    const [a, b] = await pair();
    expect(a.instanceId).not.toBe(b.instanceId);
    const alice = await cleanup.peer(a.url);
    const bob = await cleanup.peer(b.url);
    const wa = await alice.hello({ name: "alice" });
    const wb = await bob.hello({ name: "bob" });
    expect((await alice.join("call")).peers).toEqual([]);
    expect((await bob.join("call")).peers).toEqual([{ peerId: wa.peerId, name: "alice" }]);
    expect(await alice.expect("peer-joined")).toEqual({
      type: "peer-joined",
      room: "call",
      peer: { peerId: wb.peerId, name: "bob" },
    });
    bob.send({ type: "offer", room: "call", to: wa.peerId, sdp: "v=0 offer" });
    const offer = await alice.expect("offer");
    expect(offer).toMatchObject({ room: "call", from: wb.peerId, sdp: "v=0 offer" });
    expect((offer as { seq?: string }).seq).toMatch(/^\d+-\d+$/);
    alice.send({ type: "answer", room: "call", to: wb.peerId, sdp: "v=0 answer" });
    expect(await bob.expect("answer")).toMatchObject({ from: wa.peerId, sdp: "v=0 answer" });
    const candidate = {
      candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host",
      sdpMid: "0",
      sdpMLineIndex: 0,
    };
    for (let i = 0; i < 5; i++) alice.send({ type: "candidate", room: "call", to: wb.peerId, candidate });
    alice.send({ type: "end-of-candidates", room: "call", to: wb.peerId });
    for (let i = 0; i < 5; i++) expect((await bob.expect("candidate")).candidate).toMatchObject(candidate);
    expect(await bob.expect("end-of-candidates")).toMatchObject({ from: wa.peerId });
    // A peer of neither the room nor the deployment, and a malformed peer id: peer-not-in-room, no Redis key.
    for (const to of ["0123456789abcdef", "x:*{}"]) {
      alice.send({ type: "offer", room: "call", to, sdp: "v=0" });
      expect((await alice.expect("error")).code).toBe("peer-not-in-room");
    }
    expect(a.counters.relayed + b.counters.relayed).toBe(8);
  });

  it("presence: joins and leaves are seen on both instances, in order", { timeout: 15_000 }, async () => {
    const [a, b] = await pair();
    const p1 = await cleanup.peer(a.url);
    const p2 = await cleanup.peer(b.url);
    const p3 = await cleanup.peer(b.url);
    const w1 = await p1.hello();
    const w2 = await p2.hello();
    const w3 = await p3.hello();
    await p1.join("r");
    await p2.join("r");
    expect((await p1.expect("peer-joined")).peer.peerId).toBe(w2.peerId);
    const j3 = await p3.join("r");
    expect(j3.peers.map((p) => p.peerId).sort()).toEqual([w1.peerId, w2.peerId].sort());
    expect((await p1.expect("peer-joined")).peer.peerId).toBe(w3.peerId);
    expect((await p2.expect("peer-joined")).peer.peerId).toBe(w3.peerId);
    p2.send({ type: "leave", room: "r" });
    await p2.expect("left");
    expect(await p1.expect("peer-left")).toMatchObject({ peerId: w2.peerId, reason: "left" });
    expect(await p3.expect("peer-left")).toMatchObject({ peerId: w2.peerId, reason: "left" });
    p1.close(); // socket gone: announced as disconnected to the other instance
    expect(await p3.expect("peer-left")).toMatchObject({ peerId: w1.peerId, reason: "disconnected" });
    expect((await p3.barrier("r")).peers).toEqual([]);
    expect(p2.pending).toBe(0);
  });

  it("room capacity and the per-peer room limit hold across instances", { timeout: 15_000 }, async () => {
    const [a, b] = await pair({ limits: { peersPerRoom: 2, roomsPerConnection: 2 } });
    const p1 = await cleanup.peer(a.url);
    const p2 = await cleanup.peer(b.url);
    const p3 = await cleanup.peer(a.url);
    await p1.hello();
    await p2.hello();
    await p3.hello();
    await p1.join("full");
    await p2.join("full");
    await p1.expect("peer-joined");
    p3.send({ type: "join", id: "j", room: "full" });
    expect(await p3.expect("error")).toMatchObject({ id: "j", code: "room-full" });
    // Both instances together hold 2, so a third from either instance is refused.
    const p4 = await cleanup.peer(b.url);
    await p4.hello();
    p4.send({ type: "join", room: "full" });
    expect((await p4.expect("error")).code).toBe("room-full");
    await p1.join("second");
    p1.send({ type: "join", room: "third" });
    expect((await p1.expect("error")).code).toBe("too-many-rooms");
    // Many joins at once from both instances: exactly two win.
    const racers = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const p = await cleanup.peer((i % 2 === 0 ? a : b).url);
        await p.hello();
        return p;
      }),
    );
    for (const p of racers) p.send({ type: "join", room: "race" });
    const replies = await Promise.all(racers.map((p) => p.next()));
    expect(replies.filter((m) => m.type === "joined")).toHaveLength(2);
    expect(replies.filter((m) => m.type === "error" && m.code === "room-full")).toHaveLength(6);
  });
});
