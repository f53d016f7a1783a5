/**
 * The SCTP fuzz targets in `pnpm test`: each run on its seeds, on every committed corpus input
 * (`corpus/<target>/`: the seeds the campaign started from and inputs that once found a bug), and on a
 * few hundred fast-check inputs made by the campaign's own mutations. The full campaign is `pnpm fuzz sctp`.
 */
import { fileURLToPath } from "node:url";
import { readCorpus, replayCorpus, runCampaign } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { fuzzTargets } from "./sctp-fuzz-targets.js";

const corpusDir = fileURLToPath(new URL("./corpus/", import.meta.url));
const RUNS: Record<string, number> = { "sctp-packet": 2000, dcep: 2000, "sctp-association-live": 300 };

describe("SCTP fuzz targets", () => {
  for (const target of fuzzTargets()) {
    const runs = RUNS[target.name] ?? 300;
    it(`${target.name}: seeds, corpus and ${runs} mutated inputs, no invariant broken`, {
      timeout: 120_000,
    }, () => {
      const seeds = [...(target.seeds?.() ?? []), ...readCorpus(corpusDir, target.name).map((e) => e.bytes)];
      expect(seeds.length).toBeGreaterThan(0);
      const replay = replayCorpus(corpusDir, target);
      if (replay.failure) throw new Error(`${replay.failure.file}: ${String(replay.failure.error)}`);
      const r = runCampaign(target, { runs, seed: 7, seeds, timeBoundMs: 5000 });
      if (r.failure)
        throw new Error(
          `${r.failure.kind} on ${Buffer.from(r.failure.input).toString("hex")}: ${r.failure.message}`,
        );
      expect(r.runs).toBe(runs);
    });
  }
});
