/**
 * The suite's matrix: one JSON file per browser under test-results/browser-matrix/ (written after every
 * cell, so a crash keeps what ran), rendered by the global teardown to test-results/browser-matrix.md
 * and printed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RESULTS_DIR } from "./cell-artifacts.js";

export interface CellResult {
  readonly browser: string;
  readonly browserVersion: string;
  readonly cell: string;
  readonly description: string;
  pass: boolean;
  /** Tern's negotiated SRTP profile, and the browser's (its getStats, else the capture's use_srtp). */
  srtpProfile?: string;
  browserSrtpCipher?: string;
  dtlsVersion?: string;
  /** ms from the first createOffer to both sides `connected`. */
  connectMs?: number;
  /** Tern's selected remote candidate, e.g. "host 127.0.0.1". */
  selectedRemote?: string;
  media?: string;
  notes: string[];
  error?: string;
  artifacts?: string;
}

const MATRIX_DIR = join(RESULTS_DIR, "browser-matrix");

export function clearMatrix(): void {
  rmSync(MATRIX_DIR, { recursive: true, force: true });
  rmSync(join(RESULTS_DIR, "browser"), { recursive: true, force: true });
}

export function saveResults(browser: string, results: readonly CellResult[]): void {
  mkdirSync(MATRIX_DIR, { recursive: true });
  writeFileSync(join(MATRIX_DIR, `${browser}.json`), JSON.stringify(results, null, 2));
}

function loadResults(): CellResult[] {
  let files: string[];
  try {
    files = readdirSync(MATRIX_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files.sort().flatMap((f) => JSON.parse(readFileSync(join(MATRIX_DIR, f), "utf8")) as CellResult[]);
}

function cellText(s: string | undefined): string {
  return (s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderMatrix(results: readonly CellResult[]): string {
  const lines = [
    "# Tern ↔ browsers: interop matrix",
    "",
    "`pnpm test:browser` (packages/peer/test/browser). Each cell: VP8 + Opus browser → Tern (Tern reassembles",
    "frames) and the VP8 and Opus clips Tern → browser (getStats framesDecoded, a canvas drawn from the <video> not",
    "black; Opus packets received and audio samples decoded from them, with energy).",
    "ms: from the first createOffer to both sides `connected`.",
    "",
    "| browser | cell | result | SRTP profile (Tern / browser: getStats, else capture) | DTLS (capture: version, suite, group, roles) | ms | Tern's remote candidate | media |",
    "| --- | --- | --- | --- | --- | ---: | --- | --- |",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.browser} ${r.browserVersion} | ${cellText(r.description)} | ${r.pass ? "pass" : `**FAIL**: ${cellText(r.error)}`} | ${r.srtpProfile ?? "-"} / ${r.browserSrtpCipher ?? "n/a"} | ${r.dtlsVersion ?? "-"} | ${r.connectMs === undefined ? "-" : Math.round(r.connectMs)} | ${cellText(r.selectedRemote) || "-"} | ${cellText(r.media)} |`,
    );
  }
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.browser} / ${r.cell}: ${n}`));
  if (notes.length > 0) lines.push("", "Notes:", "", ...notes);
  const failed = results.filter((r) => r.artifacts);
  if (failed.length > 0)
    lines.push(
      "",
      "Kept for failed cells:",
      "",
      ...failed.map((r) => `- ${r.browser} / ${r.cell}: ${r.artifacts}`),
    );
  return `${lines.join("\n")}\n`;
}

/** Writes test-results/browser-matrix.md from every browser's results; returns the text. */
export function writeMatrix(): string {
  const text = renderMatrix(loadResults());
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "browser-matrix.md"), text);
  return text;
}
