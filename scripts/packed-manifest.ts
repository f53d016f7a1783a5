/**
 * What a packed package must be (the rules `pnpm test:consumer` checks on every tarball, pure so that
 * scripts/test/packed-manifest.test.ts can feed it bad manifests):
 * - files: only dist/, src/, bin/, examples/, README.md, LICENSE, package.json; README, LICENSE,
 *   dist/index.js and dist/index.d.ts present; every exports and bin target present;
 * - manifest: real version ranges (no `workspace:`), `exports` with `types` and without the workspace-only
 *   `tern-source` condition, `files`, `engines.node`, `repository`, `keywords`, `license`.
 */

export interface PackedManifest {
  readonly name?: unknown;
  readonly version?: unknown;
  readonly license?: unknown;
  readonly keywords?: unknown;
  readonly repository?: unknown;
  readonly engines?: { readonly node?: unknown };
  readonly files?: unknown;
  readonly exports?: unknown;
  readonly bin?: unknown;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const ALLOWED = /^(dist|src|bin|examples)\/|^(README\.md|LICENSE|package\.json)$/;
const FORBIDDEN = /\.tsbuildinfo$|(^|\/)test\/|(^|\/)node_modules\//;

/** Every string target under an `exports` value, with the conditions on the way to it. */
function exportTargets(
  value: unknown,
  conditions: string[] = [],
): { target: string; conditions: string[] }[] {
  if (typeof value === "string") return [{ target: value, conditions }];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) =>
    exportTargets(v, k.startsWith(".") ? conditions : [...conditions, k]),
  );
}

export function checkPackedPackage(manifest: PackedManifest, files: readonly string[]): string[] {
  const problems: string[] = [];
  const have = new Set(files);
  for (const f of files) {
    if (!ALLOWED.test(f) || FORBIDDEN.test(f)) problems.push(`unintended file in the tarball: ${f}`);
  }
  for (const f of ["README.md", "LICENSE", "package.json", "dist/index.js", "dist/index.d.ts"]) {
    if (!have.has(f)) problems.push(`missing from the tarball: ${f}`);
  }
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"] as const) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith("workspace:")) problems.push(`${field}.${dep} is "${range}"`);
    }
  }
  if (typeof manifest.license !== "string") problems.push("no license");
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) problems.push("no keywords");
  if (!manifest.repository) problems.push("no repository");
  if (typeof manifest.engines?.node !== "string") problems.push("no engines.node");
  if (!Array.isArray(manifest.files)) problems.push("no files");
  const targets = exportTargets(manifest.exports);
  if (targets.length === 0) problems.push("no exports");
  const main = (manifest.exports as Record<string, unknown> | undefined)?.["."];
  if (!main || typeof main !== "object" || !("types" in main)) problems.push('exports["."] has no types');
  for (const { target, conditions } of targets) {
    if (conditions.includes("tern-source"))
      problems.push(`exports keeps the tern-source condition (${target})`);
    if (!have.has(target.replace(/^\.\//, ""))) problems.push(`exports target not in the tarball: ${target}`);
  }
  const bins = typeof manifest.bin === "string" ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const b of bins) {
    if (typeof b !== "string" || !have.has(b.replace(/^\.\//, "")))
      problems.push(`bin target not in the tarball: ${String(b)}`);
  }
  return problems;
}
