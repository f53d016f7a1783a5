/**
 * Operations around Redis: unreachable at start (exit 1 with the reason, or run local-only when told
 * to); every key carries a TTL; the token is one for all instances; `/healthz` and `/metrics` answer.
 */
import { execFileSync, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Cleanup } from "../interop/harness.js";
import { InstanceProcess } from "./instance-process.js";
import { freePort, RedisServer } from "./redis-server.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "../..");
let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis.stop());
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe("Redis at start", () => {
  it("unreachable: the command exits 1 naming the URL; with --redis-fallback-local it serves alone", {
    timeout: 30_000,
  }, async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const child = spawn(
      process.execPath,
      [
        "--conditions=tern-source",
        "--import",
        "tsx",
        join(pkgDir, "src/bin/signaling-server.ts"),
        "--port",
        "0",
      ],
      {
        cwd: join(pkgDir, "../.."),
        env: { ...process.env, TERN_SIGNALING_REDIS: nobody },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot reach Redis at ${nobody}`);

    const alone = cleanup.add(
      await InstanceProcess.start(["--redis", nobody, "--redis-fallback-local"]),
      (p) => p.kill(),
    );
    expect(await alone.health()).toMatchObject({ status: "ok", directory: "memory" });
    expect(alone.lines.some((l) => l.includes("running local-only"))).toBe(true);
  });
});

describe("keys, token, health", () => {
  it("every key the instances write has a TTL; one token for all instances; /healthz and /metrics", {
    timeout: 30_000,
  }, async () => {
    const args = ["--redis", redis.url, "--redis-prefix", "ttl:", "--token", "s3cret"];
    const a = cleanup.add(await InstanceProcess.start(args), (p) => p.kill());
    const b = cleanup.add(await InstanceProcess.start(args), (p) => p.kill());
    const pa = await cleanup.peer(a.url);
    const pb = await cleanup.peer(b.url);
    const wa = await pa.hello({ token: "s3cret" });
    await pb.hello({ token: "s3cret" });
    await pa.join("room with spaces & {braces}");
    await pb.join("room with spaces & {braces}");
    pb.send({ type: "offer", room: "room with spaces & {braces}", to: wa.peerId, sdp: "v=0" });
    await pa.expect("peer-joined");
    await pa.expect("offer");
    // Without the token, refused on either instance.
    for (const url of [a.url, b.url]) {
      const intruder = await cleanup.peer(url);
      intruder.send({ type: "join", room: "room with spaces & {braces}" });
      await intruder.expect("welcome");
      expect((await intruder.expect("error")).code).toBe("unauthorized");
    }
    const cli = (...args: string[]): string =>
      execFileSync("redis-cli", ["-p", String(redis.port), ...args])
        .toString()
        .trim();
    const keys = cli("--scan", "--pattern", "ttl:*").split("\n").filter(Boolean);
    // Sessions, room sets, rooms, backlogs, instances: and no key named after the client's room name.
    expect(keys.length).toBeGreaterThanOrEqual(6);
    expect(keys.some((k) => k.includes("spaces"))).toBe(false);
    for (const k of keys) expect(Number(cli("pttl", k)), k).toBeGreaterThan(0);

    expect(await a.health()).toMatchObject({ status: "ok", directory: "redis" });
    const metrics = await a.metrics();
    expect(metrics).toMatch(/^# TYPE tern_signaling_sockets gauge$/m);
    expect(metrics).toMatch(/^tern_signaling_sockets 2$/m);
    expect(metrics).toMatch(/^tern_signaling_rejections_total\{reason="unauthorized"\} 1$/m);
    expect(metrics).toMatch(/^tern_signaling_redis_up 1$/m);
    expect(metrics).toMatch(/^tern_signaling_redis_rtt_seconds \d/m);
  });
});
