import { defineConfig } from "vitest/config";

// pnpm test:soak (TERN_SOAK=1): the soak tier, never part of `pnpm test`. Files in packages/*/test/soak/.
if (process.env.TERN_SOAK !== "1")
  throw new Error("the soak tier runs with TERN_SOAK=1: use `pnpm test:soak`");

export default defineConfig({
  resolve: { conditions: ["tern-source"] },
  ssr: { resolve: { conditions: ["tern-source"] } },
  test: {
    include: ["packages/*/test/soak/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    poolOptions: { forks: { execArgv: ["--expose-gc"], singleFork: true } },
    fileParallelism: false,
  },
});
