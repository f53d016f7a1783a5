import { defineConfig } from "vitest/config";

/**
 * The NAT suite (`pnpm test:nat`, root needed): @tern/ice peers in network namespaces behind NAT routers,
 * with coturn, driven by packages/ice/test/natlab. Its files are named `*.nat.ts`, so the main
 * vitest.config.ts (`*.test.ts`) never picks them up. One lab at a time: files run one after the other.
 */
export default defineConfig({
  resolve: { conditions: ["tern-source"] },
  ssr: { resolve: { conditions: ["tern-source"] } },
  test: {
    include: ["packages/*/test/nat/**/*.nat.ts"],
    globalSetup: ["packages/ice/test/natlab/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
