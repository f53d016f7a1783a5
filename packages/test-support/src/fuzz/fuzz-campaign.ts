import fc from "fast-check";
import type { FuzzTarget } from "./fuzz-target.js";
import { fuzzInputArbitrary } from "./mutation.js";

export interface CampaignOptions {
  /** Inputs to run. */
  readonly runs: number;
  /** fast-check seed: the same seed replays the same inputs. */
  readonly seed: number;
  /** Seeds to mutate: the target's own plus its committed corpus. */
  readonly seeds: readonly Uint8Array[];
  /**
   * One input taking longer than this, and again when re-run, is a hang (a per-input time bound).
   * Default 250 ms.
   */
  readonly timeBoundMs?: number;
  /** Called before each input (the watchdog keeps it, to name the input of a real infinite loop). */
  readonly onInput?: (input: Uint8Array) => void;
  /** Called every `progressEvery` inputs with the count so far. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
}

export interface CampaignFailure {
  readonly kind: "throw" | "hang";
  /** The smallest failing input fast-check shrank to. */
  readonly input: Uint8Array;
  readonly message: string;
}

export interface CampaignResult {
  readonly target: string;
  readonly runs: number;
  readonly ms: number;
  readonly failure: CampaignFailure | undefined;
  /** The slowest input's time, in ms. */
  readonly slowestMs: number;
  /** Inputs over the time bound once but under it when run again (a GC pause, a busy machine). */
  readonly slowOutliers: number;
}

class HangError extends Error {
  override readonly name = "HangError";
}

/**
 * Runs `runs` inputs through `target` with fast-check: mutated seeds, seeds, random bytes. Stops at the
 * first input that throws or passes the time bound, shrinks it, and returns it.
 */
export function runCampaign(target: FuzzTarget, opts: CampaignOptions): CampaignResult {
  const bound = opts.timeBoundMs ?? 250;
  const every = opts.progressEvery ?? 10_000;
  const arb = fuzzInputArbitrary(opts.seeds, target.maxInputBytes ?? 4096);
  let done = 0;
  let slowestMs = 0;
  let slowOutliers = 0;
  const t0 = performance.now();
  const out = fc.check(
    fc.property(arb, (input) => {
      opts.onInput?.(input);
      const s = performance.now();
      target.run(input);
      const took = performance.now() - s;
      if (took > bound) {
        // A pause of the process or the machine is not a hang: a hang repeats. Time it three more times.
        let again = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3 && again > bound; i++) {
          const s2 = performance.now();
          target.run(input);
          again = performance.now() - s2;
        }
        if (again > bound)
          throw new HangError(
            `one input took ${took.toFixed(1)} ms, then ${again.toFixed(1)} ms (bound ${bound} ms)`,
          );
        slowOutliers++;
      } else if (took > slowestMs) slowestMs = took;
      done++;
      if (done % every === 0) opts.onProgress?.(done);
    }),
    { numRuns: opts.runs, seed: opts.seed, endOnFailure: false },
  );
  const ms = performance.now() - t0;
  if (!out.failed)
    return { target: target.name, runs: out.numRuns, ms, failure: undefined, slowestMs, slowOutliers };
  const input = out.counterexample?.[0] ?? new Uint8Array();
  const err = out.errorInstance;
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    target: target.name,
    runs: out.numRuns,
    ms,
    failure: { kind: err instanceof HangError ? "hang" : "throw", input, message },
    slowestMs,
    slowOutliers,
  };
}
