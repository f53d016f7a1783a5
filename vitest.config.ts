import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["tern-source"] },
  ssr: { resolve: { conditions: ["tern-source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
