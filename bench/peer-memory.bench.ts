/**
 * @tern/peer: memory per established peer connection, Tern against werift and node-datachannel, with 100
 * and 1,000 connections in one process. What is counted: connected pairs inside one process (both ends
 * ours), each pair two connections, each with one audio and one video transceiver sendrecv, ICE + DTLS
 * done and SRTP keyed (the pairs of peer-setup.bench.ts). Per connection = (RSS or JS heap with N
 * connections − the same before any) / N, both taken after two `global.gc()` and a pause.
 *
 * Each (stack, N) runs in its own child process started with --expose-gc, so one stack's garbage and
 * native allocations do not land in another's figure. Pairs are set up PARALLEL at a time.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getHeapSpaceStatistics } from "node:v8";
import { type RunningStunServer, startStunServer } from "@tern/ice";
import { type ConnectedPair, ndcPair, ternPair, weriftPair } from "./peer-setup.bench.js";
import { type BenchRow, writeReport } from "./report.js";

const COUNTS = [100, 1000] as const;
const PARALLEL = 10;
const CHILD_TIMEOUT_MS = 300_000;
const STACKS = ["tern", "werift", "node-datachannel"] as const;
type Stack = (typeof STACKS)[number];

interface ChildResult {
  readonly stack: Stack;
  readonly connections: number;
  readonly failedPairs: number;
  readonly rssKiBPerConnection: number;
  /** (RSS with N − RSS with N/2) / (N/2): without what the first connections cost once (pools, arenas) */
  readonly rssKiBMarginal: number;
  readonly heapKiBPerConnection: number;
  /** Buffers and ArrayBuffers outside the JS heap (in RSS too) */
  readonly externalKiBPerConnection: number;
  /**
   * Growth of V8's young generation (new space, physical) over the run, per connection: V8 grows it under
   * allocation pressure up to its maximum (2 × 16 MiB semi-spaces) and keeps it after gc — a process cost,
   * reusable garbage space, not connection state; in RSS.
   */
  readonly newSpaceKiBPerConnection: number;
  readonly rssMiBBefore: number;
  readonly rssMiBAfter: number;
  readonly setupSeconds: number;
  /** /proc/self/status lines (Linux) before and after: VmRSS, RssAnon, Threads */
  readonly status: readonly [string, string];
}

function procStatus(): string {
  try {
    return readFileSync("/proc/self/status", "utf8")
      .split("\n")
      .filter((l) => /^(VmRSS|RssAnon|Threads):/.test(l))
      .map((l) => l.replace(/\s+/g, " "))
      .join(", ");
  } catch {
    return "";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.physical_space_size ?? 0;
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 2; i++) {
    gc();
    await sleep(250);
  }
  gc();
  return process.memoryUsage();
}

/** In the child: sets up `connections` / 2 pairs of `stack` and prints a ChildResult as JSON. */
async function child(stack: Stack, connections: number): Promise<void> {
  let stun: RunningStunServer | undefined;
  if (stack === "werift") stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const make = (): Promise<ConnectedPair> =>
    stack === "tern" ? ternPair() : stack === "werift" ? weriftPair(stun as RunningStunServer) : ndcPair();
  // Warm-up: code loaded and compiled, pools created, then gone.
  for (let i = 0; i < 3; i++) await (await make()).close();
  const before = await settledMemory();
  const newSpaceBefore = newSpaceBytes();
  const statusBefore = procStatus();
  const t0 = performance.now();
  const pairs: ConnectedPair[] = [];
  let failedPairs = 0;
  const wanted = connections / 2;
  let half: { rss: number; connections: number } | undefined;
  while (pairs.length < wanted && failedPairs < wanted) {
    if (half === undefined && pairs.length >= wanted / 2) {
      half = { rss: (await settledMemory()).rss, connections: pairs.length * 2 };
    }
    const batch = Math.min(PARALLEL, wanted - pairs.length);
    const settled = await Promise.allSettled(Array.from({ length: batch }, make));
    for (const s of settled) {
      if (s.status === "fulfilled") pairs.push(s.value);
      else failedPairs++;
    }
  }
  const setupSeconds = (performance.now() - t0) / 1000;
  await sleep(1000); // timers and first RTCP reports run once
  const after = await settledMemory();
  const statusAfter = procStatus();
  const n = pairs.length * 2;
  const result: ChildResult = {
    stack,
    connections: n,
    failedPairs,
    rssKiBPerConnection: (after.rss - before.rss) / 1024 / n,
    rssKiBMarginal: half ? (after.rss - half.rss) / 1024 / (n - half.connections) : Number.NaN,
    heapKiBPerConnection: (after.heapUsed - before.heapUsed) / 1024 / n,
    externalKiBPerConnection: (after.external - before.external) / 1024 / n,
    newSpaceKiBPerConnection: (newSpaceBytes() - newSpaceBefore) / 1024 / n,
    rssMiBBefore: before.rss / 2 ** 20,
    rssMiBAfter: after.rss / 2 ** 20,
    setupSeconds,
    status: [statusBefore, statusAfter],
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** In the parent: one child per (stack, N). */
function runChild(stack: Stack, connections: number): Promise<ChildResult | string> {
  return new Promise((resolve) => {
    const args = [
      "--expose-gc",
      "--conditions=tern-source",
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      stack,
      String(connections),
    ];
    const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => p.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (line) resolve(JSON.parse(line.slice("RESULT ".length)) as ChildResult);
      else
        resolve(
          signal === "SIGKILL"
            ? `not finished within ${CHILD_TIMEOUT_MS / 1000} s`
            : `child exited ${code ?? signal}: ${err.trim().split("\n").slice(-3).join(" / ")}`,
        );
    });
  });
}

