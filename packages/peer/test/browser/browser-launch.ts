/**
 * Headless Chromium (playwright-core over CDP) and Firefox ESR (puppeteer-core over WebDriver BiDi), from
 * Debian's packages, as /work/shared/notes/browsers.md says: flags and prefs for fake media devices, raw
 * loopback host candidates, nothing that phones home. One browser per test file; a fresh context and page
 * per cell. The page (page/interop.html) is served over http://127.0.0.1 (a secure context in both).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type BrowserName = "chromium" | "firefox";

export interface LaunchOptions {
  /**
   * The media permission: Chromium's --use-fake-ui-for-media-stream, Firefox's fake permission prefs. With
   * it the browser offers raw 127.0.0.1 host candidates; without it, `<uuid>.local` mDNS names.
   */
  readonly mediaPermission: boolean;
  /** Firefox prefs on top of the suite's own (e.g. media.peerconnection.dtls.version.min). */
  readonly prefs?: Readonly<Record<string, unknown>>;
}

/** A page with `window.ternPage`, its console kept. */
export interface BrowserPage {
  /** Calls `window.ternPage[method](...args)` in the page and returns its (awaited, JSON) result. */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  readonly console: readonly string[];
  close(): Promise<void>;
}

export interface BrowserSession {
  readonly name: BrowserName;
  readonly version: string;
  newPage(): Promise<BrowserPage>;
  close(): Promise<void>;
}

export const BROWSER_PATHS: Record<BrowserName, string> = {
  chromium: "/usr/bin/chromium",
  firefox: "/usr/bin/firefox-esr",
};

const INSTALL: Record<BrowserName, string> = {
  chromium: "apt-get install -y chromium",
  firefox: "apt-get install -y firefox-esr",
};

/** Fails (never skips) when the browser is not installed, with the command that installs it. */
export function requireBrowser(name: BrowserName): string {
  const path = BROWSER_PATHS[name];
  if (!existsSync(path)) throw new Error(`${name} is not installed at ${path}: run \`${INSTALL[name]}\``);
  return path;
}

function expression(method: string, args: readonly unknown[]): string {
  const list = args.map((a) => (a === undefined ? "undefined" : JSON.stringify(a))).join(", ");
  return `(async () => window.ternPage[${JSON.stringify(method)}](${list}))()`;
}

// ---- the page server ----------------------------------------------------------------------------------

const PAGE_DIR = new URL("./page/", import.meta.url);
const PAGE_FILES: Record<string, string> = {
  "/interop.html": "text/html; charset=utf-8",
  "/interop-page.js": "text/javascript; charset=utf-8",
};

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const type = PAGE_FILES[path];
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (!type) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
    res.end(readFileSync(new URL(`.${path}`, PAGE_DIR)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/interop.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---- Chromium -----------------------------------------------------------------------------------------

export async function launchChromium(pageUrl: string, opts: LaunchOptions): Promise<BrowserSession> {
  const executablePath = requireBrowser("chromium");
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(join(tmpdir(), "tern-chromium-"));
  // ignoreDefaultArgs: Chromium keeps only the last --disable-features=, so Playwright's defaults go.
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    ...(opts.mediaPermission ? ["--use-fake-ui-for-media-stream"] : []),
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-debugging-pipe",
    "--no-startup-window",
    `--user-data-dir=${userDataDir}`,
  ];
  const browser = await chromium.launch({ executablePath, headless: true, ignoreDefaultArgs: true, args });
  return {
    name: "chromium",
    version: browser.version(),
    async newPage() {
      const context = await browser.newContext();
      const page = await context.newPage();
      const lines: string[] = [];
      page.on("console", (m) => lines.push(`${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => lines.push(`pageerror: ${e.message}`));
      await page.goto(pageUrl);
      return {
        console: lines,
        call: <T>(method: string, ...a: unknown[]) => page.evaluate(expression(method, a)) as Promise<T>,
        close: () => context.close(),
      };
    },
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// ---- Firefox ------------------------------------------------------------------------------------------

function firefoxPrefs(mediaPermission: boolean): Record<string, unknown> {
  return {
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": mediaPermission,
    // Without it Firefox gathers only the default-route address and loopback ICE fails.
    "media.navigator.permission.fake": mediaPermission,
    "media.peerconnection.ice.loopback": true,
    "media.peerconnection.ice.obfuscate_host_addresses": !mediaPermission,
    "media.peerconnection.ice.default_address_only": false,
    "media.autoplay.default": 0,
    "media.autoplay.blocking_policy": 0,
    "app.update.enabled": false,
    "app.update.auto": false,
    "toolkit.telemetry.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "datareporting.healthreport.uploadEnabled": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "extensions.update.enabled": false,
  };
}

export async function launchFirefox(pageUrl: string, opts: LaunchOptions): Promise<BrowserSession> {
  const executablePath = requireBrowser("firefox");
  const puppeteer = await import("puppeteer-core").then(
    (m) => m.default,
    (err: unknown) => {
      throw new Error(
        `puppeteer-core is not installed: add "puppeteer-core" to the root devDependencies and run pnpm install (${String(err)})`,
      );
    },
  );
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    extraPrefsFirefox: { ...firefoxPrefs(opts.mediaPermission), ...opts.prefs },
    env: { ...process.env, MOZ_HEADLESS: "1" },
  });
  const version = await browser.version();
  return {
    name: "firefox",
    version,
    async newPage() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      const lines: string[] = [];
      page.on("console", (m) => lines.push(`${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => lines.push(`pageerror: ${String(e)}`));
      await page.goto(pageUrl);
      return {
        console: lines,
        call: <T>(method: string, ...a: unknown[]) => page.evaluate(expression(method, a)) as Promise<T>,
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

export function launchBrowser(
  name: BrowserName,
  pageUrl: string,
  opts: LaunchOptions,
): Promise<BrowserSession> {
  return name === "chromium" ? launchChromium(pageUrl, opts) : launchFirefox(pageUrl, opts);
}
