/**
 * `pnpm test:consumer`: Tern as a user outside this repository gets it.
 *
 * 1. `pnpm pack` every published package (prepack builds it) and checks each tarball and its manifest
 *    (scripts/packed-manifest.ts).
 * 2. A new project in the system's temp folder installs the tarballs with plain `npm` (third-party
 *    dependencies come from the registry, as for a user), with TypeScript, @types/node and tsx.
 * 3. The doc-test: every example block of the root README and of each package README
 *    (scripts/readme-blocks.ts) is written there as it stands, type-checked with a consumer program
 *    (consumer/consumer.ts) under `strict` and `skipLibCheck: false`, then run with Node; each must exit 0
 *    by itself within its time limit. A `js browser` block runs in headless Chromium
 *    (scripts/browser-block.ts).
 * 4. The shipped examples (`node_modules/@tern/<pkg>/examples/*.ts`, run with tsx as their READMEs say)
 *    and the bins (`tern-stun-server`, `tern-signaling`).
 *
 * The temp project is removed when everything passed and kept (its path printed) when something failed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBrowserBlock } from "./browser-block.js";
import { checkPackedPackage, type PackedManifest } from "./packed-manifest.js";
import { type ReadmeBlock, readmeBlocks } from "./readme-blocks.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const RUN_LIMIT_MS = 60_000;

interface Packed {
  readonly dir: string;
  readonly name: string;
  readonly tarball: string;
  readonly files: string[];
}

const failures: string[] = [];
function fail(what: string): void {
  failures.push(what);
  process.stdout.write(`  FAIL ${what}\n`);
}
function pass(what: string): void {
  process.stdout.write(`  ok   ${what}\n`);
}

function repoVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(repo, "node_modules", pkg, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

function packAll(dest: string): Packed[] {
  const out: Packed[] = [];
  for (const entry of readdirSync(join(repo, "packages")).sort()) {
    const dir = join(repo, "packages", entry);
    if (!existsSync(join(dir, "package.json"))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { private?: boolean };
    if (manifest.private) continue;
    const text = execFileSync("pnpm", ["pack", "--pack-destination", dest, "--json"], {
      cwd: dir,
      encoding: "utf8",
    });
    const json = JSON.parse(text.slice(text.indexOf("\n{") + 1)) as {
      name: string;
      filename: string;
      files: { path: string }[];
    };
    out.push({ dir, name: json.name, tarball: json.filename, files: json.files.map((f) => f.path) });
  }
  return out;
}

function packedManifest(tarball: string): PackedManifest {
  return JSON.parse(
    execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
  ) as PackedManifest;
}

/** Runs a command in the consumer; its output is printed only when it fails. */
function run(
  cwd: string,
  cmd: string,
  args: string[],
  what: string,
  limitMs = RUN_LIMIT_MS,
): string | undefined {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: limitMs, killSignal: "SIGKILL" });
  if (r.error?.message.includes("ETIMEDOUT") || r.signal === "SIGKILL") {
    fail(`${what}: did not exit by itself within ${limitMs / 1000} s`);
    process.stdout.write(`${r.stdout}${r.stderr}`);
    return undefined;
  }
  if (r.status !== 0) {
    fail(`${what}: exit ${r.status}`);
    process.stdout.write(`${r.stdout}${r.stderr}`);
    return undefined;
  }
  pass(what);
  return r.stdout;
}

function readmes(): { label: string; path: string }[] {
  const list = [{ label: "README.md", path: join(repo, "README.md") }];
  for (const entry of readdirSync(join(repo, "packages")).sort()) {
    const path = join(repo, "packages", entry, "README.md");
    if (existsSync(path)) list.push({ label: `packages/${entry}/README.md`, path });
  }
  return list;
}

const work = mkdtempSync(join(tmpdir(), "tern-consumer-"));
const tarballs = join(work, "tarballs");
const project = join(work, "project");
mkdirSync(tarballs);
mkdirSync(project);
process.stdout.write(`consumer project: ${project}\n\n1. pack\n`);

