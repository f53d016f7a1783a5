/**
 * The data-channel cells on one browser (data-channel-cells.ts): a fresh page and Tern peer per cell,
 * launched with the media permission (raw loopback candidates; the media cells' fake camera).
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { type BrowserName, type BrowserSession, launchBrowser } from "./browser-launch.js";
import {
  DATA_CHANNEL_CELLS,
  dataCellName,
  dataChannelCell,
  startDataChannelPage,
} from "./data-channel-cells.js";

const CELL_MS = 180_000;

export function dataChannelSuite(name: BrowserName): void {
  describe(`data channels: Tern ↔ ${name}`, () => {
    let pages: Awaited<ReturnType<typeof startDataChannelPage>> | undefined;
    let browser: BrowserSession | undefined;
    beforeAll(async () => {
      pages = await startDataChannelPage();
      browser = await launchBrowser(name, pages.url, { mediaPermission: true });
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await pages?.close();
    });
    for (const cell of DATA_CHANNEL_CELLS) {
      const title = dataCellName(cell);
      it(
        title,
        async () => {
          if (!browser) throw new Error(`${name} did not launch (see the hook's error)`);
          const page = await browser.newPage();
          try {
            const notes = await dataChannelCell(page, cell, name);
            console.log(`${name} ${browser.version} ${title}:\n  ${notes.join("\n  ")}`);
          } catch (err) {
            console.log(`${name} ${title} FAILED: ${String(err)}; page console:\n${page.console.join("\n")}`);
            throw err;
          } finally {
            await page.call("close").catch(() => undefined);
            await page.close();
          }
        },
        CELL_MS,
      );
    }
  });
}
