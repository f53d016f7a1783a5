/**
 * DTLS handshakes over an in-memory link, each contender in its own process (dtls-handshake.worker.ts):
 *
 * - Tern DTLS 1.2 vs werift DTLS 1.2: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, mutual auth, use_srtp
 *   AEAD_AES_128_GCM, extended master secret, and a HelloVerifyRequest on both sides (werift's server
 *   always sends one, so Tern's does too: equal work).
 * - Tern DTLS 1.3 with X25519 and with X25519MLKEM768, each against Tern's own DTLS 1.2 (x25519), all three
 *   without a cookie round trip (the WebRTC setting): TLS_AES_128_GCM_SHA256, same certificates, mutual
 *   auth, use_srtp.
 *
 * Wall time is both endpoints' work (the link delivers at once; werift's is mostly its own polling sleeps),
 * CPU time is process.cpuUsage over both endpoints.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, writeReport } from "./report.js";

const HANDSHAKES = 60;
const WARMUP = 5;
const here = dirname(fileURLToPath(import.meta.url));

interface Run {
  readonly wallMs: number[];
  readonly cpuMs: number[];
  readonly mlKem: string;
}

function contender(name: string): Run {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, join(here, "dtls-handshake.worker.ts"), name, String(HANDSHAKES), String(WARMUP)],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as Run;
}

const p90 = (xs: readonly number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * 0.9)] as number;
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: here, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

export default async function (): Promise<void> {
  const measured = `commit ${commit()}, node ${process.version}`;
  const ternHvr = contender("tern-1.2-hvr");
  const werift = contender("werift");
  const notes12 = [
    `${HANDSHAKES} sequential handshakes each after ${WARMUP} warm-up, each contender in its own process; ${measured}.`,
    "ECDHE_ECDSA_AES_128_GCM_SHA256, x25519, mutual auth, use_srtp AEAD_AES_128_GCM, EMS, HelloVerifyRequest on both sides",
    "(werift's server always sends one); in-memory link (Tern: synchronous pump; werift: setImmediate delivery).",
    "werift's wall time is mostly its own polling sleeps; the CPU rows (both endpoints) compare the work done.",
  ];
  writeReport({
    name: "dtls-handshake-latency",
    unit: "ms",
    better: "lower",
    subject: "Tern",
    baselines: ["werift"],
    rows: [
      {
        case: "handshake wall time, median",
        values: { Tern: median(ternHvr.wallMs), werift: median(werift.wallMs) },
      },
      {
        case: "handshake CPU time, median",
        values: { Tern: median(ternHvr.cpuMs), werift: median(werift.cpuMs) },
      },
      { case: "handshake wall time, p90", values: { Tern: p90(ternHvr.wallMs), werift: p90(werift.wallMs) } },
    ],
    notes: notes12,
  });
  writeReport({
    name: "dtls-handshake-rate",
    unit: "handshakes/s",
    better: "higher",
    subject: "Tern",
    baselines: ["werift"],
    rows: [
      {
        case: "sequential handshakes (wall)",
        values: {
          Tern: (1000 * HANDSHAKES) / sum(ternHvr.wallMs),
          werift: (1000 * HANDSHAKES) / sum(werift.wallMs),
        },
      },
      {
        case: "handshakes per CPU-second",
        values: {
          Tern: (1000 * HANDSHAKES) / sum(ternHvr.cpuMs),
          werift: (1000 * HANDSHAKES) / sum(werift.cpuMs),
        },
      },
    ],
    notes: notes12,
  });

  const v12 = contender("tern-1.2");
  const x25519 = contender("tern-1.3-x25519");
  const hybrid = contender("tern-1.3-hybrid");
  const extraCpu = median(hybrid.cpuMs) - median(x25519.cpuMs);
  const notes13 = [
    `${HANDSHAKES} sequential handshakes each after ${WARMUP} warm-up, each contender in its own process; ${measured}.`,
    "Tern ↔ Tern, mutual auth (ECDSA P-256), use_srtp AEAD_AES_128_GCM, no cookie round trip on any side;",
    "DTLS 1.3: TLS_AES_128_GCM_SHA256; DTLS 1.2: ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 with x25519.",
    `ML-KEM-768 from ${hybrid.mlKem}. X25519MLKEM768 costs ${extraCpu.toFixed(2)} ms of CPU more than X25519 per`,
    "handshake, both endpoints together (goal: under 2 ms).",
  ];
  for (const [name, label, run] of [
    ["dtls13-x25519", "DTLS 1.3 X25519", x25519],
    ["dtls13-x25519mlkem768", "DTLS 1.3 X25519MLKEM768", hybrid],
  ] as const) {
    writeReport({
      name,
      unit: "ms",
      better: "lower",
      subject: label,
      baselines: ["DTLS 1.2"],
      rows: [
        {
          case: "handshake CPU time, median",
          values: { [label]: median(run.cpuMs), "DTLS 1.2": median(v12.cpuMs) },
        },
        {
          case: "handshake wall time, median",
          values: { [label]: median(run.wallMs), "DTLS 1.2": median(v12.wallMs) },
        },
        {
          case: "handshake wall time, p90",
          values: { [label]: p90(run.wallMs), "DTLS 1.2": p90(v12.wallMs) },
        },
      ],
      notes: notes13,
    });
  }
}
