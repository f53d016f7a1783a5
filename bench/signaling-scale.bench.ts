/**
 * Signaling scaled out: three `tern-signaling` instances sharing rooms through one redis-server, against
 * one instance alone (the in-memory directory), on equal work: 2,000 clients in 1,000 rooms, the two
 * peers of a room on different instances (so with three, every message crosses instances through Redis),
 * each pair running offer → answer (2 KB SDPs) every `SIGNALING_SCALE_PERIOD_MS` (default 2 000 ms: 1,000
 * relayed messages a second). Every instance, Redis and the load run in their own processes on 127.0.0.1.
 *
 * Reported: one-way relay latency (sender → server(s) → receiver) p50 and p99 over the measured window,
 * and the CPU the servers used in it (instances summed, Redis apart), from /proc. The machine's load
 * average is noted before and after: these figures move with whatever else the machine runs.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import { InstanceProcess } from "../packages/signaling/test/redis/instance-process.js";
import { RedisServer } from "../packages/signaling/test/redis/redis-server.js";
import { startEnvironment } from "./harness/environment.js";
import { writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";

const CLIENTS = 2000;
const ROOMS = 1000;
const PERIOD_MS = Number(process.env.SIGNALING_SCALE_PERIOD_MS ?? 2000);
const WARMUP_MS = 5_000;
const MEASURE_MS = Number(process.env.SIGNALING_SCALE_MEASURE_MS ?? 20_000);

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: fields 14 and 15, in 1/100 s
}

interface LoadResult {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
}

async function runLoad(
  urls: string[],
  pids: (number | undefined)[],
  redisPid: number | undefined,
): Promise<LoadResult & { cpuPercent: number[]; redisCpuPercent: number }> {
  const config = {
    urls,
    clients: CLIENTS,
    rooms: ROOMS,
    periodMs: PERIOD_MS,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    sdpBytes: 2048,
  };
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      new URL("./signaling-scale-load.ts", import.meta.url).pathname,
      JSON.stringify(config),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve) => lines.once("line", (l) => resolve(JSON.parse(l) as Record<string, unknown>)));
  await next(); // measuring
  const t0 = performance.now();
  const cpu0 = pids.map(cpuSeconds);
  const redis0 = cpuSeconds(redisPid);
  const result = (await next()) as unknown as LoadResult;
  const wall = (performance.now() - t0) / 1000;
  const cpuPercent = pids.map((p, i) => ((cpuSeconds(p) - (cpu0[i] ?? 0)) / wall) * 100);
  const redisCpuPercent = redisPid === undefined ? 0 : ((cpuSeconds(redisPid) - redis0) / wall) * 100;
  return { ...result, cpuPercent, redisCpuPercent };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const loadBefore = loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

  // One instance, no Redis.
  const single = await InstanceProcess.start(["--heartbeat-ms", "30000"]);
  const alone = await runLoad([single.url], [single.child.pid], undefined);
  await single.kill("SIGTERM");

  // Three instances through Redis.
  const redis = await RedisServer.start();
  const three = [];
  for (let i = 0; i < 3; i++) three.push(await InstanceProcess.start(["--redis", redis.url]));
  const redisPid = Number(
    execFileSync("redis-cli", ["-p", String(redis.port), "info", "server"])
      .toString()
      .match(/process_id:(\d+)/)?.[1],
  );
  const scaled = await runLoad(
    three.map((p) => p.url),
    three.map((p) => p.child.pid),
    redisPid,
  );
  for (const p of three) await p.kill("SIGTERM");
  await redis.stop();
  const loadAfter = loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const one = (x: number) => spread([x]);
  const S = "3 instances + Redis";
  const A = "1 instance, in memory";
  writeReport(
    {
      name: "signaling-scale",
      title: `${CLIENTS} clients in ${ROOMS} rooms, each pair's offer/answer relayed across instances through Redis, against one instance alone`,
      unit: "ms",
      better: "lower",
      subject: S,
      baselines: [A],
      rows: [
        { case: "relay latency p50", values: { [S]: one(scaled.p50), [A]: one(alone.p50) } },
        { case: "relay latency p99", values: { [S]: one(scaled.p99), [A]: one(alone.p99) }, headline: true },
        { case: "relay latency max", values: { [S]: one(scaled.max), [A]: one(alone.max) } },
        {
          case: "server CPU, instances summed",
          unit: "% of one core",
          values: { [S]: one(sum(scaled.cpuPercent)), [A]: one(sum(alone.cpuPercent)) },
        },
        { case: "Redis CPU", unit: "% of one core", values: { [S]: one(scaled.redisCpuPercent) } },
      ],
      config: {
        [S]: {
          clients: CLIENTS,
          rooms: ROOMS,
          periodMs: PERIOD_MS,
          sdpBytes: 2048,
          instances: 3,
          redis: true,
        },
        [A]: {
          clients: CLIENTS,
          rooms: ROOMS,
          periodMs: PERIOD_MS,
          sdpBytes: 2048,
          instances: 1,
          redis: false,
        },
      },
      method: {
        rounds: 1,
        warmUpMs: WARMUP_MS,
        measuredMs: MEASURE_MS,
        processes: "each instance, redis-server and the load generator in its own process, 127.0.0.1 only",
      },
      notes: [
        `${Math.round((2 * ROOMS * 1000) / PERIOD_MS)} relayed messages/s, 2 KB SDPs; one round (a p99 over ${MEASURE_MS / 1000} s of messages), so min = median = max`,
        `3 instances: ${scaled.count} messages measured, per-instance CPU ${scaled.cpuPercent.map((c) => c.toFixed(1)).join(" / ")} %, ${scaled.errors} errors; every message crossed instances through Redis`,
        `1 instance: ${alone.count} messages measured, ${alone.errors} errors`,
        `load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}`,
      ],
    },
    env(),
  );
}

await main();
