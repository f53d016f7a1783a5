/**
 * `pnpm bench peer-memory`: memory per established peer connection, Tern against werift,
 * node-datachannel and wrtc (libwebrtc), with N connections in one process. A connection is one end of
 * a connected pair (both ends in the process, both counted), one audio and one video transceiver
 * sendrecv, ICE + DTLS done and SRTP keyed: the pairs of peer-setup. Per connection = (usage with N
 * connections − usage before any) / N, both after gc.
 *
 * Each (stack, N, round) runs in a fresh child process started with --expose-gc and a fixed young
 * generation (--min-semi-space-size = --max-semi-space-size = 16 MiB). RSS is taken outside V8's young
 * generation at both points: V8 commits that garbage space under set-up's allocation and releases it
 * when a process idles (node-datachannel's, which allocates little JS, gave back ~14 MB between the two
 * points, so its plain RSS difference came out negative) — it is not connection state either way.
 * Rows only for what is comparable: RSS for every stack; JS heap and external buffers for the JS stacks
 * (node-datachannel's and wrtc's connection state is native). Data-channel rows (issue 12's (e)): the same
 * with data-only pairs holding one open channel each (bench/datachannel/channel-pairs.ts).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getHeapSpaceStatistics } from "node:v8";
import { startStunServer } from "@tern/ice";
import { channelPair } from "./datachannel/channel-pairs.js";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, quick, StackProcess } from "./harness/stack-process.js";
import { setupPair } from "./peer-setup.bench.js";

const STACKS = ["tern", "werift", "node-datachannel", "wrtc"] as const;
type Stack = (typeof STACKS)[number];
const COUNTS = quick() ? [100] : [100, 1000];
/** Connections with one open data channel (a data-only session), issue 12's (e): at 1,000. */
const DATA_COUNTS = quick() ? [100] : [1000];
type Kind = "media" | "data";
const ROUNDS = quick() ? 1 : 3;
const PARALLEL = 10;
const SEMI_SPACE_MIB = 16;

interface Measure {
  readonly connections: number;
  readonly failedPairs: number;
  /** RSS outside V8's young generation (new space), per connection. */
  readonly rssKiB: number;
  /** How V8's young generation (physical) changed, per connection: garbage space, not connection state. */
  readonly newSpaceKiB: number;
  readonly heapKiB: number;
  readonly externalKiB: number;
  readonly setupSeconds: number;
  readonly threadsBefore: string;
  readonly threadsAfter: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function threads(): string {
  try {
    return /^Threads:\s*(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "?";
  } catch {
    return "?";
  }
}

/** Physical size of V8's young generation (new space): garbage space V8 commits and releases as it likes. */
function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((x) => x.space_name === "new_space")?.physical_space_size ?? 0;
}

async function settledMemory(): Promise<NodeJS.MemoryUsage & { newSpace: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 2; i++) {
    gc();
    await sleep(250);
  }
  gc();
  return { ...process.memoryUsage(), newSpace: newSpaceBytes() };
}

/**
 * In the child: sets up `connections` / 2 pairs and measures. `media`: peer-setup's pairs (audio + video);
 * `data`: data-only pairs with one open data channel (bench/datachannel/channel-pairs.ts).
 */
