import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FuzzTarget } from "./fuzz-target.js";

/**
 * A committed corpus: `<dir>/<target>/<kind>-<sha256 prefix>.bin`, one input per file. `seed-` files
 * are the target's seeds as the campaign started from them (from the package's captures); `crash-` and
 * `hang-` files are inputs that once found a bug. `pnpm test` replays every file.
 */
export interface CorpusEntry {
  readonly file: string;
  readonly bytes: Uint8Array;
}

export function readCorpus(dir: string, target: string): CorpusEntry[] {
  const d = join(dir, target);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => f.endsWith(".bin"))
    .sort()
    .map((f) => ({ file: join(d, f), bytes: new Uint8Array(readFileSync(join(d, f))) }));
}

/** Writes `bytes` under `<dir>/<target>/` (named by content, so twice is once); returns the path. */
export function writeCorpusEntry(dir: string, target: string, kind: string, bytes: Uint8Array): string {
  const d = join(dir, target);
  mkdirSync(d, { recursive: true });
  const name = `${kind}-${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.bin`;
  const file = join(d, name);
  if (!existsSync(file)) writeFileSync(file, bytes);
  return file;
}

/**
 * Replays a target's seeds and committed corpus: the input that throws is returned with its file, so the
 * test names it. Inputs are run in file order, each on its own (stateful targets rebuild per input).
 */
export function replayCorpus(
  dir: string,
  target: FuzzTarget,
): { readonly replayed: number; readonly failure?: { readonly file: string; readonly error: unknown } } {
  const entries: CorpusEntry[] = [
    ...(target.seeds?.() ?? []).map((bytes, i) => ({ file: `${target.name} seed #${i}`, bytes })),
    ...readCorpus(dir, target.name),
  ];
  for (const e of entries) {
    try {
      target.run(e.bytes);
    } catch (error) {
      return { replayed: entries.length, failure: { file: e.file, error } };
    }
  }
  return { replayed: entries.length };
}
