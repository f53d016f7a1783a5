/**
 * Congestion control against a browser over a real bottleneck: 1 Mbit/s with a 100 ms tbf queue both
 * ways (bottleneck-netns.ts). Three cells per browser:
 * - Tern sends (an encoder following Tern's estimate): the browser's transport-wide feedback must drive
 *   Tern's estimate to the bottleneck while the browser keeps decoding frames with a bounded jitter
 *   buffer delay;
 * - the browser sends (640×480 noise: it would use more than 1 Mbit/s): Tern's feedback must make its
 *   `availableOutgoingBitrate` and what it sends settle under the bottleneck;
 * - the same without Tern's feedback (transport-wide CC stripped from the SDP both ways): the browser's
 *   estimate then overshoots the bottleneck and the queue overflows (measured, compared).
 * Figures go to test-results/bottleneck-<browser>.json and are printed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CellRun, type CellSample, runBottleneckCell, startBottleneckPage } from "./bottleneck-cell.js";
import { type BottleneckLink, createBottleneckLink } from "./bottleneck-netns.js";
import { type BrowserName, type BrowserSession, launchBrowser } from "./browser-launch.js";

const LINK_BPS = 1_000_000;
const DURATION_MS = 25_000;
/** The figures are read over the last 10 s (the first 15 s are the estimators converging). */
const SETTLED_FROM = 15;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const kbps = (bps: number): number => Math.round(bps / 1000);

/** bits per second between consecutive samples of a byte counter */
function rates(samples: readonly CellSample[], bytes: (s: CellSample) => number | undefined): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = bytes(samples[i - 1] as CellSample);
    const b = bytes(samples[i] as CellSample);
    const dt = ((samples[i] as CellSample).page.at - (samples[i - 1] as CellSample).page.at) / 1000;
    if (a !== undefined && b !== undefined && dt > 0) out.push(((b - a) * 8) / dt);
  }
  return out;
}

const settled = (run: CellRun): CellSample[] => run.samples.filter((s) => s.second >= SETTLED_FROM);

export interface TernSendsFigures {
  readonly ternEstimateKbps: number;
  readonly ternEstimateSeries: readonly number[];
  readonly receivedKbps: number;
  readonly framesDecodedPerSecond: number;
  readonly jitterBufferDelayMs: number;
  readonly freezes: number;
  readonly drops: number;
  readonly probes: readonly number[];
}

export function ternSendsFigures(run: CellRun): TernSendsFigures {
  const s = settled(run);
  const first = s[0] as CellSample;
  const last = s.at(-1) as CellSample;
  const secs = (last.page.at - first.page.at) / 1000;
  const inb = (x: CellSample) => x.page.inbound;
  const emitted = (inb(last)?.jitterBufferEmittedCount ?? 0) - (inb(first)?.jitterBufferEmittedCount ?? 0);
  const delay = (inb(last)?.jitterBufferDelay ?? 0) - (inb(first)?.jitterBufferDelay ?? 0);
  return {
    ternEstimateKbps: kbps(mean(s.map((x) => x.tern.targetBitrateBps ?? 0))),
    ternEstimateSeries: run.samples.map((x) => kbps(x.tern.targetBitrateBps ?? 0)),
    receivedKbps: kbps(mean(rates(s, (x) => x.page.inbound?.bytesReceived))),
    framesDecodedPerSecond: Math.round(
      ((inb(last)?.framesDecoded ?? 0) - (inb(first)?.framesDecoded ?? 0)) / secs,
    ),
    jitterBufferDelayMs: emitted > 0 ? Math.round((delay / emitted) * 1000) : Number.NaN,
    freezes: (inb(last)?.freezeCount ?? 0) - (inb(first)?.freezeCount ?? 0),
    drops: last.qdisc.toBrowser.drops,
    probes: [last.tern.probes, last.tern.paddingPackets, last.tern.probeResults],
  };
}

export interface BrowserSendsFigures {
  /** undefined: the browser does not report it (Firefox 153) */
  readonly availableOutgoingKbps: number | undefined;
  readonly availableOutgoingSeries: readonly number[];
  readonly sentKbps: number;
  /** the most it sent in any second after the first 5 */
  readonly peakSentKbps: number;
  readonly sentSeries: readonly number[];
  readonly rttMedianMs: number;
  readonly fractionLost: number;
  readonly drops: number;
  readonly ternReceivedKbps: number;
  readonly feedbackFromTern: number;
  /** the browser's encoder target (outbound-rtp targetBitrate), and why it limits quality */
  readonly encoderTargetKbps: number;
  readonly qualityLimitation: string | undefined;
  readonly frameWidth: number | undefined;
}

