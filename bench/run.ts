/**
 * `pnpm bench [--quick] [--table] [name…]`: runs every bench/*.bench.ts (or those whose names start with
 * a given name), each in a process of its own, one after the other in a fixed order. A bench process
 * only orchestrates: it starts one child process per stack, runs warm-up and interleaved rounds, and
 * writes bench/results/<name>.json (commit, Node, CPU, load before and after, min / median / max). Then
 * the README's bench table is rewritten from every result.
 *
 * --quick (or TERN_BENCH_QUICK=1): fewer, shorter rounds — for a loaded machine or a smoke run.
 * --table: only rewrite the README table from the results there are.
 * --list: the bench names.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rewriteReadmeTable } from "./harness/readme-table.js";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith("--")));
const wanted = argv.filter((a) => !a.startsWith("--"));
const all = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort();

if (flags.has("--list")) {
  console.log(all.map((f) => f.replace(/\.bench\.ts$/, "")).join("\n"));
  process.exit(0);
}
if (!flags.has("--table")) {
  const files = all.filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));
  if (files.length === 0) {
    console.error(`no bench matches ${wanted.join(" ")}; there are: ${all.join(", ")}`);
    process.exit(1);
  }
  const failed: string[] = [];
  for (const f of files) {
    console.log(`\n=== ${f}`);
    const r = spawnSync(process.execPath, ["--conditions=tern-source", "--import", "tsx", join(here, f)], {
      stdio: "inherit",
      env: { ...process.env, ...(flags.has("--quick") ? { TERN_BENCH_QUICK: "1" } : {}) },
    });
    if (r.status !== 0) failed.push(`${f} (exit ${r.status ?? r.signal})`);
  }
  rewriteReadmeTable(join(here, "..", "README.md"));
  if (failed.length > 0) {
    console.error(`\nfailed: ${failed.join(", ")}`);
    process.exit(1);
  }
} else rewriteReadmeTable(join(here, "..", "README.md"));
console.log("README bench table rewritten from bench/results");
