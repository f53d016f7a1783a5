/**
 * The result format every bench writes to bench/results/<name>.json (format 2): rows of min / median /
 * max per contender over interleaved rounds, the ratio of medians against each baseline, the
 * configuration each contender reported from its running stack, how it was run, and the environment
 * (commit, Node, CPU, load before and after).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchEnvironment } from "./environment.js";
import type { Spread } from "./spread.js";

export type Better = "lower" | "higher";

/** One measure: each contender's spread over rounds (same unit across the row). */
export interface BenchRow {
  readonly case: string;
  /** Defaults to the report's. */
  readonly unit?: string;
  readonly better?: Better;
  readonly values: Readonly<Record<string, Spread>>;
  /** The README table shows this row's ratios (default: the first row only). */
  readonly headline?: boolean;
}

export interface BenchReport {
  readonly name: string;
  /** One line: what is compared (the README table's text). */
  readonly title: string;
  readonly unit: string;
  readonly better: Better;
  /** The contender the ratios are for (Tern), and those it is compared against. */
  readonly subject: string;
  readonly baselines: readonly string[];
  readonly rows: readonly BenchRow[];
  /**
   * Per contender, the configuration its running stack reported (SRTP profile, cipher suite, packet
   * sizes, candidates…): what makes the work equal, read back rather than written down.
   */
  readonly config: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** How it ran: rounds, warm-up, durations, one process per stack. */
  readonly method: Readonly<Record<string, unknown>>;
  readonly notes?: readonly string[];
}

export interface BenchResult extends BenchReport {
  readonly format: 2;
  /** case → baseline → how many times better the subject's median is (>1: Tern better). */
  readonly ratios: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly env: BenchEnvironment;
}

/** bench/results, or $TERN_BENCH_RESULTS_DIR (a bundled run elsewhere). */
export const resultsDir =
  process.env.TERN_BENCH_RESULTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "results");

export function formatNumber(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "—";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** How many times better `s` is than `b` (b/s when lower is better). */
export function ratioOf(s: number | undefined, b: number | undefined, better: Better): number {
  if (s === undefined || b === undefined || !Number.isFinite(s) || !Number.isFinite(b)) return Number.NaN;
  return better === "lower" ? b / s : s / b;
}

function cell(s: Spread | undefined): string {
  if (!s || s.n === 0) return "—";
  if (s.n === 1 || s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} (${formatNumber(s.min)}–${formatNumber(s.max)})`;
}

/** Prints the report as a table (median (min–max), then the ratios) and writes its JSON. */
export function writeReport(report: BenchReport, env: BenchEnvironment): BenchResult {
  const contenders = [report.subject, ...report.baselines];
  const header = ["case", "unit", ...contenders, ...report.baselines.map((b) => `× vs ${b}`)];
  const lines: string[][] = [header];
  const ratios: Record<string, Record<string, number>> = {};
  for (const row of report.rows) {
    const better = row.better ?? report.better;
    const s = row.values[report.subject]?.median;
    const r: Record<string, number> = {};
    const cells = [
      row.case,
      `${row.unit ?? report.unit} (${better})`,
      ...contenders.map((c) => cell(row.values[c])),
    ];
    for (const b of report.baselines) {
      const x = ratioOf(s, row.values[b]?.median, better);
      r[b] = x;
      cells.push(Number.isNaN(x) ? "—" : `${x.toFixed(2)}×`);
    }
    ratios[row.case] = r;
    lines.push(cells);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? "").length)));
  const out = lines.map((l) => `| ${l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`);
  out.splice(1, 0, `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  console.log(`\n## ${report.name}: ${report.title}\n${out.join("\n")}`);
  for (const [who, c] of Object.entries(report.config)) console.log(`  config ${who}: ${JSON.stringify(c)}`);
  for (const n of report.notes ?? []) console.log(`  ${n}`);
  console.log(
    `  ${env.commit.slice(0, 12)}${env.dirty === true ? " (dirty)" : ""}, node ${env.node}, ${env.cpu} × ${env.cores}, load ${env.loadBefore.join(" ")} → ${env.loadAfter.join(" ")}`,
  );
  const result: BenchResult = { format: 2, ...report, ratios, env };
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${report.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`  written to ${file}`);
  return result;
}

/**
 * Equal work, checked: the contenders whose `keys` differ from the subject's, as "who: key a ≠ b" lines.
 * A bench drops (does not adjust) the rows of a contender that differs.
 */
export function configMismatches(
  config: BenchReport["config"],
  subject: string,
  keys: readonly string[],
): { readonly who: string; readonly why: string }[] {
  const s = config[subject] ?? {};
  const out: { who: string; why: string }[] = [];
  for (const [who, c] of Object.entries(config)) {
    if (who === subject) continue;
    for (const k of keys) {
      if (!(k in c)) continue;
      if (JSON.stringify(c[k]) !== JSON.stringify(s[k]))
        out.push({ who, why: `${k} ${JSON.stringify(c[k])} ≠ ${subject}'s ${JSON.stringify(s[k])}` });
    }
  }
  return out;
}
