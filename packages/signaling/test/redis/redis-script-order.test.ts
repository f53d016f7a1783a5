/**
 * The order of script calls on one Redis connection is the order of the messages they carry. A peer's
 * backlog (the stream a resume replays, and whose ids are the `seq` the client acknowledges) must hold
 * one sender's messages in the order that sender sent them; perfect negotiation on the other side relies
 * on it (an offer before its candidates).
 *
 * The flake this pins down (rolling-restart.test.ts under CPU load): a Redis that does not know the
 * delivery script yet (fresh, restarted, flushed) answers the first EVALSHA with NOSCRIPT. The old runner
 * then sent EVAL — but calls issued after the first one had already gone out as EVALSHA, and once any
 * connection (another instance) had loaded the script they ran first: an offer landed in the stream
 * after its own candidates. Here the interleaving is made deterministic on a real redis-server: the
 * test holds connection A's replies (an instance too busy to read them) while B loads the script.
 */
import { createClient } from "@redis/client";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisKeySpace } from "../../src/node/redis-key-space.js";
import { RedisLink } from "../../src/node/redis-link.js";
import { RedisScriptRunner, type ScriptConnection } from "../../src/node/redis-script-runner.js";
import { Cleanup } from "../interop/harness.js";
import { RedisServer } from "./redis-server.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.stop());
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const client = () => createClient({ url: redis.url, RESP: 3 });
type Client = ReturnType<typeof client>;
const connect = async (): Promise<Client> => {
  const c = client();
  // A test connection open while Redis is killed reports the lost socket here (its commands reject).
  c.on("error", () => {});
  await c.connect();
  return cleanup.add(c, (x) => x.close().catch(() => x.destroy()));
};

const ROOM = "room-1";
const TO = "00000000000000aa";
const keys = new RedisKeySpace("ord:", "0000000000000001", 60_000, 30_000, 128);
const deliver = (n: number) =>
  keys.deliver(ROOM, TO, JSON.stringify({ type: "candidate", room: ROOM, from: "0b", n }));

/** `TO` is a member of the room, so the delivery script accepts messages for it. */
async function setUp(admin: Client): Promise<void> {
  await admin.flushAll();
  await admin.scriptFlush();
  await admin.configResetStat();
  await admin.hSet(keys.roomKey(ROOM), TO, "null");
}

/** The `n` of each message in TO's backlog, in stream order. */
async function backlog(admin: Client): Promise<number[]> {
  const entries = (await admin.sendCommand(["XRANGE", keys.key(`q:${TO}`), "-", "+"])) as [
    string,
    [string, string],
  ][];
  return entries.map(([, [, json]]) => (JSON.parse(json) as { n: number }).n);
}

/** How many commands Redis answered with NOSCRIPT since it started (INFO errorstats). */
async function noscriptErrors(admin: Client): Promise<number> {
  const info = await admin.info("errorstats");
  return Number(/errorstat_NOSCRIPT:count=(\d+)/.exec(info)?.[1] ?? 0);
}

/**
 * Connection A as a slow instance sees it: every command goes to Redis at once (so Redis runs it in
 * issue order), but its reply reaches the caller only when the test releases it.
 */
function heldReplies(client: Client): ScriptConnection & { release(): void } {
  let gate: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    gate = resolve;
  });
  return {
    sendCommand: (args) => {
      // Settled now (so a NOSCRIPT is not an unhandled rejection meanwhile), handed over on release.
      const reply = client.sendCommand(args).then(
        (value: unknown) => () => value,
        (err: unknown) => () => {
          throw err;
        },
      );
      return released.then(() => reply).then((settle) => settle());
    },
    release: () => gate(),
  };
}

describe("Redis script calls keep their order", () => {
  it("a delivery issued after another lands after it, even when Redis does not know the script yet", async () => {
    const admin = await connect();
    await setUp(admin);
    const a = await connect();
    const held = heldReplies(a);
    const instanceA = new RedisScriptRunner(held);
    const instanceB = new RedisScriptRunner(await connect());

    const first = instanceA.run(deliver(1));
    await a.ping(); // behind the first call on A's connection: Redis has run it
    // Another instance loads the script meanwhile (its own first delivery, to another room).
    await instanceB.run(keys.deliver("elsewhere", TO, "{}"));
    const second = instanceA.run(deliver(2));
    await a.ping();
    held.release();
    await Promise.all([first, second]);

    expect(await backlog(admin)).toEqual([1, 2]);
    expect(await noscriptErrors(admin)).toBe(0);
  });

  it("after Redis restarts empty, the link's first call of each script loads it again (no NOSCRIPT)", {
    timeout: 20_000,
  }, async () => {
    let up: () => void = () => {};
    const link = await RedisLink.open({
      url: redis.url,
      logger: pino({ level: "silent" }),
      onHealth: (isUp) => {
        if (isUp) up();
      },
    });
    cleanup.add(link, (l) => l.close());
    await setUp(await connect());
    await link.scripts.run(deliver(0));
    await link.scripts.run(deliver(0)); // by digest now

    const back = new Promise<void>((resolve) => {
      up = resolve;
    });
    await redis.kill();
    await redis.restart(); // empty: it knows no script
    await back;
    const admin = await connect();
    await admin.hSet(keys.roomKey(ROOM), TO, "null");
    await Promise.all([link.scripts.run(deliver(1)), link.scripts.run(deliver(2))]);

    expect(await backlog(admin)).toEqual([1, 2]);
    expect(await noscriptErrors(admin)).toBe(0);
  });

  it("a SCRIPT FLUSH while connected: the call that meets NOSCRIPT still runs, and the next ones load the script", async () => {
    const admin = await connect();
    await setUp(admin);
    const runner = new RedisScriptRunner(await connect());
    await runner.run(deliver(1));
    await admin.scriptFlush();
    await runner.run(deliver(2));
    await runner.run(deliver(3));

    expect(await backlog(admin)).toEqual([1, 2, 3]);
    expect(await noscriptErrors(admin)).toBe(1);
  });
});
