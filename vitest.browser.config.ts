import { defineConfig } from "vitest/config";

/**
 * The browser interop suite (`pnpm test:browser`): Tern against headless Chromium and Firefox ESR from
 * Debian's packages, in packages/peer/test/browser. Its files are named `*.browser.ts`, so the main
 * vitest.config.ts (`*.test.ts`) never picks them up. One browser at a time: files run one after the
 * other. Run it through packages/peer/test/browser/netns-run.sh (a private network namespace).
 */
export default defineConfig({
  resolve: { conditions: ["tern-source"] },
  ssr: { resolve: { conditions: ["tern-source"] } },
  test: {
    include: ["packages/peer/test/browser/**/*.browser.ts"],
    globalSetup: ["packages/peer/test/browser/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
