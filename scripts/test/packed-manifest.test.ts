import { describe, expect, it } from "vitest";
import { checkPackedPackage, type PackedManifest } from "../packed-manifest.js";

const good: PackedManifest = {
  name: "@tern/x",
  version: "0.1.0",
  license: "MIT",
  keywords: ["webrtc"],
  repository: { type: "git", url: "git+https://example.invalid/tern.git" },
  engines: { node: "^20.15.0" },
  files: ["dist", "src", "bin"],
  exports: {
    ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
    "./package.json": "./package.json",
  },
  bin: { x: "./bin/x.js" },
  dependencies: { "@tern/ice": "^0.1.0", pino: "^9.14.0" },
};
const files = [
  "README.md",
  "LICENSE",
  "package.json",
  "dist/index.js",
  "dist/index.d.ts",
  "src/index.ts",
  "bin/x.js",
];

describe("checkPackedPackage (what test:consumer demands of every tarball)", () => {
  it("accepts a tarball with exactly the intended files and a complete manifest", () => {
    expect(checkPackedPackage(good, files)).toEqual([]);
  });

  it("names every problem: workspace ranges, unshipped exports, source conditions, stray files, missing fields", () => {
    const bad: PackedManifest = {
      ...good,
      keywords: [],
      engines: {},
      dependencies: { "@tern/ice": "workspace:^" },
      exports: {
        ".": { "tern-source": "./src/index.ts", default: "./dist/index.js" },
        "./testing": { default: "./dist/testing/index.js" },
      },
      bin: { x: "./bin/missing.js" },
    };
    expect(
      checkPackedPackage(bad, [
        ...files.filter((f) => f !== "LICENSE"),
        "test/a.test.ts",
        "tsconfig.tsbuildinfo",
      ]),
    ).toEqual([
      "unintended file in the tarball: test/a.test.ts",
      "unintended file in the tarball: tsconfig.tsbuildinfo",
      "missing from the tarball: LICENSE",
      'dependencies.@tern/ice is "workspace:^"',
      "no keywords",
      "no engines.node",
      'exports["."] has no types',
      "exports keeps the tern-source condition (./src/index.ts)",
      "exports target not in the tarball: ./dist/testing/index.js",
      "bin target not in the tarball: ./bin/missing.js",
    ]);
  });
});
