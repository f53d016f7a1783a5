/**
 * `pnpm test`: the whole test suite, the README's one test command.
 *
 * 1. System peers (scripts/system-peers.ts): missing ones are installed with apt-get when this runs as
 *    root; otherwise it stops at once with one message naming the exact command. The NAT and browser tiers
 *    build network namespaces, so the suite needs root: without it, it stops at once too.
 * 2. The tiers, each run even when one before it failed; the exit code is 0 only if all passed:
 *    unit      `tsc -b` (every package to dist/), then vitest.config.ts: unit, property, simulation and
 *              loopback interop tests (`pnpm test:unit`)
 *    nat       the NAT lab in network namespaces (`pnpm test:nat`)
 *    browser   Chromium and Firefox in a private network namespace (`pnpm test:browser`)
 *    consumer  packs every package, installs the tarballs with npm outside the repository, type-checks and
 *              runs every README example there (`pnpm test:consumer`)
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureSystemPeers, isRoot } from "./system-peers.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

const TIERS: readonly { readonly name: string; readonly script: string }[] = [
  { name: "unit", script: "test:unit" },
  { name: "nat", script: "test:nat" },
  { name: "browser", script: "test:browser" },
  { name: "consumer", script: "test:consumer" },
];

function stop(message: string): never {
  process.stderr.write(`\npnpm test: ${message}\n`);
  process.exit(1);
}

const peers = ensureSystemPeers();
if (!peers.ok) stop(peers.message);
if (!isRoot())
  stop(
    "the NAT lab and the browser suite build network namespaces and need root: run `pnpm test` as root.\n" +
      "Without root, `pnpm test:unit` runs the unit, property, simulation and loopback interop tests.",
  );

function run(script: string): { ok: boolean; seconds: number } {
  const t0 = performance.now();
  process.stdout.write(`\n━━ pnpm ${script} ━━\n`);
  const r = spawnSync("pnpm", ["run", script], { cwd: repo, stdio: "inherit" });
  return { ok: r.status === 0, seconds: (performance.now() - t0) / 1000 };
}

const results = TIERS.map((t) => ({ ...t, ...run(t.script) }));
process.stdout.write("\n━━ pnpm test: tiers ━━\n");
for (const r of results)
  process.stdout.write(
    `${r.ok ? "pass" : "FAIL"}  ${r.name.padEnd(9)} ${r.seconds.toFixed(0).padStart(4)} s\n`,
  );
const failed = results.filter((r) => !r.ok);
if (failed.length > 0) stop(`failed tiers: ${failed.map((r) => r.name).join(", ")}`);
