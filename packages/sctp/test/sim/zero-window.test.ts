import { describe, expect, it } from "vitest";
import { pattern, SctpPair } from "./sctp-pair.js";

const WINDOW = 128 * 1024;

describe("flow control: the peer's receive window (RFC 9260 §6.1, §6.2)", () => {
  it("a receiver that stops reading closes its window; the sender probes, then resumes when it reads again", () => {
    const pair = new SctpPair({
      seed: 71,
      link: { delayMs: 20, mtu: 1200 },
      b: { receiveWindowBytes: WINDOW, maxReceiveMessageSize: WINDOW },
    });
    pair.connectBoth();
    pair.b.reading = false;
    const total = 200;
    for (let i = 0; i < total; i++) pair.send(pair.a, 1, pattern(i, 4000), undefined, i);
    pair.runFor(5000);
    // B holds at most its window (and the chunks that moved its cumulative ack as probes).
    const held = pair.b.endpoint.usage().receiveBufferedBytes;
    const probes = pair.a.endpoint.counters["zero-window-probes"] ?? 0;
    expect(held).toBeGreaterThanOrEqual(WINDOW - 4000);
    expect(held).toBeLessThanOrEqual(WINDOW + (probes + 2) * 1200);
    expect(probes).toBeGreaterThan(0);
    expect(pair.b.endpoint.counters["receive-window-full"] ?? 0).toBeLessThan(50);
    expect(pair.a.endpoint.state).toBe("established");
    const heldAtStall = held;
    pair.runFor(5000);
    // Still stalled: probing goes on, slowly (one chunk per round), nothing is lost.
    expect(pair.b.endpoint.usage().receiveBufferedBytes - heldAtStall).toBeLessThan(60 * 1200);
    // The application reads again: the window opens, the transfer completes.
    pair.b.reading = true;
    pair.b.drain(pair.now);
    pair.driver.flush();
    const r = pair.runUntil(() => pair.b.messages.length === total, { maxSteps: 50_000 });
    expect(pair.b.messages.map((m) => m.ppid)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(pair.b.endpoint.counters["window-updates"]).toBeGreaterThan(0);
    console.log(
      `[sim] zero window: ${(heldAtStall / 1024).toFixed(0)} KiB held at the stall (window ${WINDOW / 1024} KiB), ` +
        `${pair.a.endpoint.counters["zero-window-probes"]} probes over 10 s, the rest ${total * 4000 - heldAtStall} bytes in ${r.elapsedMs.toFixed(0)} ms after reading resumed`,
    );
  });
});
