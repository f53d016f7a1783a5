/**
 * The JSEP cells of issue 13 on one browser: renegotiation both ways, remove/replace/ICE restart, perfect
 * negotiation through the signaling server, and (Chromium) a data-only offer and simple-peer over Tern and
 * over @roamhq/wrtc. A fresh page per cell, launched with the media permission (raw loopback candidates).
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { type BrowserName, type BrowserPage, type BrowserSession, launchBrowser } from "./browser-launch.js";
import { startJsepPages } from "./jsep-pages.js";
import { perfectNegotiationWithBrowser } from "./perfect-negotiation-cell.js";
import {
  browserOffersThenTernOffers,
  dataOnlyOffer,
  type JsepCell,
  removeReplaceRestart,
  ternOffersThenBrowserOffers,
} from "./renegotiation-cells.js";
import { simplePeerCell } from "./simple-peer-cell.js";

const CELL_MS = 90_000;

export function jsepSuite(name: BrowserName): void {
  describe(`JSEP cells: Tern ↔ ${name}`, () => {
    let pages: Awaited<ReturnType<typeof startJsepPages>> | undefined;
    let browser: BrowserSession | undefined;
    beforeAll(async () => {
      pages = await startJsepPages();
      browser = await launchBrowser(name, pages.url, { mediaPermission: true });
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await pages?.close();
    });

    const cell = (title: string, run: (page: BrowserPage) => Promise<string[]>) =>
      it(
        title,
        async () => {
          if (!browser) throw new Error(`${name} did not launch (see the hook's error)`);
          const page = await browser.newPage();
          try {
            const notes = await run(page);
            console.log(`${name} ${title}:\n  ${notes.join("\n  ")}`);
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

    const cells: [string, JsepCell][] = [
      [
        "the browser offers first, then Tern adds tracks and offers: media both ways before and after",
        browserOffersThenTernOffers,
      ],
      [
        "Tern offers first, then the browser adds video and re-offers (Tern keeps its DTLS role)",
        ternOffersThenBrowserOffers,
      ],
      [
        "replaceTrack, removeTrack, a new track and an ICE restart in the middle of a call",
        removeReplaceRestart,
      ],
    ];
    for (const [title, run] of cells) cell(title, run);
    for (const seed of [1, 2]) {
      cell(
        `perfect negotiation through the signaling server, both sides adding tracks (seed ${seed})`,
        (page) => perfectNegotiationWithBrowser(page, seed),
      );
    }
    if (name === "chromium") {
      cell("a data-channel-only offer: accepted, ICE + DTLS connected on both sides", dataOnlyOffer);
      cell("simple-peer over Tern and over @roamhq/wrtc against simple-peer in the page", (page) =>
        simplePeerCell(page, async () => {
          if (!browser) throw new Error("no browser");
          return browser.newPage();
        }),
      );
    }
  });
}