async function measure(stack: Stack, stunUrl: string, connections: number, kind: Kind): Promise<Measure> {
  const make = (): Promise<{ close(): Promise<void> }> =>
    kind === "media" ? setupPair(stack, stunUrl) : channelPair(stack, stunUrl);
  for (let i = 0; i < 3; i++) await (await make()).close(); // code loaded, pools made, then gone
  const before = await settledMemory();
  const threadsBefore = threads();
  const t0 = performance.now();
  const pairs: { close(): Promise<void> }[] = [];
  let failedPairs = 0;
  const wanted = connections / 2;
  while (pairs.length < wanted && failedPairs < wanted) {
    const batch = Math.min(PARALLEL, wanted - pairs.length);
    for (const s of await Promise.allSettled(Array.from({ length: batch }, make))) {
      if (s.status === "fulfilled") pairs.push(s.value);
      else failedPairs++;
    }
  }
  const setupSeconds = (performance.now() - t0) / 1000;
  await sleep(1500); // timers and the first RTCP reports run once
  const after = await settledMemory();
  const n = pairs.length * 2;
  return {
    connections: n,
    failedPairs,
    rssKiB: (after.rss - after.newSpace - (before.rss - before.newSpace)) / 1024 / n,
    newSpaceKiB: (after.newSpace - before.newSpace) / 1024 / n,
    heapKiB: (after.heapUsed - before.heapUsed) / 1024 / n,
    externalKiB: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / 1024 / n,
    setupSeconds,
    threadsBefore,
    threadsAfter: threads(),
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const stunUrl = `stun:127.0.0.1:${stun.address.port}`;
  const script = fileURLToPath(import.meta.url);
  const results = new Map<string, Measure[]>();
  const errors: string[] = [];
  try {
    // Rounds outermost and stacks in turn, so load from elsewhere falls on all alike.
    const runs: [Kind, number][] = [
      ...COUNTS.map((n): [Kind, number] => ["media", n]),
      ...DATA_COUNTS.map((n): [Kind, number] => ["data", n]),
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, n] of runs) {
        for (let i = 0; i < STACKS.length; i++) {
          const stack = STACKS[(round + i) % STACKS.length] as Stack;
          const p = new StackProcess(script, stack, [stunUrl], {
            nodeArgs: [
              "--expose-gc",
              `--min-semi-space-size=${SEMI_SPACE_MIB}`,
              `--max-semi-space-size=${SEMI_SPACE_MIB}`,
            ],
          });
          try {
            const m = await p.call<Measure>("measure", { n, kind }, 600_000);
            const key = `${stack} ${kind} ${n}`;
            results.set(key, [...(results.get(key) ?? []), m]);
          } catch (e) {
            errors.push(
              `${stack} ${kind} ${n}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`,
            );
          } finally {
            await p.stop();
          }
        }
      }
    }
  } finally {
    await stun.close();
  }
  // A round that measured zero or less per connection (the process gave memory back between the two
  // points) is below what this method can see: that stack's figure is dropped from the row, not adjusted.
  const belowNoise: string[] = [];
  const values = (
    n: number,
    f: (m: Measure) => number,
    stacks: readonly Stack[] = STACKS,
    kind: Kind = "media",
    what = "RSS",
  ) =>
    Object.fromEntries(
      stacks.flatMap((s) => {
        const xs = (results.get(`${s} ${kind} ${n}`) ?? []).map(f);
        const low = xs.filter((x) => x <= 0);
        if (low.length === 0) return [[s, spread(xs)]];
        belowNoise.push(
          `${s} ${kind} ${n}, ${what}: ${low.length} of ${xs.length} rounds measured ≤ 0 KiB per connection (lowest ${Math.min(...low).toFixed(1)}): below this method's noise, dropped from the row`,
        );
        return [];
      }),
    );
  // JS heap and external buffers compare only the JS stacks: the native stacks' state is outside both.
  const js: readonly Stack[] = ["tern", "werift"];
  const rows: BenchRow[] = COUNTS.flatMap((n, i) => [
    {
      case: `RSS outside V8's young generation, per connection, ${n} connections`,
      values: values(n, (m) => m.rssKiB),
      headline: i === COUNTS.length - 1,
    },
    {
      case: `JS heap per connection, ${n} connections`,
      values: values(n, (m) => m.heapKiB, js, "media", "JS heap"),
    },
    {
      case: `Buffers/ArrayBuffers outside the heap per connection, ${n} connections`,
      values: values(n, (m) => m.externalKiB, js, "media", "external"),
    },
  ]);
  for (const n of DATA_COUNTS) {
    rows.push(
      {
        case: `RSS outside V8's young generation, per connection with one open data channel (data only), ${n} connections`,
        values: values(n, (m) => m.rssKiB, STACKS, "data"),
      },
      {
        case: `JS heap per connection with one open data channel, ${n} connections`,
        values: values(n, (m) => m.heapKiB, js, "data", "JS heap"),
      },
    );
  }
  const config: Record<string, Record<string, unknown>> = {};
  for (const s of STACKS) {
    const ms = [
      ...COUNTS.flatMap((n) => results.get(`${s} media ${n}`) ?? []),
      ...DATA_COUNTS.flatMap((n) => results.get(`${s} data ${n}`) ?? []),
    ];
    config[s] = {
      connectionsMade: ms.map((m) => m.connections),
      failedPairs: ms.reduce((k, m) => k + m.failedPairs, 0),
      threadsBeforeAfter: ms.map((m) => `${m.threadsBefore}→${m.threadsAfter}`),
      setupSeconds: ms.map((m) => Math.round(m.setupSeconds * 10) / 10),
      youngGenerationChangeKiBPerConnection: ms.map((m) => Math.round(m.newSpaceKiB * 10) / 10),
    };
  }
  writeReport(
    {
      name: "peer-memory",
      title:
        "memory per established connection (audio + video, ICE + DTLS + SRTP keys), each (stack, N) in a fresh process",
      unit: "KiB",
      better: "lower",
      subject: "tern",
      baselines: ["werift", "node-datachannel", "wrtc"],
      rows,
      config,
      method: {
        counts: COUNTS,
        dataChannelCounts: DATA_COUNTS,
        dataChannelPairs:
          "data-only pairs of bench/datachannel/channel-pairs.ts: one reliable ordered channel, open at both ends",
        roundsPerStackAndCount: ROUNDS,
        pairsSetUpInParallel: PARALLEL,
        nodeArgs: `--expose-gc --min-semi-space-size=${SEMI_SPACE_MIB} --max-semi-space-size=${SEMI_SPACE_MIB}`,
        perConnection: "(usage with N connections − usage before any, after 3 warm-up pairs) / N, after gc",
        rss: "RSS less V8's young generation (physical new space) at both points: V8 commits and releases that garbage space on its own (a process with little JS allocation gives it back while idle), which is not connection state",
      },
      notes: [
        "JS heap and external rows only for Tern and werift: node-datachannel's and wrtc's connection state is native (in RSS only).",
        ...belowNoise,
        ...errors.map((e) => `not measured: ${e}`),
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name, args) => {
    if (!(STACKS as readonly string[]).includes(name) || !args[0])
      throw new Error("usage: stack <stack> <stun url>");
    const stunUrl = args[0];
    return {
      measure: (arg: unknown) => {
        const { n, kind } = arg as { n: number; kind: Kind };
        return measure(name as Stack, stunUrl, Number(n), kind);
      },
    };
  },
});
