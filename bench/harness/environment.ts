/**
 * What a result was measured on: the commit, the Node version, the CPU, and how loaded the machine was
 * before and after (os.loadavg: 1, 5 and 15 minute averages). Every result JSON carries one.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BenchEnvironment {
  /** `git rev-parse HEAD` of the checkout, or $TERN_BENCH_COMMIT where there is no .git (a copied tree). */
  readonly commit: string;
  /** Uncommitted changes under packages/ or bench/ (other than bench/results) when measured. */
  readonly dirty: boolean | "unknown";
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly startedAt: string;
  readonly endedAt: string;
  /** Free text from $TERN_BENCH_MACHINE (e.g. "16-core device run"). */
  readonly machine?: string;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function git(args: readonly string[]): string | undefined {
  try {
    return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

export function currentCommit(): { commit: string; dirty: boolean | "unknown" } {
  const commit = git(["rev-parse", "HEAD"]) ?? process.env.TERN_BENCH_COMMIT ?? "unknown";
  const status = git(["status", "--porcelain", "--", "packages", "bench", ":!bench/results"]);
  return { commit, dirty: status === undefined ? "unknown" : status.length > 0 };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Starts the record: call the returned function when the measurement is over. */
export function startEnvironment(): () => BenchEnvironment {
  const loadBefore = loadavg().map(round2);
  const startedAt = new Date().toISOString();
  // The commit measured is the one checked out when the measurement began; a change made while it ran
  // (a commit, an edit) makes the result dirty rather than moving it to a commit it did not measure.
  const before = currentCommit();
  return () => {
    const c = cpus();
    const after = currentCommit();
    const changed = after.commit !== before.commit || after.dirty === true;
    return {
      commit: before.commit,
      dirty: before.dirty === true || changed ? true : before.dirty,
      node: process.version,
      v8: process.versions.v8,
      platform: `${process.platform} ${process.arch}`,
      cpu: c[0]?.model.trim() ?? "unknown",
      cores: c.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadBefore,
      loadAfter: loadavg().map(round2),
      startedAt,
      endedAt: new Date().toISOString(),
      ...(process.env.TERN_BENCH_MACHINE ? { machine: process.env.TERN_BENCH_MACHINE } : {}),
    };
  };
}
