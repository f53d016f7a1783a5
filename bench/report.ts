import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One row of a side-by-side benchmark: a case, and each contender's figure for it. */
export interface BenchRow {
  readonly case: string;
  /** contender name -> measured value (same unit across the row) */
  readonly values: Readonly<Record<string, number>>;
}

export interface BenchReport {
  readonly name: string;
  readonly unit: string;
  /** "lower" when smaller is better (latency), "higher" when larger is better (throughput). */
  readonly better: "lower" | "higher";
  /** The contender the ratio is taken for (Tern), and the one it is compared against. */
  readonly subject: string;
  readonly baselines: readonly string[];
  readonly rows: readonly BenchRow[];
  readonly notes?: readonly string[];
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "—";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/**
 * Prints the report as a table with, per baseline, the ratio "how many times better the subject is"
 * (baseline/subject for latency, subject/baseline for throughput), and writes it to
 * bench/results/<name>.json.
 */
export function writeReport(report: BenchReport): void {
  const contenders = [report.subject, ...report.baselines];
  const header = [
    "case",
    ...contenders.map((c) => `${c} (${report.unit})`),
    ...report.baselines.map((b) => `× vs ${b}`),
  ];
  const lines: string[][] = [header];
  const ratios: Record<string, Record<string, number>> = {};
  for (const row of report.rows) {
    const s = row.values[report.subject];
    const cells = [row.case, ...contenders.map((c) => fmt(row.values[c]))];
    ratios[row.case] = {};
    for (const b of report.baselines) {
      const v = row.values[b];
      const ratio =
        s === undefined || v === undefined ? Number.NaN : report.better === "lower" ? v / s : s / v;
      (ratios[row.case] as Record<string, number>)[b] = ratio;
      cells.push(Number.isNaN(ratio) ? "—" : `${ratio.toFixed(2)}×`);
    }
    lines.push(cells);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  const out = lines.map((l) => `| ${l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`);
  out.splice(1, 0, `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  console.log(`\n## ${report.name} (${report.better} is better)\n${out.join("\n")}`);
  for (const n of report.notes ?? []) console.log(`  ${n}`);
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${report.name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ ...report, ratios, node: process.version, date: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`  written to ${file}`);
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
