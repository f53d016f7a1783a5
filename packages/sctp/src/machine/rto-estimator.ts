/**
 * The retransmission timeout of RFC 9260 §6.3.1, from round-trip measurements (Karn's rule — never
 * measure a retransmitted chunk — is the caller's job, §6.3.1 C5), and its back-off on expiry (§6.3.3 E2).
 *
 * RFC 9260 §16 suggests RTO.Initial 1 s, RTO.Min 1 s, RTO.Max 60 s. WebRTC stacks run a lower floor
 * (dcSCTP: initial 500 ms, min 400 ms at first, later lower; usrsctp as Firefox configures it: min
 * 200 ms…): data channels carry interactive traffic over paths whose RTT is tens of ms. Ours: initial
 * 1000 ms (before any measurement the RFC value is the safe one), min 200 ms, max 60 s; all configurable.
 */
export interface RtoConfig {
  readonly initialMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RTO: RtoConfig = { initialMs: 1000, minMs: 200, maxMs: 60_000 };

/** RFC 9260 §6.3.1: RTO.Alpha = 1/8, RTO.Beta = 1/4. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
/** The clock granularity G of C1/C3: our clock is the caller's ms, which may be fractional. */
const G_MS = 1;

export class RtoEstimator {
  readonly #config: RtoConfig;
  #srttMs: number | undefined;
  #rttvarMs = 0;
  #rtoMs: number;

  constructor(config: RtoConfig = DEFAULT_RTO) {
    this.#config = config;
    this.#rtoMs = clamp(config.initialMs, config.minMs, config.maxMs);
  }

  /** The current RTO (with any back-off applied). */
  get rtoMs(): number {
    return this.#rtoMs;
  }

  /** SRTT, or undefined before the first measurement. */
  get srttMs(): number | undefined {
    return this.#srttMs;
  }

  get rttvarMs(): number {
    return this.#rttvarMs;
  }

  /** §6.3.1 C2/C3: fold in one RTT measurement R (ms). Non-finite or negative samples are ignored. */
  observe(rttMs: number): void {
    if (!(rttMs >= 0) || !Number.isFinite(rttMs)) return;
    if (this.#srttMs === undefined) {
      // C2: SRTT <- R, RTTVAR <- R/2, RTO <- SRTT + max(G, 4*RTTVAR)
      this.#srttMs = rttMs;
      this.#rttvarMs = rttMs / 2;
    } else {
      // C3: RTTVAR <- (1 - Beta) * RTTVAR + Beta * |SRTT - R'|; SRTT <- (1 - Alpha) * SRTT + Alpha * R'
      this.#rttvarMs = (1 - BETA) * this.#rttvarMs + BETA * Math.abs(this.#srttMs - rttMs);
      this.#srttMs = (1 - ALPHA) * this.#srttMs + ALPHA * rttMs;
    }
    // C3: "If RTTVAR is 0, adjust it to G" — covered by max(G, 4*RTTVAR).
    const rto = this.#srttMs + Math.max(G_MS, 4 * this.#rttvarMs);
    // C6/C7: clamp to [RTO.Min, RTO.Max].
    this.#rtoMs = clamp(rto, this.#config.minMs, this.#config.maxMs);
  }

  /** §6.3.3 E2: "RTO = RTO * 2", bounded by RTO.Max. */
  backOff(): void {
    this.#rtoMs = Math.min(this.#rtoMs * 2, this.#config.maxMs);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(v, hi));
}
