/**
 * The cells every browser runs, and the describe block that runs them on one browser: one launch with the
 * media permission (raw 127.0.0.1 host candidates) for the offer/answer × DTLS role cells and the long
 * cell, one without it for the mDNS cells; a fresh page and Tern peer per cell.
 */
import { SrtpProtectionProfile } from "@tern/dtls-srtp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CellSpec, describeCell, runCell } from "./browser-cell.js";
import {
  type BrowserName,
  type BrowserSession,
  launchBrowser,
  type PageServer,
  startPageServer,
} from "./browser-launch.js";
import { type CellResult, saveResults } from "./browser-matrix.js";

const GCM = SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM;
const CM80 = SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;

/** Who offers × the browser's DTLS role; trickle and SRTP preference spread over them. */
export const ROLE_CELLS: readonly CellSpec[] = [
  // Tern is DTLS server and prefers GCM: it must get it (both browsers offer it).
  {
    id: "browser-offers-browser-client",
    offerer: "browser",
    browserDtls: "client",
    ice: "raw",
    trickle: false,
    srtpProfiles: [GCM, CM80],
  },
  // The browser is DTLS server and picks (Chromium 156: AES_CM_80 whatever the order; Firefox 153: GCM).
  {
    id: "browser-offers-browser-server",
    offerer: "browser",
    browserDtls: "server",
    ice: "raw",
    trickle: true,
    srtpProfiles: [CM80, GCM],
  },
  // Tern is DTLS server and prefers AES_CM_80: it must get it.
  {
    id: "tern-offers-browser-client",
    offerer: "tern",
    browserDtls: "client",
    ice: "raw",
    trickle: true,
    srtpProfiles: [CM80, GCM],
  },
  // Tern's default preference order (MediaSessionOptions.srtpProfiles).
  { id: "tern-offers-browser-server", offerer: "tern", browserDtls: "server", ice: "raw", trickle: false },
];

export const MDNS_CELLS: readonly CellSpec[] = [
  { id: "mdns-browser-offers", offerer: "browser", browserDtls: "client", ice: "mdns", trickle: false },
  { id: "mdns-tern-offers", offerer: "tern", browserDtls: "server", ice: "mdns", trickle: true },
];

export const LONG_CELL = {
  id: "long-60s",
  offerer: "tern",
  browserDtls: "client",
  ice: "raw",
  trickle: true,
  holdMs: 60_000,
} as const satisfies CellSpec;

const CELL_TIMEOUT_MS = 60_000;

export function browserSuite(name: BrowserName): void {
  describe(`Tern ↔ ${name}`, () => {
    let server: PageServer | undefined;
    const results: CellResult[] = [];

    const run = async (browser: BrowserSession | undefined, cell: CellSpec): Promise<void> => {
      if (!browser) throw new Error(`${name} did not launch (see the hook's error)`);
      const r = await runCell(browser, cell);
      results.push(r);
      saveResults(name, results);
      console.log(
        `${name} ${cell.id}: ${r.pass ? "pass" : "FAIL"} ${r.srtpProfile ?? ""} ${Math.round(r.connectMs ?? 0)} ms ${r.media ?? ""}`,
      );
      expect(r.error, r.artifacts).toBeUndefined();
    };

    beforeAll(async () => {
      server = await startPageServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    describe("with the media permission: raw host candidates", () => {
      let browser: BrowserSession | undefined;
      beforeAll(async () => {
        const t0 = performance.now();
        browser = await launchBrowser(name, server?.url ?? "", { mediaPermission: true });
        console.log(`${name} ${browser.version} launched in ${Math.round(performance.now() - t0)} ms`);
      }, 60_000);
      afterAll(async () => {
        await browser?.close();
      });
      for (const cell of ROLE_CELLS) it(describeCell(cell), () => run(browser, cell), CELL_TIMEOUT_MS);
      it(describeCell(LONG_CELL), () => run(browser, LONG_CELL), CELL_TIMEOUT_MS + LONG_CELL.holdMs * 1.5);
    });

    describe("without the media permission: mDNS host candidates", () => {
      let browser: BrowserSession | undefined;
      beforeAll(async () => {
        browser = await launchBrowser(name, server?.url ?? "", { mediaPermission: false });
      }, 60_000);
      afterAll(async () => {
        await browser?.close();
      });
      for (const cell of MDNS_CELLS) it(describeCell(cell), () => run(browser, cell), CELL_TIMEOUT_MS);
    });

    it("negotiated both AEAD_AES_128_GCM and AES128_CM_HMAC_SHA1_80 across its cells", () => {
      const profiles = new Set(results.filter((r) => r.pass).map((r) => r.srtpProfile));
      expect([...profiles]).toEqual(
        expect.arrayContaining(["SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_HMAC_SHA1_80"]),
      );
    });
  });
}
