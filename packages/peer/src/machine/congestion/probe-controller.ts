/**
 * When to probe the link (libwebrtc's `ProbeController`): at start, two clusters at 3× and 6× the start
 * bitrate; while each result comes back above 70 % of what was probed, another at 2× the result
 * (exponential probing); then, in an application-limited region, one at 2× the estimate every 5 s (ALR
 * probing: without it an estimate capped by what was sent could never climb after a quiet period). After
 * a large drop (under 66 % of the highest estimate of the last 10 s), once the link has been free of
 * congestion (no over-use, no loss over 2 %) for 5 s, one at 2× the estimate, capped at that highest one,
 * every 2 s until the estimate is back to 85 % of it (recovery probing: libwebrtc probes after a drop only
 * in ALR; here a sender that fills the estimate recovers too, after a step up of the link, in seconds
 * rather than at AIMD's pace). A probe is never above the configured maximum.
 */
export interface ProbeCluster {
  readonly id: number;
  readonly bitrateBps: number;
  /** the cluster is done after at least this many octets ... */
  readonly minBytes: number;
  /** ... and this many packets */
  readonly minPackets: number;
}

const PROBE_DURATION_MS = 15;
const PROBE_MIN_PACKETS = 5;
const FURTHER_PROBE_THRESHOLD = 0.7;
const WAIT_FOR_RESULT_MS = 1000;
const ALR_PROBE_INTERVAL_MS = 5000;
const ALR_PROBE_SCALE = 2;
const LARGE_DROP = 0.66;
const RECOVERED = 0.85;
const PEAK_WINDOW_MS = 10_000;
const RECOVERY_PROBE_INTERVAL_MS = 2000;
const RECOVERY_TIMEOUT_MS = 60_000;
const RECOVERY_QUIET_MS = 5000;

export class ProbeController {
  #state: "init" | "waiting" | "complete" = "init";
  #minToProbeFurther = Number.POSITIVE_INFINITY;
  #lastProbeAtMs = Number.NEGATIVE_INFINITY;
  #estimate = 0;
  #nextId = 1;
  readonly #pending: ProbeCluster[] = [];
  /** (time, estimate) with falling estimates: the sliding maximum of the last 10 s */
  readonly #peaks: [number, number][] = [];
  /** after a large drop: the estimate before it, and when */
  #recovery: { bps: number; atMs: number } | undefined;
  #lastCongestionMs = Number.NEGATIVE_INFINITY;

  constructor(
    private maxBitrateBps: number,
    private readonly alrProbing = true,
  ) {}

  setMaxBitrate(bps: number): void {
    this.maxBitrateBps = bps;
  }

  /** The network is up: probe at 3× and 6× the start bitrate. */
  start(nowMs: number, startBps: number): void {
    if (this.#state !== "init") return;
    this.#estimate = startBps;
    this.#initiate(nowMs, [3 * startBps, 6 * startBps], true);
  }

  /** A new estimate: probe further when the last probe found more room. */
  setEstimate(nowMs: number, bps: number): void {
    if (this.#state === "waiting" && bps > this.#minToProbeFurther) {
      const r = this.#recovery;
      this.#initiate(nowMs, [r ? Math.min(2 * bps, r.bps) : 2 * bps], r === undefined || 2 * bps < r.bps);
    }
    this.#estimate = bps;
    const peaks = this.#peaks;
    while (peaks.length > 0 && nowMs - (peaks[0] as [number, number])[0] > PEAK_WINDOW_MS) peaks.shift();
    const peak = peaks[0]?.[1];
    if (
      peak !== undefined &&
      bps < LARGE_DROP * peak &&
      (this.#recovery === undefined || this.#recovery.bps < peak)
    )
      this.#recovery = { bps: peak, atMs: nowMs };
    if (this.#recovery && bps >= RECOVERED * this.#recovery.bps) this.#recovery = undefined;
    while (peaks.length > 0 && (peaks[peaks.length - 1] as [number, number])[1] <= bps) peaks.pop();
    peaks.push([nowMs, bps]);
  }

  /**
   * Congestion was seen (over-use, or loss over 2 %): no recovery probe for 5 s after it. A probe through a
   * queue other flows share measures the probe's share of it, not the room left: recovery probes wait
   * until the link has been quiet.
   */
  handleCongestion(nowMs: number): void {
    this.#lastCongestionMs = nowMs;
  }

  #recoveryProbeAt(): number {
    return Math.max(
      this.#lastProbeAtMs + RECOVERY_PROBE_INTERVAL_MS,
      this.#lastCongestionMs + RECOVERY_QUIET_MS,
    );
  }

  /** The estimate the prober is trying to get back to after a large drop, if any. */
  get recoveryBitrateBps(): number | undefined {
    return this.#recovery?.bps;
  }

  /** Time passed: give up waiting for a result; probe in ALR when it is time. */
  handleTimeout(nowMs: number, alrStartedMs: number | undefined): void {
    if (nowMs - this.#lastProbeAtMs > WAIT_FOR_RESULT_MS && this.#state === "waiting") {
      this.#state = "complete";
      this.#minToProbeFurther = Number.POSITIVE_INFINITY;
    }
    if (this.#estimate === 0 || this.#state !== "complete") return;
    const r = this.#recovery;
    if (r && nowMs - r.atMs > RECOVERY_TIMEOUT_MS) this.#recovery = undefined;
    else if (r && nowMs >= this.#recoveryProbeAt()) {
      const bps = Math.min(2 * this.#estimate, r.bps);
      this.#initiate(nowMs, [bps], bps < r.bps);
      return;
    }
    if (this.alrProbing && alrStartedMs !== undefined) {
      const next = Math.max(alrStartedMs, this.#lastProbeAtMs) + ALR_PROBE_INTERVAL_MS;
      if (nowMs >= next) this.#initiate(nowMs, [this.#estimate * ALR_PROBE_SCALE], true);
    }
  }

  /** When `handleTimeout` next has something to do, given ALR's start. */
  pollTimeout(alrStartedMs: number | undefined): number | undefined {
    if (this.#state === "waiting") return this.#lastProbeAtMs + WAIT_FOR_RESULT_MS + 1;
    if (this.#state !== "complete") return undefined;
    if (this.#recovery) return this.#recoveryProbeAt();
    if (this.alrProbing && alrStartedMs !== undefined)
      return Math.max(alrStartedMs, this.#lastProbeAtMs) + ALR_PROBE_INTERVAL_MS;
    return undefined;
  }

  pollProbe(): ProbeCluster | undefined {
    return this.#pending.shift();
  }

  #initiate(nowMs: number, bitrates: readonly number[], probeFurther: boolean): void {
    let further = probeFurther;
    for (const b of bitrates) {
      const bps = Math.min(b, this.maxBitrateBps);
      this.#pending.push({
        id: this.#nextId++,
        bitrateBps: bps,
        minBytes: Math.round((bps * PROBE_DURATION_MS) / 8000),
        minPackets: PROBE_MIN_PACKETS,
      });
      if (bps >= this.maxBitrateBps) {
        further = false;
        break;
      }
    }
    this.#lastProbeAtMs = nowMs;
    if (further) {
      this.#state = "waiting";
      this.#minToProbeFurther = (bitrates[bitrates.length - 1] as number) * FURTHER_PROBE_THRESHOLD;
    } else {
      this.#state = "complete";
      this.#minToProbeFurther = Number.POSITIVE_INFINITY;
    }
  }
}
