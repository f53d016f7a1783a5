import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["tern-source"] },
  ssr: { resolve: { conditions: ["tern-source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "fuzz/**/*.test.ts", "scripts/test/**/*.test.ts"],
    // the soak tier (pnpm test:soak, TERN_SOAK=1) never runs with the default suite
    exclude: ["**/node_modules/**", "packages/*/test/soak/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
