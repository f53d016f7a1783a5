import { describe, expect, it } from "vitest";
import { Prng } from "./prng.js";
import { pattern, SctpPair } from "./sctp-pair.js";

const TOTAL_BYTES = 10 * 1000 * 1000;
const MAX_MESSAGE = 256 * 1024;
/** Streams 0 and 1 ordered, 2 and 3 unordered. */
const STREAMS = 4;

interface Planned {
  readonly id: number;
  readonly streamId: number;
  readonly size: number;
  readonly unordered: boolean;
}

/** Message sizes log-uniform in [1 B, 256 KiB] (as many small as large), until 10 MB. */
function plan(seed: number): Planned[] {
  const r = new Prng(seed);
  const out: Planned[] = [];
  let total = 0;
  for (let id = 0; total < TOTAL_BYTES; id++) {
    const size = Math.min(MAX_MESSAGE, Math.max(1, Math.round(Math.exp(r.next() * Math.log(MAX_MESSAGE)))));
    const streamId = id % STREAMS;
    out.push({ id, streamId, size, unordered: streamId >= 2 });
    total += size;
  }
  return out;
}

function bulk(seed: number, lossRate: number, iData: boolean) {
  const pair = new SctpPair({
    seed,
    link: {
      delayMs: 20,
      reorderRate: 0.02,
      reorderDelayMs: 5,
      lossRate,
      duplicateRate: 0.02,
      mtu: 1200,
      bytesPerMs: 10_000,
      queueBytes: 256 * 1024,
    },
    a: { maxSendMessageSize: MAX_MESSAGE, announceIData: iData },
    b: { maxReceiveMessageSize: MAX_MESSAGE, announceIData: iData },
  });
  pair.connectBoth();
  const messages = plan(seed);
  let next = 0;
  // The application keeps at most 2 MiB queued (what a bufferedAmount-driven sender does).
  pair.a.onTurn = (now) => {
    const a = pair.a.endpoint;
    let queued = 0;
    for (let s = 0; s < STREAMS; s++) queued += a.bufferedAmount(s);
    while (next < messages.length && queued < 2 << 20) {
      const m = messages[next++] as Planned;
      a.send(now, m.streamId, m.id, pattern(m.id, m.size), { unordered: m.unordered });
      queued += m.size;
    }
  };
  pair.a.onTurn(pair.now);
  pair.driver.flush();
  const start = pair.now;
  const run = pair.runUntil(() => pair.b.messages.length >= messages.length, {
    maxSteps: 1_000_000,
    maxTimeMs: 3_600_000,
  });
  pair.runFor(1000);
  return { pair, messages, run, elapsedMs: pair.now - start - 1000 };
}

describe("bulk transfer: 10 MB in messages of 1 B–256 KiB, ordered and unordered, lossy link", () => {
  for (const [lossRate, iData, seed] of [
    [0, true, 11],
    [0.05, true, 12],
    [0.2, true, 13],
    [0.05, false, 14],
  ] as const) {
    it(`${lossRate * 100} % loss, 2 % reordered, 2 % duplicated, 10 MB/s bottleneck, ${iData ? "I-DATA" : "DATA"} (seed ${seed}): every message once, intact, in order where ordered`, () => {
      const { pair, messages, run, elapsedMs } = bulk(seed, lossRate, iData);
      const got = pair.b.messages;
      expect(got.length).toBe(messages.length);
      const seen = new Set<number>();
      const lastOnStream = new Map<number, number>();
      for (const m of got) {
        const p = messages[m.ppid];
        expect(p).toBeDefined();
        if (p === undefined) continue;
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
        expect(m.streamId).toBe(p.streamId);
        expect(m.unordered).toBe(p.unordered);
        expect(m.data.length).toBe(p.size);
        expect(Buffer.from(m.data).equals(Buffer.from(pattern(p.id, p.size)))).toBe(true);
        if (!p.unordered) {
          expect(p.id).toBeGreaterThan(lastOnStream.get(p.streamId) ?? -1);
          lastOnStream.set(p.streamId, p.id);
        }
      }
      expect(pair.a.endpoint.state).toBe("established");
      const c = pair.a.endpoint.counters;
      const s = pair.link.stats[0];
      console.log(
        `[sim] bulk ${lossRate * 100}% loss ${iData ? "I-DATA" : "DATA"} seed ${seed}: ${messages.length} messages, ` +
          `${(TOTAL_BYTES / 1e6).toFixed(0)} MB in ${(elapsedMs / 1000).toFixed(1)} s virtual ` +
          `(${(TOTAL_BYTES / elapsedMs / 1000).toFixed(2)} MB/s), ${run.steps} steps; a→b packets ${s.sent}, ` +
          `lost ${s.lost}, queue-dropped ${s.queueDropped}, reordered ${s.reordered}, duplicated ${s.duplicated}; retransmissions ${c.retransmissions ?? 0}, ` +
          `T3 expiries ${c["t3-expiries"] ?? 0}, spurious fast retransmits detected ${c["spurious-retransmits"] ?? 0} (undone ${c["fast-retransmits-undone"] ?? 0})`,
      );
    });
  }
});
