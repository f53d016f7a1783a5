import { describe, expect, it } from "vitest";
import { OutgoingMessage } from "../../src/machine/outbound-chunk.js";
import { SendQueue } from "../../src/machine/send-queue.js";

const INF = Number.POSITIVE_INFINITY;

function msg(
  streamId: number,
  size: number,
  opts: { unordered?: boolean; expiresAtMs?: number } = {},
): OutgoingMessage {
  return new OutgoingMessage(
    streamId,
    53,
    new Uint8Array(size).fill(streamId),
    opts.unordered ?? false,
    INF,
    opts.expiresAtMs ?? INF,
  );
}

/** Streams of the next `n` chunks produced, `max` user bytes each. */
function order(q: SendQueue, n: number, max: number, iData: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = q.produce(0, max, iData, 100 + i)?.chunk;
    if (c === undefined) break;
    out.push(`${c.streamId}${c.beginning ? "B" : ""}${c.ending ? "E" : ""}`);
  }
  return out;
}

describe("send queue: scheduling, fragmentation, bufferedAmount", () => {
  it("DATA: a message's fragments are consecutive; the round moves to the next stream after its last one", () => {
    const q = new SendQueue();
    q.enqueue(msg(1, 3000));
    q.enqueue(msg(2, 10));
    q.enqueue(msg(1, 10));
    expect(order(q, 10, 1000, false)).toEqual(["1B", "1", "1E", "2BE", "1BE"]);
  });

  it("I-DATA: the round moves after every fragment, so a small message is not held back", () => {
    const q = new SendQueue();
    q.enqueue(msg(1, 3000));
    q.enqueue(msg(2, 10));
    q.enqueue(msg(3, 1500));
    expect(order(q, 10, 1000, true)).toEqual(["1B", "2BE", "3B", "1", "3E", "1E"]);
  });

  it("numbers messages: SSN per ordered stream (DATA), MIDs per stream and ordering (I-DATA), FSNs", () => {
    const q = new SendQueue();
    q.enqueue(msg(1, 10));
    q.enqueue(msg(1, 10, { unordered: true }));
    q.enqueue(msg(1, 10));
    const d = [0, 1, 2].map((i) => q.produce(0, 1000, false, i)?.chunk);
    expect(d.map((c) => (c?.type === "data" ? c.ssn : -1))).toEqual([0, 0, 1]);
    q.enqueue(msg(4, 2500));
    q.enqueue(msg(4, 10, { unordered: true }));
    q.enqueue(msg(4, 10));
    const i = [0, 1, 2, 3, 4].map((k) => q.produce(0, 1000, true, k)?.chunk);
    expect(i.map((c) => (c?.type === "i-data" ? [c.mid, c.fsn, c.unordered] : []))).toEqual([
      [0, 0, false],
      [0, 1, false],
      [0, 2, false],
      [0, 0, true],
      [1, 0, false],
    ]);
  });

  it("bufferedAmount goes down as fragments are cut, and the streams that changed are listed once", () => {
    const q = new SendQueue();
    q.enqueue(msg(1, 2500));
    q.enqueue(msg(2, 100));
    expect(q.bufferedAmount(1)).toBe(2500);
    expect(q.queuedBytes).toBe(2600);
    q.produce(0, 1000, false, 1);
    q.produce(0, 1000, false, 2);
    expect(q.bufferedAmount(1)).toBe(500);
    expect([q.popDirty(), q.popDirty()]).toEqual([1, -1]);
  });

  it("a message whose lifetime ended before its first fragment is dropped without a TSN; half-sent, it is abandoned", () => {
    const q = new SendQueue();
    q.enqueue(msg(1, 10, { expiresAtMs: 50 }));
    q.enqueue(msg(1, 3000, { expiresAtMs: 150 }));
    q.enqueue(msg(1, 10));
    expect(q.produce(100, 1000, false, 1)?.chunk.userData.length).toBe(1000);
    expect(q.expiredUnsent).toBe(1);
    // Half-sent and expired: produce stops there (the end marker must take the next TSN first).
    expect(q.produce(200, 1000, false, 2)).toBeUndefined();
    expect(q.abandoned.length).toBe(1);
    expect(q.abandoned[0]?.data.length).toBe(3000);
    expect(q.abandoned[0]?.truncated).toBe(true);
    expect(q.produce(200, 1000, false, 3)?.chunk.userData.length).toBe(10);
    expect(q.bufferedAmount(1)).toBe(0);
  });

  it("discardRest drops what is left of an abandoned message", () => {
    const q = new SendQueue();
    const m = msg(1, 3000);
    q.enqueue(m);
    q.enqueue(msg(1, 10));
    q.produce(0, 1000, false, 1);
    q.discardRest(m);
    expect(q.bufferedAmount(1)).toBe(10);
    expect(q.produce(0, 1000, false, 2)?.chunk.userData.length).toBe(10);
  });
});
