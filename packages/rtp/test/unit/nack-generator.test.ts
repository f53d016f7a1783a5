import { describe, expect, it } from "vitest";
import { NackGenerator, type NackGeneratorEvent } from "../../src/index.js";

function drain(n: NackGenerator): NackGeneratorEvent[] {
  const out: NackGeneratorEvent[] = [];
  for (let e = n.pollEvent(); e; e = n.pollEvent()) out.push(e);
  return out;
}

describe("NackGenerator", () => {
  it("NACKs the sequence numbers a newer packet skipped, at once by default", () => {
    const n = new NackGenerator();
    n.handlePacket(0, 1);
    n.handlePacket(1, 2);
    expect(drain(n)).toEqual([]);
    n.handlePacket(2, 5);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [3, 4] }]);
    expect(n.missing).toEqual([3, 4]);
  });

  it("asks again every RTT until the packet arrives, then stops", () => {
    const n = new NackGenerator({ initialRttMs: 50 });
    n.handlePacket(0, 10);
    n.handlePacket(0, 12);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [11] }]);
    expect(n.pollTimeout()).toBe(50);
    n.handleTimeout(49);
    expect(drain(n)).toEqual([]);
    n.handleTimeout(50);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [11] }]);
    n.handleRtt(200);
    n.handleTimeout(100);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [11] }]);
    expect(n.pollTimeout()).toBe(300);
    n.handlePacket(120, 11);
    expect(n.counters.recovered).toBe(1);
    expect(n.pollTimeout()).toBeUndefined();
  });

  it("gives up after maxRetries NACKs", () => {
    const n = new NackGenerator({
      maxRetries: 2,
      initialRttMs: 10,
      minRetryIntervalMs: 10,
      maxAgeMs: 10_000,
    });
    n.handlePacket(0, 1);
    n.handlePacket(0, 3);
    n.handleTimeout(10);
    expect(drain(n)).toEqual([
      { kind: "nack", lost: [2] },
      { kind: "nack", lost: [2] },
    ]);
    n.handleTimeout(20);
    expect(drain(n)).toEqual([{ kind: "gave-up", lost: [2], reason: "retries" }]);
    expect(n.counters).toMatchObject({ nacked: 2, gaveUpRetries: 1 });
    n.handlePacket(30, 2);
    expect(n.counters.lateOrDuplicate).toBe(1);
  });

  it("gives up a packet missing for maxAgeMs", () => {
    const n = new NackGenerator({ maxAgeMs: 100, initialRttMs: 1000 });
    n.handlePacket(0, 1);
    n.handlePacket(0, 3);
    drain(n);
    expect(n.pollTimeout()).toBe(100);
    n.handleTimeout(100);
    expect(drain(n)).toEqual([{ kind: "gave-up", lost: [2], reason: "age" }]);
  });

  it("waits reorderDelayMs before the first NACK, and a reordered packet is never NACKed", () => {
    const n = new NackGenerator({ reorderDelayMs: 15 });
    n.handlePacket(0, 1);
    n.handlePacket(0, 4);
    expect(drain(n)).toEqual([]);
    expect(n.pollTimeout()).toBe(15);
    n.handlePacket(5, 2);
    n.handleTimeout(15);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [3] }]);
  });

  it("crosses the sequence number wrap", () => {
    const n = new NackGenerator();
    n.handlePacket(0, 65534);
    n.handlePacket(0, 2);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [65535, 0, 1] }]);
  });

  it("bounds what it tracks: a gap over maxMissing asks for a keyframe instead", () => {
    const n = new NackGenerator({ maxMissing: 5 });
    n.handlePacket(0, 100);
    n.handlePacket(0, 103);
    drain(n);
    n.handlePacket(1, 200);
    expect(drain(n)).toEqual([
      { kind: "gave-up", lost: [101, 102], reason: "overflow" },
      { kind: "keyframe-request" },
    ]);
    expect(n.missing).toEqual([]);
    n.handlePacket(2, 205);
    expect(drain(n)).toEqual([{ kind: "nack", lost: [201, 202, 203, 204] }]);
    n.handlePacket(3, 209); // 4 more missing: 201–204 and 206–208 exceed 5, the oldest go
    const events = drain(n);
    expect(events).toEqual([
      { kind: "gave-up", lost: [201, 202], reason: "overflow" },
      { kind: "nack", lost: [206, 207, 208] },
    ]);
    expect(n.missing).toHaveLength(5);
  });
});
