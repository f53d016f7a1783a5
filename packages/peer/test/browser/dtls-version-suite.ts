/**
 * DTLS version cells (issue 17), each launch a Firefox with different DTLS prefs, both DTLS roles per
 * launch, media both ways, and the version, group, roles and SRTP profile checked from the capture
 * (dtls-checks.ts): DTLS 1.3 forced as the minimum, the hybrid key exchange switched on explicitly, and a
 * Firefox capped at DTLS 1.2, which Tern (1.3 and 1.2 enabled) must reach in 1.2. Chromium's 1.3 cells are
 * the main suite's: Tern offers and accepts 1.3 by default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CellSpec, describeCell, runCell } from "./browser-cell.js";
import { type BrowserSession, launchBrowser, type PageServer, startPageServer } from "./browser-launch.js";
import { type CellResult, saveResults } from "./browser-matrix.js";

interface Launch {
  readonly id: string;
  readonly prefs: Readonly<Record<string, unknown>>;
  readonly note: string;
  readonly expectDtls: "DTLS 1.3" | "DTLS 1.2";
}

export const FIREFOX_DTLS_LAUNCHES: readonly Launch[] = [
  {
    id: "dtls13-only",
    prefs: { "media.peerconnection.dtls.version.min": 772 },
    note: "Firefox DTLS min 1.3",
    expectDtls: "DTLS 1.3",
  },
  {
    id: "hybrid-kex",
    prefs: { "media.webrtc.enable_pq_hybrid_kex": true, "media.webrtc.send_mlkem_keyshare": true },
    note: "Firefox hybrid key exchange on",
    expectDtls: "DTLS 1.3",
  },
  {
    id: "dtls12-cap",
    prefs: { "media.peerconnection.dtls.version.max": 771 },
    note: "Firefox DTLS max 1.2",
    expectDtls: "DTLS 1.2",
  },
];

function cells(l: Launch): CellSpec[] {
  const common = { ice: "raw", browserNote: l.note, expectDtls: l.expectDtls } as const;
  return [
    { id: `${l.id}-browser-client`, offerer: "browser", browserDtls: "client", trickle: false, ...common },
    { id: `${l.id}-browser-server`, offerer: "tern", browserDtls: "server", trickle: true, ...common },
  ];
}

export function firefoxDtlsSuite(): void {
  describe("Tern ↔ firefox, DTLS version prefs", () => {
    let server: PageServer | undefined;
    const results: CellResult[] = [];
    beforeAll(async () => {
      server = await startPageServer();
    });
    afterAll(async () => {
      await server?.close();
    });
    for (const l of FIREFOX_DTLS_LAUNCHES) {
      describe(l.note, () => {
        let browser: BrowserSession | undefined;
        beforeAll(async () => {
          browser = await launchBrowser("firefox", server?.url ?? "", {
            mediaPermission: true,
            prefs: l.prefs,
          });
        }, 60_000);
        afterAll(async () => {
          await browser?.close();
        });
        for (const cell of cells(l)) {
          it(describeCell(cell), async () => {
            if (!browser) throw new Error("firefox did not launch (see the hook's error)");
            const r = await runCell(browser, cell);
            results.push(r);
            saveResults("firefox-dtls-prefs", results);
            console.log(
              `firefox ${cell.id}: ${r.pass ? "pass" : "FAIL"} ${r.dtlsVersion ?? ""} ${r.media ?? ""}`,
            );
            expect(r.error, r.artifacts).toBeUndefined();
          }, 60_000);
        }
      });
    }
  });
}
