/**
 * Run by `pnpm test`: every fuzz target of every package (fuzz/fuzz-modules.ts) replays its seeds and its
 * committed corpus (`packages/<pkg>/test/fuzz/corpus/<target>/`: the seeds the campaign started from and
 * every input that ever found a bug), then runs a short campaign of fresh inputs. The million-input
 * campaign is `pnpm fuzz`.
 */
import { readCorpus, replayCorpus, runCampaign } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { findFuzzModules, loadTargets } from "./fuzz-modules.js";

const modules = findFuzzModules();

describe("fuzz corpora", () => {
  it("every protocol package offers fuzz targets", async () => {
    const pkgs = new Set<string>();
    for (const m of modules) if ((await loadTargets(m)).length > 0) pkgs.add(m.pkg);
    for (const pkg of ["ice", "dtls-srtp", "rtp", "sctp", "peer"])
      expect(pkgs, `fuzz targets of ${pkg}`).toContain(pkg);
  });

  for (const m of modules) {
    it(`${m.pkg}: ${m.file.split("/").pop()} replays its corpus and survives 300 fresh inputs per target`, async () => {
      const targets = await loadTargets(m);
      for (const t of targets) {
        const replay = replayCorpus(m.corpusDir, t);
        if (replay.failure) {
          throw new Error(
            `${m.pkg}/${t.name}: ${replay.failure.file} throws: ${String(replay.failure.error)}`,
          );
        }
        expect(replay.replayed, `${m.pkg}/${t.name} replayed something`).toBeGreaterThan(0);
        const seeds = [...(t.seeds?.() ?? []), ...readCorpus(m.corpusDir, t.name).map((e) => e.bytes)];
        const r = runCampaign(t, { runs: 300, seed: 1, seeds, timeBoundMs: 2000 });
        if (r.failure) {
          throw new Error(
            `${m.pkg}/${t.name}: ${r.failure.kind} on input ${Buffer.from(r.failure.input).toString("hex")}: ${r.failure.message}`,
          );
        }
      }
    });
  }
});
