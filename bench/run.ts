/**
 * `pnpm bench [name…]`: runs every bench/*.bench.ts (or the named ones) one after the other, in a
 * fixed order, each in this process. Each bench measures Tern and its peer side by side in the same run,
 * prints a table with the ratio and writes bench/results/<name>.json.
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)));
if (files.length === 0) {
  console.error(`no bench matches ${wanted.join(" ")}`);
  process.exit(1);
}
for (const f of files) {
  const mod = (await import(pathToFileURL(`${here}/${f}`).href)) as { default: () => Promise<void> };
  await mod.default();
}
process.exit(0);
