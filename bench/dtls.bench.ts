/**
 * `pnpm bench dtls`: DTLS handshakes over an in-memory link, each contender in a child process of its
 * own (dtls/contenders.ts), in two sets of rows:
 *
 * - `dtls`: Tern's DTLS 1.2 against werift's, configured alike, HelloVerifyRequest on both. Handshakes per
 *   second with IN_FLIGHT handshakes under way at once — werift's client sleeps on real timers between its
 *   flights (a lone werift handshake waits ≈ 500 ms in Flight.transmit before it looks for the reply), so
 *   one at a time its wall time would measure those sleeps; with many in flight the sleeps overlap and the
 *   rate is bound by the work — and process CPU per handshake (both endpoints).
 * - `dtls13-x25519`, `dtls13-x25519mlkem768`: Tern's DTLS 1.3 with each group against Tern's own DTLS 1.2,
 *   no cookie round trip on any (the WebRTC setting), one handshake at a time: CPU per handshake and wall
 *   time per handshake. The hybrid's CPU over X25519's, round by round, is issue 17's figure (goal < 2 ms).
 *   ML-KEM-768 comes from @noble/post-quantum on Node 20 and from node:crypto on Node ≥ 24.7: with
 *   TERN_BENCH_SECOND_NODE=<path of another node binary> the three also run on that Node, as rows of
 *   their own (`TERN_BENCH_SECOND_NODE=$(npx -y -p node@24 node -p process.execPath) pnpm bench dtls`).
 *
 * What each handshake did is read back: cipher suite, group, HelloVerifyRequests and HelloRetryRequests off
 * the datagrams, version, group, SRTP profile and mutual authentication from Tern's `connected` events. A
 * contender that differs from its set's reference on the equal-work keys, or from what it is meant to
 * negotiate, is dropped from the rows with the reason in the notes.
 */
import { fileURLToPath } from "node:url";
import { mlKem768 } from "@tern/dtls-srtp";
import { CONTENDERS, type DtlsContender, type Handshake, type HandshakeFacts } from "./dtls/contenders.js";
import { type DtlsWireFacts, MemoryLink, newWireFacts } from "./dtls/dtls-link.js";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, configMismatches, writeReport } from "./harness/report.js";
import { median, percentile, type Spread, spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

const ROUNDS = quick() ? 3 : 7;
const HANDSHAKES_PER_ROUND = quick() ? 64 : 128;
const IN_FLIGHT = 64;
const SEQUENTIAL_PER_ROUND = quick() ? 20 : 40;

/** The equal-work keys of each set, compared with the set's reference contender. */
const EQUAL_WORK = {
  werift: ["helloVerifyRequests", "cipherSuite", "namedGroup", "srtpProfile"],
  // DTLS 1.3 differs from 1.2 in version, suite and group by design: compared is what else each does.
  dtls13: ["helloVerifyRequests", "helloRetryRequests", "srtpProfile", "mutualAuth", "extendedMasterSecret"],
} as const;

interface RoundResult {
  readonly handshakes: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly failures: number;
  /** The wire facts and the stack's facts of the last handshake. */
  readonly wire: DtlsWireFacts;
  readonly facts: HandshakeFacts;
}

interface SequentialResult {
  readonly handshakes: number;
  readonly failures: number;
  readonly cpuMsPerHandshake: number;
  readonly wallMsMedian: number;
  readonly wallMsP90: number;
  readonly wire: DtlsWireFacts;
  readonly facts: HandshakeFacts;
}

interface Prepared {
  readonly node: string;
  readonly mlKem: string;
}

async function round(handshake: Handshake, n: number, inFlight: number): Promise<RoundResult> {
  let started = 0;
  let failures = 0;
  let wire = newWireFacts();
  let facts: HandshakeFacts = {};
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      const link = new MemoryLink();
      try {
        facts = await handshake(link);
        wire = link.facts;
      } catch {
        failures++;
      }
    }
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { handshakes: n - failures, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, failures, wire, facts };
}

