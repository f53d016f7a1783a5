/**
 * `pnpm bench dtls`: DTLS handshakes over an in-memory link, each contender in a child process of its
 * own (dtls/contenders.ts: Tern's DTLS 1.2 and werift's, configured alike, HelloVerifyRequest on both).
 *
 * Rows: handshakes per second with IN_FLIGHT handshakes under way at once — werift's client sleeps on
 * real timers between its flights (a lone werift handshake waits ≈ 500 ms in Flight.transmit before it
 * looks for the reply), so one at a time its wall time would measure those sleeps; with many in flight
 * the sleeps overlap and the rate is bound by the work — and process CPU per handshake (both endpoints).
 * The handshake's cipher suite, curve, SRTP profile and HelloVerifyRequests are read off the wire.
 */
import { fileURLToPath } from "node:url";
import { CONTENDERS, type Handshake } from "./dtls/contenders.js";
import { type DtlsWireFacts, MemoryLink, newWireFacts } from "./dtls/dtls-link.js";
import { startEnvironment } from "./harness/environment.js";
import { configMismatches, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

const ROUNDS = quick() ? 3 : 7;
const HANDSHAKES_PER_ROUND = quick() ? 64 : 128;
const IN_FLIGHT = 64;

interface RoundResult {
  readonly handshakes: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly failures: number;
  /** Per handshake: the wire facts of the last one. */
  readonly wire: DtlsWireFacts;
}

async function round(handshake: Handshake, n: number, inFlight: number): Promise<RoundResult> {
  let started = 0;
  let failures = 0;
  let wire = newWireFacts();
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      const link = new MemoryLink();
      try {
        await handshake(link);
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
  return { handshakes: n - failures, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, failures, wire };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const script = fileURLToPath(import.meta.url);
  const procs = CONTENDERS.map((c) => new StackProcess(script, c.name));
  let rounds: Record<string, RoundResult[]>;
  try {
    await Promise.all(procs.map((p) => p.call("prepare")));
    rounds = await interleavedRounds<RoundResult>(procs, { warmUp: 1, rounds: ROUNDS, command: "round" });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  const names = CONTENDERS.map((c) => c.name);
  const subject = names[0] as string;
  const config: Record<string, Record<string, unknown>> = {};
  for (const n of names) {
    const w = rounds[n]?.at(-1)?.wire;
    config[n] = {
      ...(w ?? {}),
      failures: (rounds[n] ?? []).reduce((k, r) => k + r.failures, 0),
    };
  }
  const bad = configMismatches(config, subject, [
    "helloVerifyRequests",
    "cipherSuite",
    "namedCurve",
    "srtpProfile",
  ]);
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
          "ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDSA P-256 certificates, mutual auth, use_srtp AEAD_AES_128_GCM, EMS, HelloVerifyRequest, SRTP key export",
        link: "in memory, each datagram delivered on setImmediate; wire facts read from the datagrams",
      },
      notes: [
        "No one-at-a-time wall-time row: a lone werift handshake waits ≈ 500 ms on its own retransmission sleep, so it measures the sleep.",
        ...bad.map((b) => `${b.who} dropped from the rows: ${b.why}`),
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name) => {
    const c = CONTENDERS.find((x) => x.name === name);
    if (!c) throw new Error(`no DTLS contender ${name}`);
    let handshake: Handshake | undefined;
    return {
      prepare: async () => {
        handshake = await c.prepare();
      },
      round: () => {
        if (!handshake) throw new Error("prepare first");
        return round(handshake, HANDSHAKES_PER_ROUND, IN_FLIGHT);
      },
    };
  },
});
