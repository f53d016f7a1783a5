/**
 * Runs a README's `js browser` block as the page module it is: the consumer project's own
 * @tern/signaling server (installed from the tarball) serves it, with its browser client at
 * `/signaling-client.js`, to Debian's headless Chromium (playwright-core; no tool downloads a browser).
 * The block passes when its module finishes evaluating (top-level awaits included) without an error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { available } from "./system-peers.js";

const CHROMIUM = "/usr/bin/chromium";
const LIMIT_MS = 20_000;

const HARNESS = `<!doctype html>
<meta charset="utf-8">
<title>README block</title>
<script type="module">
try {
  await import("/example.js");
  window.docTest = { ok: true };
} catch (err) {
  window.docTest = { ok: false, error: String((err && err.stack) || err) };
}
</script>
`;

interface SignalingModule {
  startSignalingServer(opts: {
    port: number;
    host: string;
    staticDir: string;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

/** Returns undefined when the block ran, or what went wrong. */
export async function runBrowserBlock(project: string, code: string): Promise<string | undefined> {
  if (!available(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install -y chromium`;
  const page = join(project, "readme-page");
  mkdirSync(page, { recursive: true });
  writeFileSync(join(page, "index.html"), HARNESS);
  writeFileSync(join(page, "example.js"), code);
  const entry = createRequire(join(project, "package.json")).resolve("@tern/signaling");
  const signaling = (await import(pathToFileURL(entry).href)) as SignalingModule;
  const server = await signaling.startSignalingServer({ port: 0, host: "127.0.0.1", staticDir: page });
  const userDataDir = mkdtempSync(join(tmpdir(), "tern-readme-chromium-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--remote-debugging-pipe",
      "--no-startup-window",
      `--user-data-dir=${userDataDir}`,
    ],
  });
  const log: string[] = [];
  try {
    const tab = await browser.newPage();
    tab.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
    tab.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    await tab.goto(server.url.replace(/^ws/, "http"));
    await tab.waitForFunction("window.docTest !== undefined", undefined, { timeout: LIMIT_MS });
    const result = (await tab.evaluate("window.docTest")) as { ok: boolean; error?: string };
    return result.ok ? undefined : `${result.error}\n${log.join("\n")}`;
  } catch (err) {
    return `${err instanceof Error ? err.message : String(err)}\n${log.join("\n")}`;
  } finally {
    await browser.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