/** `n` handshakes one after the other: CPU per handshake over the round, wall time of each. */
async function sequential(handshake: Handshake, n: number): Promise<SequentialResult> {
  let failures = 0;
  let wire = newWireFacts();
  let facts: HandshakeFacts = {};
  const walls: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const link = new MemoryLink();
    const t0 = performance.now();
    try {
      facts = await handshake(link);
      walls.push(performance.now() - t0);
      wire = link.facts;
    } catch {
      failures++;
    }
  }
  const cpu = process.cpuUsage(c0);
  const ok = n - failures;
  return {
    handshakes: ok,
    failures,
    cpuMsPerHandshake: ok > 0 ? (cpu.user + cpu.system) / 1000 / ok : Number.NaN,
    wallMsMedian: ok > 0 ? median(walls) : Number.NaN,
    wallMsP90: ok > 0 ? percentile(walls, 90) : Number.NaN,
    wire,
    facts,
  };
}

/** What a contender negotiated that it should not have: "key x ≠ expected y" lines. */
function unexpected(c: DtlsContender, config: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(c.expect ?? {})
    .filter(([k, v]) => JSON.stringify(config[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k} ${JSON.stringify(config[k])} ≠ expected ${JSON.stringify(v)}`);
}

/** Tern's DTLS 1.2 against werift's, IN_FLIGHT at once: the `dtls` result. */
async function weriftRows(script: string): Promise<void> {
  const env = startEnvironment();
  const set = CONTENDERS.filter((c) => c.rows === "werift");
  const procs = set.map((c) => new StackProcess(script, c.name));
  let rounds: Record<string, RoundResult[]>;
  try {
    await Promise.all(procs.map((p) => p.call("prepare")));
    rounds = await interleavedRounds<RoundResult>(procs, { warmUp: 1, rounds: ROUNDS, command: "round" });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  const names = set.map((c) => c.name);
  const subject = names[0] as string;
  const config: Record<string, Record<string, unknown>> = {};
  for (const n of names) {
    const last = rounds[n]?.at(-1);
    config[n] = {
      ...(last?.wire ?? {}),
      ...(last?.facts ?? {}),
      failures: (rounds[n] ?? []).reduce((k, r) => k + r.failures, 0),
    };
  }
  const bad = [
    ...configMismatches(config, subject, EQUAL_WORK.werift),
    ...set.flatMap((c) => unexpected(c, config[c.name] ?? {}).map((why) => ({ who: c.name, why }))),
  ];
  const dropped = new Set(bad.map((b) => b.who));
  const values = (f: (r: RoundResult) => number) =>
    Object.fromEntries(
      names.filter((n) => !dropped.has(n)).map((n) => [n, spread((rounds[n] ?? []).map(f))]),
    );
  writeReport(
    {
      name: "dtls",
      title: `DTLS 1.2 handshakes over an in-memory link (setImmediate delivery), ${IN_FLIGHT} in flight, HelloVerifyRequest on both, each stack in its own process`,
      unit: "handshakes/s",
      better: "higher",
      subject,
      baselines: names.slice(1),
      rows: [
        {
          case: `handshakes/s, ${IN_FLIGHT} in flight (wall)`,
          values: values((r) => (1000 * r.handshakes) / r.wallMs),
          headline: true,
        },
        {
          case: "process CPU per handshake (client + server)",
          unit: "ms CPU",
          better: "lower",
          values: values((r) => r.cpuMs / Math.max(1, r.handshakes)),
        },
      ],
      config,
      method: {
        rounds: ROUNDS,
        handshakesPerRound: HANDSHAKES_PER_ROUND,
        inFlight: IN_FLIGHT,
        warmUpRounds: 1,
        everyContender:
          "ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over x25519, ECDSA P-256 certificates, mutual auth, use_srtp AEAD_AES_128_GCM, EMS, HelloVerifyRequest, SRTP key export",
        link: "in memory, each datagram delivered on setImmediate; wire facts read from the datagrams",
      },
      notes: [
        "No one-at-a-time wall-time row: a lone werift handshake waits ≈ 500 ms on its own retransmission sleep, so it measures the sleep.",
        "Tern's DTLS 1.3 rows are in the results dtls13-x25519 and dtls13-x25519mlkem768.",
        ...bad.map((b) => `${b.who} dropped from the rows: ${b.why}`),
      ],
    },
    env(),
  );
}

/** One Node's run of the DTLS 1.3 set: each contender's rounds, its config, and who was dropped. */
interface NodeRun {
  readonly node: string;
  readonly mlKem: string;
  readonly rounds: Record<string, SequentialResult[]>;
  readonly config: Record<string, Record<string, unknown>>;
  readonly dropped: ReadonlyMap<string, string>;
}

async function dtls13OnNode(script: string, execPath: string | undefined): Promise<NodeRun> {
  const set = CONTENDERS.filter((c) => c.rows === "dtls13");
  const procs = set.map((c) => new StackProcess(script, c.name, [], execPath ? { execPath } : {}));
  let rounds: Record<string, SequentialResult[]>;
  let prepared: Prepared[];
  try {
    prepared = await Promise.all(procs.map((p) => p.call<Prepared>("prepare")));
    rounds = await interleavedRounds<SequentialResult>(procs, {
      warmUp: 1,
      rounds: ROUNDS,
      command: "sequential",
    });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  const reference = set[0]?.name as string;
  const config: Record<string, Record<string, unknown>> = {};
  set.forEach((c, i) => {
    const last = rounds[c.name]?.at(-1);
    config[c.name] = {
      ...(last?.wire ?? {}),
      ...(last?.facts ?? {}),
      failures: (rounds[c.name] ?? []).reduce((k, r) => k + r.failures, 0),
      node: prepared[i]?.node,
      mlKem: prepared[i]?.mlKem,
    };
  });
  const dropped = new Map<string, string>();
  for (const b of configMismatches(config, reference, EQUAL_WORK.dtls13)) dropped.set(b.who, b.why);
  for (const c of set) for (const why of unexpected(c, config[c.name] ?? {})) dropped.set(c.name, why);
  const hybrid = prepared[set.findIndex((c) => c.name === "tern-1.3-x25519mlkem768")];
  return {
    node: prepared[0]?.node ?? "unknown",
    mlKem: hybrid?.mlKem ?? "unknown",
    rounds,
    config,
    dropped,
  };
}

/** The DTLS 1.3 results: each group against Tern's DTLS 1.2, on this Node and on TERN_BENCH_SECOND_NODE. */
async function dtls13Rows(script: string): Promise<void> {
  const env = startEnvironment();
  const runs = [await dtls13OnNode(script, undefined)];
  const second = process.env.TERN_BENCH_SECOND_NODE;
  if (second) runs.push(await dtls13OnNode(script, second));
  const x25519 = "tern-1.3-x25519";
  const hybrid = "tern-1.3-x25519mlkem768";
  const v12 = "tern-1.2";

  const perRound = (run: NodeRun, who: string, f: (r: SequentialResult) => number): Spread | undefined =>
    run.dropped.has(who) ? undefined : spread((run.rounds[who] ?? []).map(f));
  const rowsFor = (subject: string, baselines: readonly string[]): BenchRow[] =>
    runs.flatMap((run) => {
      const on = runs.length > 1 || subject === hybrid ? `, Node ${run.node}` : "";
      const kem = subject === hybrid ? ` (ML-KEM-768: ${run.mlKem})` : "";
      const values = (f: (r: SequentialResult) => number) =>
        Object.fromEntries(
          [subject, ...baselines].flatMap((who) => {
            const s = perRound(run, who, f);
            return s ? [[who, s]] : [];
          }),
        );
      const rows: BenchRow[] = [
        {
          case: `process CPU per handshake (client + server)${on}${kem}`,
          values: values((r) => r.cpuMsPerHandshake),
          // The README shows the hybrid's CPU on the bench's own Node and its extra CPU on every Node.
          headline: subject !== hybrid || run === runs[0],
        },
        {
          case: `wall time per handshake, one at a time, median${on}`,
          values: values((r) => r.wallMsMedian),
        },
        { case: `wall time per handshake, one at a time, p90${on}`, values: values((r) => r.wallMsP90) },
      ];
      if (subject === hybrid && !run.dropped.has(hybrid) && !run.dropped.has(x25519)) {
        // Paired by round: the rounds interleave the contenders, so load falls on both alike.
        const h = run.rounds[hybrid] ?? [];
        const x = run.rounds[x25519] ?? [];
        rows.push({
          case: `CPU over X25519 per handshake (issue 17 goal: < 2 ms)${on}${kem}`,
          values: { [hybrid]: spread(h.map((r, i) => r.cpuMsPerHandshake - (x[i]?.cpuMsPerHandshake ?? 0))) },
          headline: true,
        });
      }
      return rows;
    });
  const config = (whos: readonly string[]) =>
    Object.fromEntries(
      runs.flatMap((run, i) =>
        whos.map((who) => [i === 0 ? who : `${who}, Node ${run.node}`, run.config[who] ?? {}]),
      ),
    );
  const droppedNotes = runs.flatMap((run) =>
    [...run.dropped].map(([who, why]) => `${who} (Node ${run.node}) dropped from the rows: ${why}`),
  );
  const extraNotes = runs.map((run) => {
    if (run.dropped.has(hybrid) || run.dropped.has(x25519))
      return `Node ${run.node}: no figure for X25519MLKEM768's CPU over X25519 (a contender was dropped).`;
    const h = run.rounds[hybrid] ?? [];
    const x = run.rounds[x25519] ?? [];
    const extra = median(h.map((r, i) => r.cpuMsPerHandshake - (x[i]?.cpuMsPerHandshake ?? 0)));
    return `Node ${run.node}, ML-KEM-768 from ${run.mlKem}: X25519MLKEM768 costs ${extra.toFixed(2)} ms of CPU more than X25519 per handshake, both endpoints together (median of paired rounds; goal < 2 ms).`;
  });
  const method = {
    rounds: ROUNDS,
    handshakesPerRound: SEQUENTIAL_PER_ROUND,
    inFlight: 1,
    warmUpRounds: 1,
    nodes: runs.map((r) => r.node),
    everyContender:
      "Tern ↔ Tern, ECDSA P-256 certificates, mutual auth, use_srtp AEAD_AES_128_GCM, no cookie round trip (WebRTC), SRTP key export; DTLS 1.3: TLS_AES_128_GCM_SHA256, the client's key share for its one group; DTLS 1.2: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 over x25519",
    link: "in memory, each datagram delivered on setImmediate; wire facts read from the datagrams, the rest from the connected events",
  };
  const secondNote = second
    ? []
    : [
        "Measured on one Node only: TERN_BENCH_SECOND_NODE=$(npx -y -p node@24 node -p process.execPath) adds Node 24's rows (ML-KEM from node:crypto).",
      ];
  const e = env();
  writeReport(
    {
      name: "dtls13-x25519",
      title:
        "Tern's DTLS 1.3 with X25519 against its DTLS 1.2, handshakes one at a time over an in-memory link, no cookie, each in its own process",
      unit: "ms",
      better: "lower",
      subject: x25519,
      baselines: [v12],
      rows: rowsFor(x25519, [v12]),
      config: config([x25519, v12]),
      method,
      notes: [...secondNote, ...droppedNotes],
    },
    e,
  );
  writeReport(
    {
      name: "dtls13-x25519mlkem768",
      title:
        "Tern's DTLS 1.3 with X25519MLKEM768 against its DTLS 1.2 and its DTLS 1.3 X25519, handshakes one at a time over an in-memory link, no cookie, each in its own process",
      unit: "ms",
      better: "lower",
      subject: hybrid,
      baselines: [v12, x25519],
      rows: rowsFor(hybrid, [v12, x25519]),
      config: config([hybrid, v12, x25519]),
      method,
      notes: [...extraNotes, ...secondNote, ...droppedNotes],
    },
    e,
  );
}

async function main(): Promise<void> {
  const script = fileURLToPath(import.meta.url);
  await weriftRows(script);
  await dtls13Rows(script);
}

await benchEntry(import.meta.url, {
  main,
  stack: (name) => {
    const c = CONTENDERS.find((x) => x.name === name);
    if (!c) throw new Error(`no DTLS contender ${name}`);
    let handshake: Handshake | undefined;
    const ready = (): Handshake => {
      if (!handshake) throw new Error("prepare first");
      return handshake;
    };
    return {
      prepare: async (): Promise<Prepared> => {
        handshake = await c.prepare();
        return { node: process.version, mlKem: mlKem768.name };
      },
      round: () => round(ready(), HANDSHAKES_PER_ROUND, IN_FLIGHT),
      sequential: () => sequential(ready(), SEQUENTIAL_PER_ROUND),
    };
  },
});