export default async function (): Promise<void> {
  const results = new Map<string, ChildResult | string>();
  for (const connections of COUNTS) {
    for (const stack of STACKS) results.set(`${stack} ${connections}`, await runChild(stack, connections));
  }
  const value = (stack: Stack, n: number, f: (r: ChildResult) => number): number => {
    const r = results.get(`${stack} ${n}`);
    return r === undefined || typeof r === "string" ? Number.NaN : f(r);
  };
  const rows: BenchRow[] = [];
  for (const n of COUNTS) {
    rows.push({
      case: `RSS per connection, ${n} connections`,
      values: Object.fromEntries(STACKS.map((s) => [s, value(s, n, (r) => r.rssKiBPerConnection)])),
    });
    rows.push({
      case: `RSS per connection less V8 young-generation growth, ${n} connections`,
      values: Object.fromEntries(
        STACKS.map((s) => [s, value(s, n, (r) => r.rssKiBPerConnection - r.newSpaceKiBPerConnection)]),
      ),
    });
    rows.push({
      case: `RSS per connection, marginal from ${n / 2} to ${n}`,
      values: Object.fromEntries(STACKS.map((s) => [s, value(s, n, (r) => r.rssKiBMarginal)])),
    });
    rows.push({
      case: `JS heap per connection, ${n} connections`,
      values: Object.fromEntries(STACKS.map((s) => [s, value(s, n, (r) => r.heapKiBPerConnection)])),
    });
    rows.push({
      case: `Buffers/ArrayBuffers (external) per connection, ${n} connections`,
      values: Object.fromEntries(STACKS.map((s) => [s, value(s, n, (r) => r.externalKiBPerConnection)])),
    });
  }
  const describe = (key: string): string => {
    const r = results.get(key);
    if (r === undefined) return `${key}: not run`;
    if (typeof r === "string") return `${key}: ${r}`;
    return `${key}: ${r.connections} connected (${r.failedPairs} pairs failed), set up in ${r.setupSeconds.toFixed(1)} s; before ${r.status[0]}; after ${r.status[1]}`;
  };
  writeReport({
    name: "peer-memory",
    unit: "KiB",
    better: "lower",
    subject: "tern",
    baselines: ["werift", "node-datachannel"],
    rows,
    notes: [
      "a connection = one end of a connected pair in the same process (both ends counted), one audio + one",
      "video transceiver sendrecv, ICE + DTLS + SRTP keys; (usage with N − usage before) / N after gc;",
      `one child process (--expose-gc) per stack and N; pairs set up ${PARALLEL} at a time.`,
      "node-datachannel's JS heap is only its JS wrappers: its state is native (in RSS).",
      "V8's young generation (new space) grows under the allocation of set-up up to its maximum (32 MiB) and",
      "keeps that size after gc: with 100 connections that one-time growth is most of the per-connection RSS;",
      `young-generation growth per connection: ${COUNTS.map((n) => STACKS.map((s) => `${s} ${n}: ${value(s, n, (r) => r.newSpaceKiBPerConnection).toFixed(1)}`).join(", ")).join("; ")} KiB.`,
      ...[...results.keys()].map(describe),
    ],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stack = process.argv[2] as Stack;
  const n = Number(process.argv[3]);
  if (!STACKS.includes(stack) || !Number.isInteger(n) || n < 2) {
    console.error(`usage: peer-memory.bench.ts <${STACKS.join("|")}> <connections>`);
    process.exit(2);
  }
  await child(stack, n);
}
