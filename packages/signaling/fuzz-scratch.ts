import fc from "fast-check";
import { fuzzTargets } from "./test/fuzz/signaling-fuzz-targets.js";

const N = Number(process.argv[2] ?? 200000);
for (const target of fuzzTargets()) {
  const seeds = target.seeds?.() ?? [];
  const max = Math.min(target.maxInputBytes ?? 4096, 8192);
  const t0 = performance.now();
  let worst = 0;
  try {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: max }),
          fc.constantFrom(...seeds).chain((s) =>
            fc
              .array(
                fc.tuple(
                  fc.nat(Math.max(0, s.length - 1)),
                  fc.uint8Array({ minLength: 1, maxLength: 8 }),
                  fc.nat(3),
                ),
                { minLength: 1, maxLength: 6 },
              )
              .map((ops) => {
                let out = s.slice();
                for (const [at0, b, kind] of ops) {
                  const at = Math.min(at0, out.length);
                  if (kind === 0) {
                    out.set(b.subarray(0, Math.max(0, out.length - at)), at);
                  } else if (kind === 1) {
                    const n = new Uint8Array(out.length + b.length);
                    n.set(out.subarray(0, at));
                    n.set(b, at);
                    n.set(out.subarray(at), at + b.length);
                    out = n;
                  } else if (kind === 2) {
                    out = Uint8Array.of(
                      ...out.subarray(0, at),
                      ...out.subarray(Math.min(out.length, at + b.length)),
                    );
                  } else {
                    out = out.subarray(0, at);
                  }
                }
                return out;
              }),
          ),
          fc.json({ maxDepth: 8 }).map((t) => new TextEncoder().encode(t)),
        ),
        (input) => {
          const a = performance.now();
          target.run(input);
          const d = performance.now() - a;
          if (d > worst) worst = d;
        },
      ),
      { numRuns: N, seed: 20261207 },
    );
    console.log(
      JSON.stringify({
        target: target.name,
        inputs: N,
        throws: 0,
        seconds: +((performance.now() - t0) / 1000).toFixed(1),
        worstMs: +worst.toFixed(2),
      }),
    );
  } catch (e) {
    console.log(target.name, "FAILED", String(e).slice(0, 3000));
  }
}
