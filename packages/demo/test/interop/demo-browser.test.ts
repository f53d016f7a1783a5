/**
 * `pnpm demo --browser` with headless Chromium (playwright-core, the system's /usr/bin/chromium, launched
 * as in /work/shared/notes/browsers.md): the page joins the room through the Tern signaling server,
 * answers the Tern sender's offer, and must decode video (getStats framesDecoded > 0) that is not black
 * (the <video> drawn on a canvas has bright, coloured pixels: ffmpeg's testsrc2). With `--data`, the
 * page takes the sender's chat line and file (SHA-256 checked in the page) and opens a channel of its own
 * to the Node peer, which answers its line. Then Ctrl-C (SIGINT) stops the demo cleanly, exit 0.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withTimeout } from "@tern/test-support";
import { type Browser, chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { startDemo } from "./demo-process.js";

const CHROMIUM = "/usr/bin/chromium";

function chromiumArgs(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
    "--remote-debugging-pipe",
    "--no-startup-window",
    `--user-data-dir=${userDataDir}`,
  ];
}

interface PageStats {
  readonly connection?: string;
  readonly framesDecoded?: number;
  readonly frameSize?: string;
  readonly srtp?: string;
  readonly dtls?: string;
  readonly ice?: string;
}

interface Pixels {
  readonly width: number;
  readonly bright: number;
  readonly coloured: number;
  readonly total: number;
}

/** Runs in the page: the current <video> frame on a canvas, counted (bright: any channel > 64; coloured: spread > 64). */
const PIXELS_OF_VIDEO = `(() => {
  const v = document.getElementById("video");
  const c = document.createElement("canvas");
  c.width = v.videoWidth;
  c.height = v.videoHeight;
  const ctx = c.getContext("2d");
  if (!ctx || c.width === 0) return { width: c.width, bright: 0, coloured: 0, total: 1 };
  ctx.drawImage(v, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let bright = 0;
  let coloured = 0;
  for (let i = 0; i < d.length; i += 4) {
    const hi = Math.max(d[i], d[i + 1], d[i + 2]);
    const lo = Math.min(d[i], d[i + 1], d[i + 2]);
    if (hi > 64) bright++;
    if (hi - lo > 64) coloured++;
  }
  return { width: c.width, bright, coloured, total: d.length / 4 };
})()`;

describe("pnpm demo --browser", () => {
  let browser: Browser | undefined;
  const userDataDir = mkdtempSync(join(tmpdir(), "tern-demo-chromium-"));
  afterAll(async () => {
    await browser?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it("Chromium joins through the signaling server, decodes the Tern sender's VP8, and the picture is not black", async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
    const demo = startDemo(["--browser", "--data", "--log-level", "info"]);
    try {
      const [, url] = await demo.waitForLine(/Open (http:\/\/127\.0\.0\.1:\d+\/\?room=[\w.-]+)/, 30_000);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        ignoreDefaultArgs: true,
        args: chromiumArgs(userDataDir),
      });
      const page = await browser.newPage();
      const pageLog: string[] = [];
      page.on("console", (m) => pageLog.push(`${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => pageLog.push(`pageerror: ${e.message}`));
      await page.goto(url as string);
      const stats = async (): Promise<PageStats> =>
        ((await page.evaluate("window.ternDemo ? window.ternDemo.stats : {}")) as PageStats) ?? {};
      try {
        await page.waitForFunction("(window.ternDemo?.stats.framesDecoded ?? 0) > 15", undefined, {
          timeout: 25_000,
          polling: 250,
        });
      } catch (err) {
        throw new Error(
          `no decoded frames: page stats ${JSON.stringify(await stats())}; page log:\n${pageLog.join("\n")}\n` +
            `demo stdout:\n${demo.output.stdout}\ndemo stderr (tail):\n${demo.output.stderr.slice(-6000)}`,
          { cause: err },
        );
      }
      const s = await stats();
      expect(s.connection).toBe("connected");
      expect(s.framesDecoded).toBeGreaterThan(0);
      expect(s.frameSize).toBe("320×240");
      expect(s.srtp).toMatch(/^SRTP_(AES128_CM_HMAC_SHA1_(80|32)|AEAD_AES_(128|256)_GCM)$/);
      expect(s.dtls).toMatch(/^FEFC TLS_AES_\d+_GCM_SHA\d+$/); // DTLS 1.3 (0xfefc), Tern's default
      // The picture: draw the <video> on a canvas and look at its pixels.
      const pixels = (await page.evaluate(PIXELS_OF_VIDEO)) as Pixels;
      expect(pixels.width).toBe(320);
      expect(pixels.bright / pixels.total).toBeGreaterThan(0.25);
      expect(pixels.coloured / pixels.total).toBeGreaterThan(0.1);
      // Data channels: the sender's chat line and file, and the page's own channel to the Node peer.
      await page.waitForFunction(
        `(() => { const d = window.ternDemo?.data; return d && d.file && d.pageChannel === "open" &&
          d.chatIn.some((l) => l.includes("got: hello from the browser page")); })()`,
        undefined,
        { timeout: 20_000, polling: 250 },
      );
      const data = (await page.evaluate("window.ternDemo.data")) as {
        chatIn: string[];
        chatOut: string[];
        pageChannel: string;
        file: { name: string; bytes: number; ok: boolean };
      };
      expect(data.file).toEqual({ name: "random-4MiB.bin", bytes: 4 << 20, ok: true });
      expect(data.chatIn).toContain("hello from the sender");
      expect(data.chatOut).toEqual(
        expect.arrayContaining(["hello from the browser", "hello from the browser page"]),
      );
      await page.close();
      demo.child.kill("SIGINT");
      const code = await withTimeout(demo.exited, 15_000, "the demo to stop after SIGINT");
      expect(demo.output.stdout).toContain("RESULT: stopped cleanly");
      expect(code).toBe(0);
    } finally {
      if (demo.child.exitCode === null) demo.child.kill("SIGKILL");
    }
  }, 90_000);
});