export function browserSendsFigures(run: CellRun): BrowserSendsFigures {
  const s = settled(run);
  const sent = rates(run.samples, (x) =>
    x.page.outbound ? x.page.outbound.bytesSent + (x.page.outbound.headerBytesSent ?? 0) : undefined,
  );
  const last = s.at(-1) as CellSample;
  const first = s[0] as CellSample;
  const ternSecs = (last.tern.atMs - first.tern.atMs) / 1000;
  return {
    availableOutgoingKbps: s.some((x) => x.page.pair?.availableOutgoingBitrate !== undefined)
      ? kbps(mean(s.flatMap((x) => x.page.pair?.availableOutgoingBitrate ?? [])))
      : undefined,
    availableOutgoingSeries: run.samples.map((x) => kbps(x.page.pair?.availableOutgoingBitrate ?? 0)),
    sentKbps: kbps(mean(sent.slice(SETTLED_FROM - 1))),
    peakSentKbps: kbps(Math.max(...sent.slice(5))),
    sentSeries: sent.map(kbps),
    rttMedianMs: Math.round(median(s.map((x) => (x.page.pair?.currentRoundTripTime ?? 0) * 1000))),
    fractionLost: Math.round(mean(s.map((x) => x.page.remoteInbound?.fractionLost ?? 0)) * 1000) / 1000,
    drops: last.qdisc.toTern.drops,
    ternReceivedKbps: kbps(((last.tern.bytesReceived - first.tern.bytesReceived) * 8) / ternSecs),
    feedbackFromTern: last.tern.feedbackSent,
    encoderTargetKbps: kbps(mean(s.map((x) => x.page.outbound?.targetBitrate ?? 0))),
    qualityLimitation: last.page.outbound?.qualityLimitationReason,
    frameWidth: last.page.outbound?.frameWidth,
  };
}

export function bottleneckSuite(name: BrowserName): void {
  describe(`${name} over a 1 Mbit/s bottleneck (tc tbf, 100 ms queue)`, () => {
    let session: BrowserSession | undefined;
    let page: Awaited<ReturnType<typeof startBottleneckPage>> | undefined;
    let link: BottleneckLink | undefined;
    const figures: Record<string, unknown> = {};

    beforeAll(async () => {
      link = createBottleneckLink();
      page = await startBottleneckPage();
      session = await launchBrowser(name, page.url, { mediaPermission: true });
      figures.browser = `${name} ${session.version}`;
    }, 120_000);

    afterAll(async () => {
      await session?.close();
      await page?.close();
      link?.destroy();
      mkdirSync("test-results", { recursive: true });
      writeFileSync(`test-results/bottleneck-${name}.json`, `${JSON.stringify(figures, null, 2)}\n`);
      console.log(`[bottleneck ${name}] ${JSON.stringify(figures, null, 2)}`);
    });

    const cell = (kind: Parameters<typeof runBottleneckCell>[2]) =>
      runBottleneckCell(session as BrowserSession, link as BottleneckLink, kind, DURATION_MS);

    it("Tern sends: the browser's feedback drives Tern's estimate to the bottleneck; frames keep flowing with a bounded jitter buffer", async () => {
      const f = ternSendsFigures(await cell("tern-sends"));
      figures["tern-sends"] = f;
      expect(f.ternEstimateKbps).toBeGreaterThan(0.6 * kbps(LINK_BPS));
      expect(f.ternEstimateKbps).toBeLessThanOrEqual(1.05 * kbps(LINK_BPS));
      // half the 30 frames/s sent (Firefox decoded 19–23 here, Chromium 28): frames keep flowing
      expect(f.framesDecodedPerSecond).toBeGreaterThanOrEqual(15);
      expect(f.jitterBufferDelayMs).toBeLessThan(400);
    }, 120_000);

    it("the browser sends: Tern's feedback makes its availableOutgoingBitrate (where reported) and sent bitrate settle under the bottleneck", async () => {
      const f = browserSendsFigures(await cell("browser-sends"));
      figures["browser-sends"] = f;
      expect(f.feedbackFromTern).toBeGreaterThan(0);
      if (f.availableOutgoingKbps !== undefined) {
        expect(f.availableOutgoingKbps).toBeLessThanOrEqual(kbps(LINK_BPS));
        expect(f.availableOutgoingKbps).toBeGreaterThan(0.4 * kbps(LINK_BPS));
      } else expect(name).toBe("firefox"); // Firefox 153 has no availableOutgoingBitrate
      expect(f.sentKbps).toBeLessThanOrEqual(kbps(LINK_BPS));
      expect(f.sentKbps).toBeGreaterThan(0.25 * kbps(LINK_BPS));
    }, 120_000);

    it("the browser sends without Tern's feedback (transport-wide CC stripped): its estimate overshoots the bottleneck, the queue overflows", async () => {
      const f = browserSendsFigures(await cell("browser-sends-without-tern-feedback"));
      figures["browser-sends-without-tern-feedback"] = f;
      expect(f.feedbackFromTern).toBe(0);
      const withFeedback = figures["browser-sends"] as BrowserSendsFigures | undefined;
      if (!withFeedback) throw new Error("the cell with Tern's feedback did not run first");
      // Only receiver reports' loss to go by (no transport-wide feedback, no REMB from Tern): the estimate
      // climbs 8 %/s while loss stays under 2 % and holds up to 10 %, past the link, and tbf drops.
      if (f.availableOutgoingKbps !== undefined)
        expect(f.availableOutgoingKbps).toBeGreaterThan(kbps(LINK_BPS));
      else expect(f.peakSentKbps).toBeGreaterThan(kbps(LINK_BPS));
      expect(f.drops).toBeGreaterThan(withFeedback.drops);
    }, 120_000);
  });
}
