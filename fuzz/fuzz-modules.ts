/**
 * Finds every package's fuzz targets: each `packages/<pkg>/test/fuzz/*.ts` (not `*.test.ts`) that exports
 * `fuzzTargets()`. A new package joins the campaign and the corpus replay by adding such a file — this is
 * the hook @tern/sctp uses for its chunk and DCEP targets once it lands (see fuzz/README.md).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { FuzzTarget } from "@tern/test-support";

export const REPO_ROOT = new URL("../", import.meta.url).pathname;

export interface FuzzModule {
  /** e.g. "ice" */
  readonly pkg: string;
  /** Absolute path of the module. */
  readonly file: string;
  /** Where its corpora live: `packages/<pkg>/test/fuzz/corpus`. */
  readonly corpusDir: string;
}

export function findFuzzModules(): FuzzModule[] {
  const out: FuzzModule[] = [];
  const pkgs = join(REPO_ROOT, "packages");
  for (const pkg of readdirSync(pkgs).sort()) {
    const dir = join(pkgs, pkg, "test", "fuzz");
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith(".ts") || f.endsWith(".test.ts") || f.endsWith(".d.ts")) continue;
      out.push({ pkg, file: join(dir, f), corpusDir: join(dir, "corpus") });
    }
  }
  return out;
}

/** The module's targets, or none when it does not export `fuzzTargets` (a helper file). */
export async function loadTargets(m: FuzzModule): Promise<readonly FuzzTarget[]> {
  const mod: unknown = await import(pathToFileURL(m.file).href);
  const f = (mod as { fuzzTargets?: unknown }).fuzzTargets;
  if (typeof f !== "function") return [];
  return (f as () => readonly FuzzTarget[])();
}
