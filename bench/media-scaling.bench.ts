/**
 * `pnpm bench media-scaling`: the media path across cores. Aggregate RTP packets forwarded per second by
 * N worker threads (N = 1, 2, … up to the cores), each worker holding CONNECTIONS_PER_WORKER Tern pairs
 * that forward flat out at once (workers spread by `ConnectionWorkers` from @tern/peer, the documented
 * way to use more than one core; see packages/peer/README.md). Per-connection work is peer-media's Tern
 * path: same input bytes, AES_CM_80. Rounds interleave the worker counts; the speedup is against one
 * worker in the same round.
 *
 * On a machine without node_modules (a bigger one, offline), bench/scaling/run-on-device.sh runs the
 * bundled form of this file.
 */
import { availableParallelism } from "node:os";
import { ConnectionWorkers, type SignalingPort } from "@tern/peer";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, quick } from "./harness/stack-process.js";
import type { ForwardingCommand, ForwardingInit, ForwardingReport } from "./scaling/forwarding-worker.js";

const CORES = availableParallelism();
const MAX_WORKERS = Number(process.env.TERN_SCALING_MAX_WORKERS ?? CORES);
const WORKER_COUNTS = Array.from({ length: MAX_WORKERS }, (_, i) => i + 1);
const CONNECTIONS_PER_WORKER = Number(process.env.TERN_SCALING_CONNECTIONS_PER_WORKER ?? 2);
const ROUNDS = Number(process.env.TERN_SCALING_ROUNDS ?? (quick() ? 2 : 4));
const SECONDS = Number(process.env.TERN_SCALING_SECONDS ?? (quick() ? 1 : 2));
/** Flat-out seconds per connection before the measured run (every worker warm when it starts). */
const WARM_SECONDS = Number(process.env.TERN_SCALING_WARM_SECONDS ?? 1);

/** How the workers load the worker script: bundled (device run) or through tsx (a checkout). */
function workerModule(): { module: URL; workerData?: unknown } {
  const bundled = process.env.TERN_SCALING_WORKER;
  if (bundled) return { module: new URL(bundled, `file://${process.cwd()}/`) };
  return {
    module: new URL("./scaling/tsx-worker.mjs", import.meta.url),
    workerData: { entry: new URL("./scaling/forwarding-worker.ts", import.meta.url).href },
  };
}

interface Measure {
  readonly workers: number;
  readonly packetsPerSecond: number;
  readonly lost: number;
  readonly utilization: readonly number[];
  readonly threads: number;
}

function next(port: SignalingPort): Promise<ForwardingReport> {
  return new Promise((resolve, reject) => {
    port.once("message", (m) => resolve(m as ForwardingReport));
    port.once("closed", () => reject(new Error("connection closed in its worker")));
  });
}

async function measure(workers: number): Promise<Measure> {
  const w = workerModule();
  const pool = await ConnectionWorkers.start({
    module: w.module,
    workers,
    ...(w.workerData ? { workerOptions: { workerData: w.workerData } } : {}),
  });
  try {
    const init: ForwardingInit = { profile: "SRTP_AES128_CM_HMAC_SHA1_80", warmSeconds: WARM_SECONDS };
    const conns = Array.from({ length: workers * CONNECTIONS_PER_WORKER }, () => pool.open(init).signaling);
    const ready = await Promise.all(conns.map(next));
    const bad = ready.find((r) => r.kind !== "ready");
    if (bad) throw new Error(`a connection did not start: ${JSON.stringify(bad)}`);
    const results = Promise.all(conns.map(next));
    for (const c of conns) c.send({ kind: "run", seconds: SECONDS } satisfies ForwardingCommand);
    const rs = await results;
    let received = 0;
    let sent = 0;
    const utilization = new Map<number, number>();
    for (const r of rs) {
      if (r.kind !== "result") throw new Error(`a connection failed: ${JSON.stringify(r)}`);
      received += r.received;
      sent += r.sent;
      utilization.set(r.threadId, r.utilization);
    }
    for (const c of conns) c.send({ kind: "stop" } satisfies ForwardingCommand);
    return {
      workers,
      packetsPerSecond: received / SECONDS,
      lost: sent - received,
      utilization: [...utilization.values()].map((u) => Math.round(u * 100) / 100),
      threads: utilization.size,
    };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const runs = new Map<number, Measure[]>();
  const speedups = new Map<number, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = WORKER_COUNTS.map((_, i) => WORKER_COUNTS[(round + i) % WORKER_COUNTS.length] as number);
    const inRound = new Map<number, Measure>();
    for (const n of order) {
      const m = await measure(n);
      inRound.set(n, m);
      runs.set(n, [...(runs.get(n) ?? []), m]);
      console.log(
        `  round ${round + 1}: ${n} worker(s) ${Math.round(m.packetsPerSecond)} packets/s, utilization ${m.utilization.join(" ")}`,
      );
    }
    const one = inRound.get(1)?.packetsPerSecond;
    for (const n of WORKER_COUNTS) {
      const m = inRound.get(n);
      if (one && m) speedups.set(n, [...(speedups.get(n) ?? []), m.packetsPerSecond / one]);
    }
  }
  const rows: BenchRow[] = WORKER_COUNTS.flatMap((n) => [
    {
      case: `${n} worker${n > 1 ? "s" : ""}: forwarded packets/s, all connections`,
      values: { tern: spread((runs.get(n) ?? []).map((m) => m.packetsPerSecond)) },
      headline: n === 1 || n === MAX_WORKERS,
    },
    {
      case: `${n} worker${n > 1 ? "s" : ""}: speedup over 1 worker in the same round`,
      unit: "×",
      values: { tern: spread(speedups.get(n) ?? []) },
      headline: n === 2,
    },
  ]);
  writeReport(
    {
      name: "media-scaling",
      title: `aggregate RTP packets/s forwarded by N worker threads (ConnectionWorkers), ${CONNECTIONS_PER_WORKER} flat-out Tern pairs per worker`,
      unit: "packets/s",
      better: "higher",
      subject: "tern",
      baselines: [],
      rows,
      config: {
        tern: {
          srtpProfile: "SRTP_AES128_CM_HMAC_SHA1_80",
          connectionsPerWorker: CONNECTIONS_PER_WORKER,
          workerThreadsSeen: Object.fromEntries(WORKER_COUNTS.map((n) => [n, runs.get(n)?.[0]?.threads])),
          eventLoopUtilization: Object.fromEntries(
            WORKER_COUNTS.map((n) => [n, runs.get(n)?.map((m) => m.utilization)]),
          ),
          lostPackets: Object.fromEntries(WORKER_COUNTS.map((n) => [n, runs.get(n)?.map((m) => m.lost)])),
        },
      },
      method: {
        workerCounts: WORKER_COUNTS,
        rounds: ROUNDS,
        secondsPerRun: SECONDS,
        warmUpSecondsPerConnection: WARM_SECONDS,
        cores: CORES,
        pool: "ConnectionWorkers.start({ module, workers: N }); each connection a Tern pair inside its worker",
        perConnection: "peer-media's Tern path, flat out (bursts of 32, setImmediate between)",
        goal: "≥ 1.8× at 2 workers; near-linear beyond, up to the cores",
      },
      notes: [
        "Each worker is one thread; the main thread only opens connections and collects counts. Load from other processes on the machine lowers the curve: see env.loadBefore/loadAfter.",
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, { main });
