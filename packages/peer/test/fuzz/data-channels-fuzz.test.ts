/**
 * The data-channel fuzz target in `pnpm test`: its seeds, its committed corpus (`corpus/<target>/`) and a
 * few hundred inputs made by the campaign's own mutations. The full campaign is `pnpm fuzz data-channels`.
 */
import { fileURLToPath } from "node:url";
import { readCorpus, replayCorpus, runCampaign } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { fuzzTargets } from "./data-channels-fuzz-targets.js";

const corpusDir = fileURLToPath(new URL("./corpus/", import.meta.url));

describe("data-channel fuzz targets", () => {
  for (const target of fuzzTargets()) {
    it(`${target.name}: seeds, corpus and 300 mutated inputs, no invariant broken`, {
      timeout: 120_000,
    }, () => {
      const seeds = [...(target.seeds?.() ?? []), ...readCorpus(corpusDir, target.name).map((e) => e.bytes)];
      expect(seeds.length).toBeGreaterThan(0);
      const replay = replayCorpus(corpusDir, target);
      if (replay.failure) throw new Error(`${replay.failure.file}: ${String(replay.failure.error)}`);
      const r = runCampaign(target, { runs: 300, seed: 7, seeds, timeBoundMs: 5000 });
      if (r.failure)
        throw new Error(
          `${r.failure.kind} on ${Buffer.from(r.failure.input).toString("hex")}: ${r.failure.message}`,
        );
      expect(r.runs).toBe(300);
    });
  }
});
