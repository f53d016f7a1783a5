/** The simulation driver: it fails loudly on livelock, deadlock and the time limit; runFor and step. */
import { describe, expect, it } from "vitest";
import { runFor, runUntil, SimStallError, step } from "./driver.js";
import { type SimEndpoint, SimNetwork } from "./sim-network.js";
import { A, B, Echo, Pinger } from "./toy-endpoints.js";

describe("driver", () => {
  it("fails loudly on a livelock (a deadline that never moves)", () => {
    const net = new SimNetwork({ seed: 1 });
    const stuck: SimEndpoint = {
      handleDatagram() {},
      handleTimeout() {},
      pollTransmit: () => undefined,
      pollTimeout: () => 0,
    };
    net.attach(stuck, [A]);
    const err = (() => {
      try {
        runUntil(net, () => false, { maxSteps: 50 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SimStallError);
    expect(err).toMatchObject({ kind: "livelock", steps: 50, now: 0 });
  });

  it("fails loudly on a deadlock and on the virtual time limit", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p = new Pinger(A, B, 100, 2);
    net.attach(p, [A]);
    net.attach(new Echo(false), [B]); // never answers
    expect(() => runUntil(net, () => p.done)).toThrow(/deadlock/);
    expect(net.now()).toBe(200); // the second ping went at 100; the pinger gave up at 200
    const net2 = new SimNetwork({ seed: 1, delayMs: [10, 10] });
    const p2 = new Pinger(A, B, 100, 1000);
    net2.attach(p2, [A]);
    net2.attach(new Echo(false), [B]);
    expect(() => runUntil(net2, () => p2.done, { maxTimeMs: 1000 })).toThrow(/time limit/);
    expect(net2.now()).toBeLessThanOrEqual(1000);
  });

  it("runFor moves the clock to the end even when nothing is pending; step reports the next event", () => {
    const net = new SimNetwork({ seed: 1, delayMs: [7, 7] });
    const p = new Pinger(A, B, 100, 1);
    net.attach(p, [A]);
    net.attach(new Echo(false), [B]);
    expect(step(net)).toBe(7); // ping sent at 0, arrives at 7
    expect(runFor(net, 5000).now).toBe(5000);
    expect(net.now()).toBe(5000);
    expect(() => net.advanceTo(10)).toThrow(RangeError);
  });
});
