/**
 * A rolling restart of three instances (each SIGTERMed in turn — graceful: clients told 1012 go to the
 * next URL and resume — then started again on its port) while 50 pairs renegotiate with perfect
 * negotiation, each pair's two peers on different instances. Every pair must end converged: stable on
 * both sides, every track of each side held by the other, candidates through, no error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  isPolite,
  type PerfectNegotiation,
  SignalingClient,
  wirePerfectNegotiation,
} from "../../src/index.js";
import { Cleanup } from "../interop/harness.js";
import { FakePeerConnection } from "../sim/fake-peer-connection.js";
import { InstanceProcess } from "./instance-process.js";
import { freePort, RedisServer } from "./redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.stop());
const cleanup = new Cleanup();
const procs: InstanceProcess[] = [];
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") {
    for (const p of procs) console.error(`--- instance ${p.url}\n${p.lines.slice(-30).join("\n")}`);
  }
  await cleanup.run();
});

interface Side {
  readonly client: SignalingClient;
  readonly pc: FakePeerConnection;
  readonly neg: PerfectNegotiation;
  readonly errors: unknown[];
}

const PAIRS = 50;
const trace = new Map<SignalingClient, string[]>();
const ROUNDS_OF_TRACKS = 4;

describe("rolling restart", () => {
  it("three instances restarted one by one while 50 pairs renegotiate: every pair ends converged", {
    timeout: 120_000,
  }, async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const args = ["--redis", redis.url, "--redis-prefix", "roll:", "--resume-grace-ms", "30000"];
    const start = async (port: number): Promise<InstanceProcess> => {
      const p = await InstanceProcess.start(args, port);
      procs.push(p);
      return p;
    };
    const instances = [];
    for (const port of ports) instances.push(await start(port));
    cleanup.add(instances, (list) => Promise.all(list.map((p) => p.kill())));
    const urls = ports.map((p) => `ws://127.0.0.1:${p}/`);

    const pairs: [Side, Side][] = [];
    for (let i = 0; i < PAIRS; i++) {
      const room = `pair-${i}`;
      const rotate = (k: number): string[] => [...urls.slice(k % 3), ...urls.slice(0, k % 3)];
      const mk = (k: number): SignalingClient =>
        cleanup.add(
          new SignalingClient(rotate(k), {
            reconnect: { initialDelayMs: 50, maxDelayMs: 500, maxAttempts: 100 },
          }),
          (c) => c.close(),
        );
      const a = mk(i);
      const b = mk(i + 1);
      for (const c of [a, b]) {
        const log: string[] = [];
        trace.set(c, log);
        c.on("welcome", (w) => log.push(`welcome resumed=${w.resumed} ${c.url}`));
        c.on("disconnected", (d) => log.push(`disconnected ${d.code} ${d.reason}`));
        c.on("rejoin-failed", (r, e) => log.push(`rejoin-failed ${r} ${e.code}`));
        c.on("server-error", (e) => log.push(`server-error ${e.code} ${e.message}`));
        // What came in, in order, with its backlog id: a message out of order shows here.
        c.on("signal", (m) => log.push(`${m.type} seq=${m.seq}`));
      }
      const ida = (await a.connect()).peerId;
      const idb = (await b.connect()).peerId;
      await a.join(room);
      await b.join(room);
      const side = (client: SignalingClient, self: string, other: string): Side => {
        const pc = new FakePeerConnection(self, { implicitRollback: true });
        const errors: unknown[] = [];
        const neg = wirePerfectNegotiation({
          pc,
          signaling: client,
          room,
          remotePeerId: other,
          polite: isPolite(self, other),
          onError: (e) => {
            errors.push(e);
            trace.get(client)?.push(`error ${String(e)} in ${pc.signalingState}`);
          },
        });
        cleanup.add(neg, (n) => n.close());
        return { client, pc, neg, errors };
      };
      pairs.push([side(a, ida, idb), side(b, idb, ida)]);
    }

    // Tracks are added (renegotiation) all through the restarts, from both sides, sometimes at once (glare).
    let added = 0;
    const addRound = (): void => {
      for (const [x, y] of pairs) {
        x.pc.addTrack(`x-${added}`);
        if (added % 2 === 1) y.pc.addTrack(`y-${added}`);
      }
      added++;
    };
    addRound();
    for (let k = 0; k < 3; k++) {
      const old = instances[k] as InstanceProcess;
      const exited = old.kill("SIGTERM");
      addRound();
      expect(await exited).toBe(0);
      instances[k] = await start(ports[k] as number);
      if (added < ROUNDS_OF_TRACKS) addRound();
    }

    const converged = ([x, y]: [Side, Side]): boolean => {
      const holds = (me: Side, them: Side): boolean =>
        me.pc.settled &&
        them.pc.localTracks.every((t) => me.pc.remoteTracks.has(t)) &&
        me.pc.endOfRemoteCandidates;
      return holds(x, y) && holds(y, x);
    };
    // Waits on the peer connections' own changes (the test's timeout bounds it).
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (!pairs.every(converged)) return;
        for (const p of pairs) for (const s of p) s.pc.onChange = () => {};
        resolve();
      };
      for (const p of pairs) for (const s of p) s.pc.onChange = check;
      check();
    });
    const describeSide = (s: Side) => ({
      state: s.pc.signalingState,
      settled: s.pc.settled,
      local: s.pc.localTracks.length,
      remote: s.pc.remoteTracks.size,
      eoc: s.pc.endOfRemoteCandidates,
      neg: s.neg.counters,
      client: s.client.counters,
      errors: s.errors.map(String),
      trace: trace.get(s.client),
    });
    const stuck = pairs
      .map((p, i) => ({ i, ok: converged(p), x: describeSide(p[0]), y: describeSide(p[1]) }))
      .filter((p) => !p.ok);
    if (stuck.length > 0) console.error(JSON.stringify(stuck.slice(0, 3), null, 1));
    expect(stuck).toEqual([]);
    for (const [x, y] of pairs) {
      // The one error perfect negotiation may report here: a candidate of an offer it ignored (glare) that
      // failed after the next description reset its ignore flag — the backlog replayed after a resume
      // delivers such messages back to back. Anything else is a failure.
      for (const side of [x, y]) {
        const unexpected = side.errors.filter(
          (e) =>
            !(
              side.neg.counters.offersIgnored > 0 &&
              String(e).includes("addIceCandidate without a remote description")
            ),
        );
        if (unexpected.length > 0) console.error(JSON.stringify([describeSide(x), describeSide(y)], null, 1));
        expect(unexpected).toEqual([]);
      }
      // Same peer ids throughout: every client resumed.
      expect(x.client.state).toBe("open");
      expect(y.client.state).toBe("open");
    }
    const reconnects = pairs.reduce(
      (n, [x, y]) => n + x.client.counters.reconnects + y.client.counters.reconnects,
      0,
    );
    // Every client was on one of the three instances, and each instance was restarted.
    expect(reconnects).toBeGreaterThanOrEqual(2 * PAIRS);
  });
});
