import type { Millis, SimHost, SimNetwork } from "./sim-network.js";

/**
 * The simulation driver (quinn-proto's `Pair` loop): one step delivers every datagram due, fires
 * every endpoint deadline that is due, drains every endpoint's `pollTransmit()` into the network,
 * then jumps the clock to the earliest next event (a datagram's arrival or an endpoint's deadline).
 * A stuck simulation fails loudly instead of hanging: too many steps is a livelock, no event left
 * while the goal is unmet is a deadlock.
 */
export type SimStallKind = "livelock" | "deadlock" | "time-limit";

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
  /** Steps before giving up as a livelock. Default 100 000. */
  readonly maxSteps?: number;
  /** Virtual ms (from the start of this run) before giving up. Default 10 minutes. */
  readonly maxTimeMs?: Millis;
}

export interface RunResult {
  readonly now: Millis;
  readonly steps: number;
}

const DEFAULT_MAX_STEPS = 100_000;
const DEFAULT_MAX_TIME_MS = 600_000;

/** The simulation's clock. */
export function now(net: SimNetwork): Millis {
  return net.now();
}

function drain(net: SimNetwork, host: SimHost): number {
  let n = 0;
  for (let t = host.endpoint.pollTransmit(); t !== undefined; t = host.endpoint.pollTransmit()) {
    net.send(host, t);
    n++;
  }
  return n;
}

/**
 * One step at the current time: drain pending transmits, deliver due datagrams, fire due deadlines
 * (hosts in attach order), drain again. Returns the time of the next event, or undefined if none.
 */
export function step(net: SimNetwork): Millis | undefined {
  const hosts = net.hosts();
  for (const h of hosts) drain(net, h);
  net.deliverDue();
  const t = net.now();
  for (const h of hosts) {
    const deadline = h.endpoint.pollTimeout();
    if (deadline !== undefined && deadline <= t) h.endpoint.handleTimeout(t);
  }
  for (const h of hosts) drain(net, h);
  return nextEventAt(net);
}

/** The earliest pending event: a datagram arrival or an endpoint deadline (clamped to now). */
export function nextEventAt(net: SimNetwork): Millis | undefined {
  let next = net.nextDeliveryAt();
  for (const h of net.hosts()) {
    const d = h.endpoint.pollTimeout();
    if (d !== undefined && (next === undefined || d < next)) next = d;
  }
  return next === undefined ? undefined : Math.max(next, net.now());
}

function describe(net: SimNetwork): string {
  const deadlines = net
    .hosts()
    .map((h) => `${h.name}: ${h.endpoint.pollTimeout() ?? "none"}`)
    .join(", ");
  return `now=${net.now()} ms, in flight=${net.inFlight()}, next arrival=${net.nextDeliveryAt() ?? "none"}, deadlines {${deadlines}}`;
}

/**
 * Step until `predicate()` holds (checked before the first step and after each one). Throws a
 * SimStallError on livelock (maxSteps), deadlock (nothing left to happen) or the virtual time limit.
 */
export function runUntil(net: SimNetwork, predicate: () => boolean, limits: RunLimits = {}): RunResult {
  const maxSteps = limits.maxSteps ?? DEFAULT_MAX_STEPS;
  const deadline = net.now() + (limits.maxTimeMs ?? DEFAULT_MAX_TIME_MS);
  let steps = 0;
  while (!predicate()) {
    if (steps >= maxSteps) {
      throw new SimStallError(
        "livelock",
        `simulation livelock: predicate still false after ${steps} steps (${describe(net)})`,
        net.now(),
        steps,
      );
    }
    const next = step(net);
    steps++;
    if (predicate()) break;
    if (next === undefined) {
      throw new SimStallError(
        "deadlock",
        `simulation deadlock: no event left and predicate false (${describe(net)})`,
        net.now(),
        steps,
      );
    }
    if (next > deadline) {
      throw new SimStallError(
        "time-limit",
        `simulation time limit: predicate false at ${deadline} ms, next event at ${next} ms (${describe(net)})`,
        net.now(),
        steps,
      );
    }
    net.advanceTo(next);
  }
  return { now: net.now(), steps };
}

/**
 * Run every event up to and including `now + durationMs`, then leave the clock there. Running out
 * of events is fine here (the clock just moves on); a livelock still throws.
 */
export function runFor(
  net: SimNetwork,
  durationMs: Millis,
  limits: Pick<RunLimits, "maxSteps"> = {},
): RunResult {
  const maxSteps = limits.maxSteps ?? DEFAULT_MAX_STEPS;
  const end = net.now() + durationMs;
  let steps = 0;
  for (;;) {
    if (steps >= maxSteps) {
      throw new SimStallError(
        "livelock",
        `simulation livelock: ${steps} steps before reaching ${end} ms (${describe(net)})`,
        net.now(),
        steps,
      );
    }
    const next = step(net);
    steps++;
    if (next === undefined || next > end) break;
    net.advanceTo(next);
  }
  net.advanceTo(end);
  return { now: end, steps };
}
