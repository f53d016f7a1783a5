/**
 * ICE through a TURN relay: time from `start` (each peer creates its agent and gathers, TURN allocation
 * included) to both peers reporting ICE connected, in the NAT lab of packages/ice/test/natlab (network
 * namespaces, both hosts behind symmetric NATs, coturn in the public segment). Tern ↔ Tern against
 * node-datachannel ↔ node-datachannel (libjuice), same lab, same coturn, runs interleaved; each peer is
 * its own process inside its namespace, signaling relayed by the runner over stdin/stdout (process start-up
 * and module loading are not timed). Needs root, like `pnpm test:nat`. Median of RUNS runs.
 *
 * "Connected" is what each implementation reports: libjuice's controlled side says connected as soon as a
 * check succeeds, Tern's controlled side when the controlling side has nominated (RFC 8445 §8.1.1) — so
 * with nomination delays the comparison is of what an application sees.
 */
import { labDown, labUp, requireLab } from "../packages/ice/test/natlab/lab.js";
import type { PeerImpl } from "../packages/ice/test/natlab/peer-protocol.js";
import { runScenario } from "../packages/ice/test/natlab/scenario.js";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, quick } from "./harness/stack-process.js";

const RUNS = Number(process.env.ICE_RELAY_BENCH_RUNS ?? (quick() ? 3 : 5));

interface Case {
  readonly name: string;
  readonly turn: "udp" | "tcp";
  readonly policy: "all" | "relay";
  readonly stun: boolean;
  /** libjuice has no TURN over TCP. */
  readonly impls: readonly PeerImpl[];
}

const CASES: readonly Case[] = [
  {
    name: "relay-only, TURN/UDP",
    turn: "udp",
    policy: "relay",
    stun: false,
    impls: ["tern", "node-datachannel"],
  },
  {
    name: "STUN + TURN/UDP, policy all",
    turn: "udp",
    policy: "all",
    stun: true,
    impls: ["tern", "node-datachannel"],
  },
  { name: "relay-only, TURN/TCP", turn: "tcp", policy: "relay", stun: false, impls: ["tern"] },
];

async function once(impl: PeerImpl, c: Case): Promise<{ ms: number; types: string }> {
  const r = await runScenario({
    a: { impl, host: "host-a", role: "controlling", stun: c.stun, turn: c.turn, policy: c.policy },
    b: { impl, host: "host-b", role: "controlled", stun: c.stun, turn: c.turn, policy: c.policy },
    datagrams: 0,
    drainMs: 0,
    checkingTimeoutMs: 10_000,
  });
  if (r.connectMs === undefined) throw new Error(`${impl} did not connect (${c.name}):\n${r.log}`);
  const types = `${r.a.pair?.local.type ?? "?"}↔${r.b.pair?.local.type ?? "?"}`;
  return { ms: r.connectMs, types };
}

async function main(): Promise<void> {
  requireLab();
  const env = startEnvironment();
  labUp("symmetric", "symmetric");
  const rows: BenchRow[] = [];
  const config: Record<string, Record<string, unknown>> = { tern: {}, "node-datachannel": {} };
  const notes: string[] = [];
  try {
    for (const c of CASES) {
      const times: Record<string, number[]> = {};
      const seenTypes: Record<string, Set<string>> = {};
      for (const impl of c.impls) {
        await once(impl, c); // warm-up (page cache, coturn's first allocation), not counted
        times[impl] = [];
        seenTypes[impl] = new Set();
      }
      for (let i = 0; i < RUNS; i++) {
        for (const impl of c.impls) {
          const { ms, types } = await once(impl, c);
          times[impl]?.push(ms);
          seenTypes[impl]?.add(types);
        }
      }
      const values: BenchRow["values"] = Object.fromEntries(
        c.impls.map((impl) => [impl, spread(times[impl] ?? [])]),
      );
      for (const impl of c.impls) {
        const xs = times[impl] ?? [];
        config[impl] = { ...config[impl], [c.name]: { selectedLocalTypes: [...(seenTypes[impl] ?? [])] } };
        notes.push(
          `${c.name}, ${impl}: runs ${xs.map((x) => x.toFixed(0)).join(" ")} ms; selected local types a↔b: ${[...(seenTypes[impl] ?? [])].join(", ")}`,
        );
      }
      rows.push({ case: c.name, values, ...(rows.length === 0 ? { headline: true } : {}) });
    }
  } finally {
    labDown();
  }
  notes.push(
    "symmetric NATs on both sides, coturn 4.6 in the lab's public namespace; node-datachannel (libjuice) has no TURN/TCP",
  );
  writeReport(
    {
      name: "ice-relay",
      title:
        "start → ICE connected through coturn between symmetric NATs in the NAT lab (root), each peer its own process",
      unit: "ms",
      better: "lower",
      subject: "tern",
      baselines: ["node-datachannel"],
      rows,
      config,
      method: {
        runs: RUNS,
        warmUpRunsPerCase: 1,
        lab: "packages/ice/test/natlab, symmetric NATs both sides, coturn",
      },
      notes,
    },
    env(),
  );
}

await benchEntry(import.meta.url, { main });
