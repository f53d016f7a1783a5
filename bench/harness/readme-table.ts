/**
 * The README's bench table, made from bench/results/*.json: one line per result with its headline rows'
 * ratios (median against median), the spread, and the commit and load it was measured at. `pnpm bench`
 * rewrites it after every run; `pnpm bench --table` only rewrites it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchResult } from "./report.js";
import { formatNumber, resultsDir } from "./report.js";

const START = "<!-- bench-table:start (pnpm bench writes this table from bench/results) -->";
const END = "<!-- bench-table:end -->";

/** The benches there are (bench/*.bench.ts). */
function benchNames(): string[] {
  return readdirSync(join(dirname(fileURLToPath(import.meta.url)), ".."))
    .filter((f) => f.endsWith(".bench.ts"))
    .map((f) => f.replace(/\.bench\.ts$/, ""));
}

function load(): BenchResult[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), "utf8")) as BenchResult)
    .filter((r) => r.format === 2);
}

function headline(r: BenchResult): string {
  const rows = r.rows.some((x) => x.headline) ? r.rows.filter((x) => x.headline) : r.rows.slice(0, 1);
  return rows
    .map((row) => {
      const unit = row.unit ?? r.unit;
      const s = row.values[r.subject];
      const parts = r.baselines
        .filter((b) => row.values[b] !== undefined && (row.values[b]?.n ?? 0) > 0)
        .map((b) => {
          const x = r.ratios[row.case]?.[b];
          return `${x === undefined || Number.isNaN(x) ? "—" : `${x.toFixed(2)}×`} vs ${b} (${formatNumber(row.values[b]?.median)})`;
        });
      const range = s && s.n > 1 ? ` [${formatNumber(s.min)}–${formatNumber(s.max)}]` : "";
      const against = parts.length > 0 ? `; ${parts.join(", ")}` : "";
      return `${row.case}: ${r.subject} ${formatNumber(s?.median)}${range} ${unit}${against}`;
    })
    .join("<br>");
}

/** The markdown table (without the markers). */
export function benchTable(results: readonly BenchResult[] = load()): string {
  const rows: string[][] = [
    [
      "bench",
      "compares",
      "headline: median [Tern's min–max over rounds]; × = how many times better Tern is",
      "measured at",
    ],
  ];
  const have = new Set(results.map((r) => r.name));
  for (const name of benchNames()) {
    if (!have.has(name))
      rows.push([`\`${name}\``, "—", `no result in this format yet: \`pnpm bench ${name}\``, "—"]);
  }
  for (const r of results) {
    const e = r.env;
    rows.push([
      `\`${r.name}\``,
      r.title,
      headline(r),
      `\`${e.commit.slice(0, 10)}\`${e.dirty === true ? " (dirty)" : ""}, ${e.cores} × ${e.cpu.replace(/\s+/g, " ")}, Node ${e.node}, load ${e.loadBefore[0]} → ${e.loadAfter[0]}`,
    ]);
  }
  // Padded as the formatter (biome) writes markdown tables.
  const widths = (rows[0] ?? []).map((_, i) => Math.max(3, ...rows.map((l) => (l[i] ?? "").length)));
  const line = (l: readonly string[]) => `| ${l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [
    line(rows[0] ?? []),
    `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** Rewrites the table between the markers in README.md; throws when the markers are missing. */
export function rewriteReadmeTable(readme: string): void {
  const text = readFileSync(readme, "utf8");
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${readme}: no bench-table markers`);
  writeFileSync(readme, `${text.slice(0, a + START.length)}\n${benchTable()}\n${text.slice(b)}`);
}
