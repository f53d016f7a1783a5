import { DtlsEndpoint } from "../../src/machine/dtls-endpoint.js";
import type { DtlsEvent } from "../../src/machine/dtls-event.js";
import type { DtlsOptions } from "../../src/machine/dtls-options.js";
import { type LinkOptions, LossyLink, type Side } from "./lossy-link.js";

/**
 * Two DtlsEndpoints over a LossyLink with a manual clock (after quinn-proto's test `Pair`): each step drains
 * both endpoints, then jumps virtual time to the earliest deadline (a timer or a datagram arrival). A run
 * that needs more than `maxSteps` steps is a livelock and throws.
 */
export class EndpointPair {
  readonly a: DtlsEndpoint;
  readonly b: DtlsEndpoint;
  readonly link: LossyLink;
  readonly events: Record<Side, DtlsEvent[]> = { a: [], b: [] };
  now = 0;
  steps = 0;

  constructor(aOptions: DtlsOptions, bOptions: DtlsOptions, link: LinkOptions) {
    this.a = new DtlsEndpoint(aOptions);
    this.b = new DtlsEndpoint(bOptions);
    this.link = new LossyLink(link);
  }

  endpoint(side: Side): DtlsEndpoint {
    return side === "a" ? this.a : this.b;
  }

  /** Drains transmits into the link and events into `events`. */
  drain(): void {
    for (const side of ["a", "b"] as const) {
      const e = this.endpoint(side);
      for (let d = e.pollTransmit(); d !== undefined; d = e.pollTransmit()) this.link.send(this.now, side, d);
      for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent()) this.events[side].push(ev);
    }
  }

  /** Runs until `done()` holds; throws when nothing is left to happen or after `maxSteps`. */
  runUntil(done: (p: EndpointPair) => boolean, maxSteps = 5000): void {
    this.drain();
    while (!done(this)) {
      if (++this.steps > maxSteps)
        throw new Error(`no progress after ${maxSteps} steps (livelock?) at t=${this.now}`);
      const deadlines = [this.a.pollTimeout(), this.b.pollTimeout(), this.link.nextDeliveryAt()].filter(
        (t): t is number => t !== undefined,
      );
      if (deadlines.length === 0) throw new Error(`stalled at t=${this.now}: no timer and nothing in flight`);
      this.now = Math.max(this.now, Math.min(...deadlines));
      for (const { to, data } of this.link.takeDue(this.now))
        this.endpoint(to).handleDatagram(this.now, data);
      for (const side of ["a", "b"] as const) {
        const e = this.endpoint(side);
        const t = e.pollTimeout();
        if (t !== undefined && t <= this.now) e.handleTimeout(this.now);
      }
      this.drain();
    }
  }

  /** Both connected (or either ended). */
  settled = (): boolean => {
    const done = (s: Side) => this.events[s].some((e) => e.kind !== "application-data");
    return done("a") && done("b");
  };

  kinds(side: Side): string[] {
    return this.events[side].map((e) => e.kind);
  }
}
