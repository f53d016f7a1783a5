#!/usr/bin/env node
/**
 * `pnpm demo` — from the repository root:
 *   node --conditions=tern-source --import tsx packages/demo/src/cli.ts [options]
 * See USAGE in demo-options.ts and the package README.
 */
import { parseDemoOptions, USAGE } from "./demo-options.js";
import { runDemo } from "./node/demo-run.js";

const args = process.argv.slice(2);
const parsed = parseDemoOptions(args[0] === "--" ? args.slice(1) : args);
if (!parsed.ok) {
  process.stderr.write(`${parsed.error.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.value.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const interrupted = new Promise<void>((resolve) => {
  process.once("SIGINT", () => resolve());
  process.once("SIGTERM", () => resolve());
});
const code = await runDemo(parsed.value, { out: process.stdout, err: process.stderr, interrupted });
process.exit(code);
