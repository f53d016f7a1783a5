import { describe, expect, it } from "vitest";
import {
  type Millis,
  StunTransactionError,
  StunTransactionTable,
  transactionKey,
} from "../../src/machine/stun-transaction.js";
import type { StunMessage } from "../../src/wire/stun-message-types.js";

const server = { address: "192.0.2.1", port: 3478 };
const tid = (n: number): Uint8Array => Uint8Array.from({ length: 12 }, (_, i) => (i === 11 ? n : i));
const req = (n: number): Uint8Array => Uint8Array.of(0, 1, 0, 0, n);
const response = (id: Uint8Array, cls: StunMessage["class"] = "success"): StunMessage => ({
  method: 1,
  class: cls,
  transactionId: id,
  attributes: [],
});

/** Runs the table on a manual clock, jumping to each deadline; records (time, what) until idle or `until`. */
function drive<C>(
  t: StunTransactionTable<C>,
  from: Millis,
  until = Number.POSITIVE_INFINITY,
  maxSteps = 100,
) {
  const log: [Millis, string][] = [];
  const drain = (now: Millis) => {
    for (let x = t.pollTransmit(); x !== undefined; x = t.pollTransmit())
      log.push([now, `send ${x.data[4]}`]);
    for (let e = t.pollEvent(); e !== undefined; e = t.pollEvent())
      log.push([now, `${e.kind} ${e.key.slice(-2)}`]);
  };
  drain(from);
  for (let step = 0; ; step++) {
    if (step >= maxSteps) throw new Error("no progress: step bound hit");
    const next = t.pollTimeout();
    if (next === undefined || next > until) return log;
    t.handleTimeout(next);
    drain(next);
  }
}

