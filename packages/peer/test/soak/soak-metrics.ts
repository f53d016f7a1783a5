/** What the soak tier measures: memory samples and their slope, live handles, timers and descriptors. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface MemorySample {
  /** seconds since the start */
  readonly t: number;
  readonly rssMB: number;
  readonly heapMB: number;
}

/** A full GC first (the soak config runs with --expose-gc), then the numbers. */
export function sampleMemory(t0: number): MemorySample {
  collectGarbage();
  const m = process.memoryUsage();
  return {
    t: Math.round((performance.now() - t0) / 100) / 10,
    rssMB: round(m.rss / 2 ** 20),
    heapMB: round(m.heapUsed / 2 ** 20),
  };
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("the soak tier needs --expose-gc: run it with `pnpm test:soak`");
  gc();
  gc();
}

/** Least-squares slope of `y` over `t`, per minute. */
export function slopePerMinute(samples: readonly MemorySample[], y: (s: MemorySample) => number): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const my = samples.reduce((a, s) => a + y(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (y(s) - my);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? 0 : round((num / den) * 60);
}

export interface Resources {
  /** process.getActiveResourcesInfo(), by kind (TCPWrap, UDPWrap, Timeout, …) */
  readonly byKind: Record<string, number>;
  readonly handles: number;
  readonly timers: number;
  readonly fds: number;
  readonly heapMB: number;
}

export function resources(): Resources {
  collectGarbage();
  const byKind: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) byKind[r] = (byKind[r] ?? 0) + 1;
  const timers = byKind.Timeout ?? 0;
  const handles = Object.entries(byKind)
    .filter(([k]) => k !== "Timeout" && k !== "Immediate" && k !== "FSReqCallback")
    .reduce((a, [, v]) => a + v, 0);
  return {
    byKind,
    handles,
    timers,
    fds: readdirSync("/proc/self/fd").length,
    heapMB: round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

/** UDP datagrams the kernel dropped for a full receive buffer, machine-wide (/proc/net/snmp). */
export function udpReceiveBufferErrors(): number {
  const lines = readFileSync("/proc/net/snmp", "utf8")
    .split("\n")
    .filter((l) => l.startsWith("Udp:"));
  const names = (lines[0] ?? "").split(/\s+/);
  const values = (lines[1] ?? "").split(/\s+/);
  return Number(values[names.indexOf("RcvbufErrors")] ?? 0);
}

/** Writes a soak result (test-results/soak/<name>.json, git-ignored) and prints it. */
export function report(name: string, data: unknown): void {
  const dir = join(new URL("../../../../", import.meta.url).pathname, "test-results", "soak");
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(data, null, 2);
  writeFileSync(join(dir, `${name}.json`), `${text}\n`);
  console.log(`soak ${name}: ${text}`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