const packed = packAll(tarballs);
for (const p of packed) {
  const problems = checkPackedPackage(packedManifest(p.tarball), p.files);
  if (problems.length === 0) pass(`${p.name}: ${p.files.length} files, manifest and contents as intended`);
  else for (const problem of problems) fail(`${p.name}: ${problem}`);
}

process.stdout.write("\n2. npm install (tarballs + typescript, @types/node, tsx)\n");
writeFileSync(
  join(project, "package.json"),
  `${JSON.stringify({ name: "tern-consumer", private: true, type: "module" }, null, 2)}\n`,
);
run(
  project,
  "npm",
  [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    ...packed.map((p) => p.tarball),
    `typescript@${repoVersion("typescript")}`,
    `@types/node@${repoVersion("@types/node")}`,
    `tsx@${repoVersion("tsx")}`,
  ],
  `npm install ${packed.map((p) => basename(p.tarball)).join(" ")}`,
  300_000,
);

process.stdout.write("\n3. README examples\n");
const blocks: { label: string; file: string; block: ReadmeBlock }[] = [];
mkdirSync(join(project, "readme"));
for (const { label, path } of readmes()) {
  readmeBlocks(readFileSync(path, "utf8")).forEach((block, i) => {
    const stem = `${label.replace(/\/README\.md$|\.md$/, "").replace(/[^\w]+/g, "-")}-${i + 1}`;
    const file = join("readme", `${stem}.${block.kind === "ts" ? "ts" : "js"}`);
    writeFileSync(join(project, file), block.code);
    blocks.push({ label: `${label}:${block.line}`, file, block });
  });
}
cpSync(join(repo, "scripts/consumer"), project, { recursive: true });
writeFileSync(
  join(project, "tsconfig.json"),
  `${JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        lib: ["ES2023"],
        types: ["node"],
        rootDir: ".",
        outDir: "out",
      },
      include: ["consumer.ts", "readme/*.ts"],
    },
    null,
    2,
  )}\n`,
);
const typed = run(
  project,
  process.execPath,
  ["node_modules/typescript/bin/tsc", "-p", "."],
  `tsc (strict, skipLibCheck false): consumer.ts + ${blocks.filter((b) => b.block.kind === "ts").length} README blocks`,
);
if (typed !== undefined) {
  run(
    project,
    process.execPath,
    ["out/consumer.js"],
    "consumer.js (every entry point; no unshipped subpath)",
  );
  for (const b of blocks) {
    if (b.block.kind === "browser") continue;
    const js = b.block.kind === "ts" ? join("out", b.file.replace(/\.ts$/, ".js")) : b.file;
    run(project, process.execPath, [js], `${b.label} (${b.file})`);
  }
}
for (const b of blocks.filter((x) => x.block.kind === "browser")) {
  const error = await runBrowserBlock(project, b.block.code);
  if (error) fail(`${b.label} in Chromium: ${error}`);
  else pass(`${b.label} in Chromium`);
}

process.stdout.write("\n4. shipped examples and bins\n");
for (const p of packed) {
  const examples = p.files.filter((f) => /^examples\/[^/]+\.ts$/.test(f));
  for (const f of examples) {
    const path = join("node_modules", p.name, f);
    run(project, join(project, "node_modules/.bin/tsx"), [path], `npx tsx ${path}`);
  }
}
for (const bin of ["tern-stun-server", "tern-signaling"]) {
  const out = run(project, join(project, "node_modules/.bin", bin), ["--help"], `${bin} --help`);
  if (out !== undefined && !out.includes(`usage: ${bin}`)) fail(`${bin} --help printed no usage: ${out}`);
}

if (failures.length > 0) {
  process.stdout.write(`\ntest:consumer: ${failures.length} failed (project kept: ${project})\n`);
  for (const f of failures) process.stdout.write(`  ${f}\n`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
process.stdout.write("\ntest:consumer: every check passed\n");