describe("StunTransactionTable (RFC 8489 §6.2.1)", () => {
  it("sends at 0, RTO, 3, 7, 15, 31, 63 ·RTO and times out 16·RTO after the last send (39.5 s)", () => {
    const t = new StunTransactionTable();
    t.start(1000, tid(1), server, req(1));
    const log = drive(t, 1000);
    expect(log).toEqual([
      [1000, "send 1"],
      [1500, "send 1"],
      [2500, "send 1"],
      [4500, "send 1"],
      [8500, "send 1"],
      [16500, "send 1"],
      [32500, "send 1"],
      [40500, "timeout 01"],
    ]);
    expect(t.size).toBe(0);
    expect(t.counters).toMatchObject({ started: 1, retransmits: 6, timeouts: 1 });
  });

  it("honours configured RTO, Rc and Rm, and a per-transaction RTO override", () => {
    const t = new StunTransactionTable<string>({ rtoMs: 100, rc: 3, rm: 4 });
    t.start(0, tid(1), server, req(1), { context: "a" });
    t.start(0, tid(2), server, req(2), { context: "b", rtoMs: 50 });
    expect(drive(t, 0)).toEqual([
      [0, "send 1"],
      [0, "send 2"],
      [50, "send 2"],
      [100, "send 1"],
      [150, "send 2"],
      [300, "send 1"],
      [350, "timeout 02"],
      [700, "timeout 01"],
    ]);
  });

  it("caps the doubled interval at maxRtoMs", () => {
    const t = new StunTransactionTable({ rtoMs: 100, maxRtoMs: 250, rc: 5, rm: 2 });
    t.start(0, tid(1), server, req(1));
    expect(drive(t, 0).map(([at]) => at)).toEqual([0, 100, 300, 550, 800, 1000]);
  });

  it("a response ends the transaction, returns its context and RTT, and stops retransmits", () => {
    const t = new StunTransactionTable<{ pair: number }>();
    t.start(0, tid(7), server, req(7), { context: { pair: 42 } });
    expect(t.pollTransmit()?.to).toEqual(server);
    const r = t.handleResponse(120, response(tid(7)));
    expect(r).toMatchObject({
      key: transactionKey(tid(7)),
      context: { pair: 42 },
      sends: 1,
      rttMs: 120,
      to: server,
    });
    expect(t.pollTimeout()).toBeUndefined();
    expect(t.handleResponse(130, response(tid(7)))).toBeUndefined(); // already matched
  });

  it("RTT is undefined after a retransmission (Karn), error responses match too", () => {
    const t = new StunTransactionTable();
    t.start(0, tid(1), server, req(1));
    t.handleTimeout(500);
    const r = t.handleResponse(600, response(tid(1), "error"));
    expect(r?.sends).toBe(2);
    expect(r?.rttMs).toBeUndefined();
  });

  it("unknown ids and non-responses are not matched", () => {
    const t = new StunTransactionTable();
    t.start(0, tid(1), server, req(1));
    expect(t.handleResponse(1, response(tid(2)))).toBeUndefined();
    expect(t.handleResponse(1, response(tid(1), "request"))).toBeUndefined();
    expect(t.handleResponse(1, response(tid(1), "indication"))).toBeUndefined();
    expect(t.has(tid(1))).toBe(true);
  });

  it("cancel removes the transaction and its unsent transmits, without an event", () => {
    const t = new StunTransactionTable();
    t.start(0, tid(1), server, req(1));
    t.start(0, tid(2), server, req(2));
    expect(t.cancel(tid(1))).toBe(true);
    expect(t.cancel(tid(1))).toBe(false);
    expect(t.pollTransmit()?.data[4]).toBe(2);
    expect(t.pollTransmit()).toBeUndefined();
    expect(drive(t, 0).filter(([, w]) => w.startsWith("timeout"))).toEqual([[39500, "timeout 02"]]);
  });

  it("a late wake-up sends one copy and counts the next interval from then", () => {
    const t = new StunTransactionTable();
    t.start(0, tid(1), server, req(1));
    t.pollTransmit();
    t.handleTimeout(5000); // due at 500, 1500, 3500: one retransmit only
    expect(t.pollTransmit()).toBeDefined();
    expect(t.pollTransmit()).toBeUndefined();
    expect(t.pollTimeout()).toBe(6000);
  });

  it("handleTimeout before any deadline does nothing", () => {
    const t = new StunTransactionTable();
    t.start(0, tid(1), server, req(1));
    t.pollTransmit();
    t.handleTimeout(499);
    expect(t.pollTransmit()).toBeUndefined();
    expect(t.pollTimeout()).toBe(500);
  });

  it("peek finds the transaction without ending it (integrity is checked before handleResponse)", () => {
    const t = new StunTransactionTable<string>();
    const local = { address: "10.0.0.2", port: 50000 };
    const key = t.start(0, tid(3), server, req(3), { context: "check", from: local, rc: 2, rm: 1 });
    expect(key).toBe(transactionKey(tid(3)));
    expect(t.pollTransmit()).toMatchObject({ to: server, from: local, key });
    expect(t.peek(tid(3))).toMatchObject({ context: "check", from: local, sends: 1 });
    expect(t.peek(tid(4))).toBeUndefined();
    expect(t.has(tid(3))).toBe(true);
    // per-transaction rc=2, rm=1: sends at 0 and 500, timeout at 1000
    expect(drive(t, 0)).toEqual([
      [500, "send 3"],
      [1000, "timeout 03"],
    ]);
  });

  it("cancelWhere cancels by context", () => {
    const t = new StunTransactionTable<{ kind: string }>();
    t.start(0, tid(1), server, req(1), { context: { kind: "check" } });
    t.start(0, tid(2), server, req(2), { context: { kind: "consent" } });
    t.start(0, tid(3), server, req(3), { context: { kind: "check" } });
    expect(t.cancelWhere((c) => c?.kind === "check")).toBe(2);
    expect(t.size).toBe(1);
    expect(t.has(tid(2))).toBe(true);
    expect(t.pollTransmit()?.key).toBe(transactionKey(tid(2)));
    expect(t.pollTransmit()).toBeUndefined();
  });

  it("misuse throws StunTransactionError", () => {
    const t = new StunTransactionTable();
    t.start(0, tid(1), server, req(1));
    expect(() => t.start(0, tid(1), server, req(1))).toThrow(StunTransactionError);
    expect(() => t.start(0, new Uint8Array(11), server, req(1))).toThrow(StunTransactionError);
    expect(() => new StunTransactionTable({ rtoMs: 0 })).toThrow(StunTransactionError);
  });
});
