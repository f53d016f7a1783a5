/**
 * The signaling fuzz targets in `pnpm test`: each run on its seeds, on every committed corpus input
 * (`corpus/<target>/`, inputs that once found a bug), and on a few thousand fast-check inputs. The full
 * campaign (a million inputs per target) is `pnpm fuzz`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzTargets } from "./signaling-fuzz-targets.js";

const corpusDir = fileURLToPath(new URL("./corpus/", import.meta.url));

describe("signaling fuzz targets", () => {
  for (const target of fuzzTargets()) {
    it(`${target.name}: seeds, corpus and 3,000 generated inputs, no throw`, { timeout: 60_000 }, () => {
      const seeds = target.seeds?.() ?? [];
      expect(seeds.length).toBeGreaterThan(0);
      for (const s of seeds) target.run(s);
      const dir = join(corpusDir, target.name);
      if (existsSync(dir))
        for (const f of readdirSync(dir)) target.run(new Uint8Array(readFileSync(join(dir, f))));
      const max = Math.min(target.maxInputBytes ?? 4096, 4096);
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: max }),
            fc.constantFrom(...seeds).chain((s) =>
              fc.tuple(fc.nat(s.length), fc.uint8Array({ maxLength: 16 })).map(([at, b]) => {
                const out = s.slice();
                out.set(b.subarray(0, Math.max(0, out.length - at)), at);
                return out;
              }),
            ),
            fc.json({ maxDepth: 6 }).map((t) => new TextEncoder().encode(t)),
          ),
          (input) => target.run(input),
        ),
        { numRuns: 3000, seed: 18 },
      );
    });
  }
});
