import type { Millis, SimLink } from "./sim-link.js";

/** The sans-IO surface the driver needs (SctpAssociation has it). */
export interface SimEndpoint {
  handlePacket(now: Millis, packet: Uint8Array): void;
  handleTimeout(now: Millis): void;
  pollTransmit(): Uint8Array | undefined;
  pollTimeout(): Millis | undefined;
}

/** One side of the simulation: the endpoint and the application around it. */
export interface SimHost {
  readonly name: string;
  readonly endpoint: SimEndpoint;
  /** The application's turn after every input to the endpoint: drain its events, send more, … */
  afterInput?(now: Millis): void;
}

export type SimStallKind = "livelock" | "deadlock" | "time-limit";

/** A simulation that cannot reach its goal fails loudly with what was pending. */
export class SimStallError extends Error {
  override readonly name = "SimStallError";
  constructor(
    readonly kind: SimStallKind,
    message: string,
    readonly now: Millis,
    readonly steps: number,
  ) {
    super(message);
  }
}

export interface RunLimits {
  /** Steps (distinct instants) before giving up as a livelock. Default 200 000. */
  readonly maxSteps?: number;
  /** Virtual ms from the start of this run before giving up. Default 10 minutes. */
  readonly maxTimeMs?: Millis;
}

export interface RunResult {
  /** Virtual time at the end, and how long this run took in virtual ms. */
  readonly now: Millis;
  readonly elapsedMs: Millis;
  readonly steps: number;
}

/**
 * The simulation driver (quinn-proto's `Pair` loop) over a `SimLink` between two hosts on a manual
 * clock: each step delivers every packet due, fires every endpoint deadline due, hands every transmit to
 * the link, then jumps the clock to the earliest next event (an arrival or a deadline). No sleeps; a
 * stuck run throws a `SimStallError` (livelock: too many steps; deadlock: nothing left to happen).
 */
export class SimDriver {
  readonly link: SimLink;
  readonly hosts: readonly [SimHost, SimHost];
  #now: Millis;
  /** Steps taken over the driver's whole life. */
  totalSteps = 0;

  constructor(link: SimLink, a: SimHost, b: SimHost, startMs: Millis = 0) {
    this.link = link;
    this.hosts = [a, b];
    this.#now = startMs;
  }

  get now(): Millis {
    return this.#now;
  }

  /** Hands every pending transmit of both endpoints to the link (e.g. after an API call). */
  flush(): void {
    this.#drain(0);
    this.#drain(1);
  }

  #drain(i: 0 | 1): void {
    const e = this.hosts[i].endpoint;
    for (let p = e.pollTransmit(); p !== undefined; p = e.pollTransmit()) this.link.send(this.#now, i, p);
  }

  #input(i: 0 | 1): void {
    this.hosts[i].afterInput?.(this.#now);
    this.#drain(i);
  }

  /** One instant: arrivals due, then deadlines due, each followed by the application and a drain. */
  step(): void {
    this.totalSteps++;
    this.flush();
    for (let d = this.link.popDue(this.#now); d !== undefined; d = this.link.popDue(this.#now)) {
      this.hosts[d.to].endpoint.handlePacket(this.#now, d.data);
      this.#input(d.to);
    }
    for (const i of [0, 1] as const) {
      const e = this.hosts[i].endpoint;
      const deadline = e.pollTimeout();
      if (deadline !== undefined && deadline <= this.#now) {
        e.handleTimeout(this.#now);
        this.#input(i);
      }
    }
  }

  /** The earliest pending event (clamped to now), or undefined if nothing can happen any more. */
  nextEventAt(): Millis | undefined {
    let next = this.link.nextArrivalAt();
    for (const h of this.hosts) {
      const d = h.endpoint.pollTimeout();
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    return next === undefined ? undefined : Math.max(next, this.#now);
  }

  describe(): string {
    const [a, b] = this.hosts;
    return (
      `now=${this.#now} ms, in flight=${this.link.inFlight}, next arrival=${this.link.nextArrivalAt() ?? "none"}, ` +
      `deadlines {${a.name}: ${a.endpoint.pollTimeout() ?? "none"}, ${b.name}: ${b.endpoint.pollTimeout() ?? "none"}}`
    );
  }

  /** Step until `goal()` holds (checked before the first step and after each). */
  runUntil(goal: () => boolean, limits: RunLimits = {}): RunResult {
    const start = this.#now;
    const maxSteps = limits.maxSteps ?? 200_000;
    const end = start + (limits.maxTimeMs ?? 600_000);
    let steps = 0;
    while (!goal()) {
      if (steps >= maxSteps) {
        throw new SimStallError(
          "livelock",
          `livelock: goal unmet after ${steps} steps (${this.describe()})`,
          this.#now,
          steps,
        );
      }
      this.step();
      steps++;
      if (goal()) break;
      const next = this.nextEventAt();
      if (next === undefined) {
        throw new SimStallError(
          "deadlock",
          `deadlock: nothing left to happen (${this.describe()})`,
          this.#now,
          steps,
        );
      }
      if (next > end) {
        throw new SimStallError(
          "time-limit",
          `time limit ${end} ms reached (${this.describe()})`,
          this.#now,
          steps,
        );
      }
      this.#now = next;
    }
    return { now: this.#now, elapsedMs: this.#now - start, steps };
  }

  /** Run every event up to `now + durationMs` and leave the clock there (running out of events is fine). */
  runFor(durationMs: Millis, limits: Pick<RunLimits, "maxSteps"> = {}): RunResult {
    const start = this.#now;
    const end = start + durationMs;
    const maxSteps = limits.maxSteps ?? 200_000;
    let steps = 0;
    for (;;) {
      if (steps >= maxSteps) {
        throw new SimStallError(
          "livelock",
          `livelock: ${steps} steps before ${end} ms (${this.describe()})`,
          this.#now,
          steps,
        );
      }
      this.step();
      steps++;
      const next = this.nextEventAt();
      if (next === undefined || next > end) break;
      this.#now = next;
    }
    this.#now = end;
    return { now: end, elapsedMs: durationMs, steps };
  }
}
