/**
 * Bundles the media-scaling bench for a machine that has the checkout but no node_modules and no
 * network (bench/scaling/run-on-device.sh): the bench and its worker script as two self-contained ES
 * modules, the commit they were made from, and (with --node) this Node binary, gzipped, for a machine
 * without one. Writes .tern-tmp/scaling-bundle/ (git-ignored): carry that directory to the machine.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { type BuildOptions, build } from "esbuild";
import { currentCommit } from "../harness/environment.js";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", ".tern-tmp", "scaling-bundle");
mkdirSync(out, { recursive: true });
const common: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  conditions: ["tern-source"],
  // CommonJS dependencies (pino) call require: give the ES module one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: [join(here, "..", "media-scaling.bench.ts")],
  outfile: join(out, "media-scaling.mjs"),
});
await build({
  ...common,
  entryPoints: [join(here, "forwarding-worker.ts")],
  outfile: join(out, "forwarding-worker.mjs"),
});
const { commit, dirty } = currentCommit();
writeFileSync(join(out, "COMMIT"), `${commit}${dirty === true ? " (dirty)" : ""}\n`);
if (process.argv.includes("--node")) {
  await pipeline(
    createReadStream(process.execPath),
    createGzip({ level: 9 }),
    createWriteStream(join(out, "node.gz")),
  );
}
console.log(`bundled into ${out}:\n${execFileSync("ls", ["-la", out], { encoding: "utf8" })}`);
