import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type PacedClass,
  type PacedOutput,
  type PacedPacket,
  PacedSender,
} from "../../src/machine/paced-sender.js";

const pkt = (cls: PacedClass, n: number, frame = 0, mid = cls === "audio" ? "a" : "v"): PacedPacket => ({
  bytes: new Uint8Array(n),
  cls,
  mid,
  frame,
});

function drain(p: PacedSender, now: number): PacedOutput[] {
  const out: PacedOutput[] = [];
  for (let o = p.poll(now); o; o = p.poll(now)) out.push(o);
  return out;
}

describe("PacedSender", () => {
  it("without a rate, everything leaves at once, in order", () => {
    const p = new PacedSender();
    p.enqueue(0, pkt("video", 1000, 1));
    p.enqueue(0, pkt("video", 1000, 1));
    expect(drain(p, 0)).toHaveLength(2);
    expect(p.counters.delayed).toBe(0);
  });

  it("at a rate, bytes leave at that rate (5 ms bursts), audio before retransmissions before video", () => {
    const p = new PacedSender();
    p.setRate(0, 800_000); // 100 octets per ms, 500-octet burst
    for (let i = 0; i < 5; i++) p.enqueue(0, pkt("video", 1000, i));
    p.enqueue(0, pkt("retransmission", 1000));
    p.enqueue(0, pkt("audio", 100));
    const first = drain(p, 0);
    expect(first.map((o) => (o.kind === "packet" ? o.packet.cls : "pad"))).toEqual([
      "audio",
      "retransmission",
    ]);
    let sent = 0;
    const times: number[] = [];
    for (let now = 1; now <= 100 && p.size > 0; now++) {
      const out = drain(p, now);
      sent += out.length;
      for (const _ of out) times.push(now);
    }
    expect(sent).toBe(5);
    // 1000 octets at 100 per ms: one every ~10 ms
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(9);
  });

  it("drops a video frame whole when it waited past the bound, and says so; audio is never dropped for age", () => {
    const p = new PacedSender({ maxVideoQueueMs: 100 });
    p.setRate(0, 8000); // 1 octet per ms: everything waits
    p.enqueue(0, pkt("video", 500, 7));
    p.enqueue(0, pkt("video", 500, 7));
    p.enqueue(0, pkt("audio", 50));
    p.enqueue(50, pkt("video", 500, 8, "v2"));
    expect(drain(p, 0).map((o) => o.kind === "packet" && o.packet.cls)).toEqual(["audio"]);
    // at 120 ms frame 7 has waited 120 ms: gone; frame 8 (70 ms) is next
    const later = drain(p, 120);
    expect(later.map((o) => o.kind === "packet" && o.packet.mid)).toEqual(["v2"]);
    const d = p.pollDroppedFrame();
    expect(d?.mid).toBe("v");
    expect(d?.packets).toHaveLength(2);
    expect(p.pollDroppedFrame()).toBeUndefined();
    expect(p.counters).toMatchObject({ droppedFrames: 1, droppedPackets: 2 });
    expect(p.size).toBe(0);
  });

  it("purges a removed sender's packets (nothing may follow its BYE)", () => {
    const p = new PacedSender();
    p.setRate(0, 8000);
    p.enqueue(0, pkt("video", 100, 1, "v"));
    p.enqueue(0, pkt("video", 100, 1, "w"));
    p.enqueue(0, pkt("retransmission", 100, 0, "v"));
    p.purge("v");
    expect(p.size).toBe(1);
    expect(drain(p, 300).map((o) => o.kind === "packet" && o.packet.mid)).toEqual(["w"]);
  });

  it("over its packet bound, drops the oldest video frame first, then audio", () => {
    const p = new PacedSender({ maxQueuePackets: 3 });
    p.setRate(0, 8000);
    p.enqueue(0, pkt("audio", 10));
    p.enqueue(0, pkt("video", 10, 1));
    p.enqueue(0, pkt("video", 10, 1));
    p.enqueue(0, pkt("audio", 10)); // 4 > 3: video frame 1 goes (both packets)
    expect(p.size).toBe(2);
    expect(p.counters.droppedFrames).toBe(1);
    p.enqueue(0, pkt("audio", 10));
    p.enqueue(0, pkt("audio", 10)); // 4 > 3, no video: the oldest audio goes
    expect(p.size).toBe(3);
  });

  it("sends a probe cluster at its rate: queued media first, then padding, tagged with its id", () => {
    const p = new PacedSender();
    p.setRate(0, 100_000);
    p.enqueue(0, pkt("video", 255, 1));
    p.startProbe({ id: 4, bitrateBps: 1_020_000, minBytes: 1020, minPackets: 4 });
    expect(p.pollTimeout()).toBe(0);
    const out: [number, PacedOutput][] = [];
    for (let now = 0; now <= 20; now++) for (const o of drain(p, now)) out.push([now, o]);
    expect(out.every(([, o]) => o.probeCluster === 4)).toBe(true);
    expect(out[0]?.[1].kind).toBe("packet");
    expect(out.slice(1).map(([, o]) => o.kind)).toEqual(["padding", "padding", "padding"]);
    // 255 octets at 127.5 per ms: 2 ms apart
    expect(out.map(([t]) => t)).toEqual([0, 2, 4, 6]);
    expect(p.counters).toMatchObject({ probes: 1, paddingBytes: 765 });
  });

  it("property: at a rate, in any window, bytes out ≤ rate × window + burst + one packet; all leave, in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8_000, max: 5_000_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 1500 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (bps, raw) => {
          const arrivals = raw
            .map(([t, n], k) => [t, pkt("video", n, k)] as const)
            .sort((x, y) => x[0] - y[0]);
          const p = new PacedSender({ maxVideoQueueMs: 1e9 });
          p.setRate(0, bps);
          const out: [number, PacedPacket][] = [];
          let i = 0;
          let now = 0;
          for (let steps = 0; steps < 1_000_000; steps++) {
            while (i < arrivals.length && (arrivals[i]?.[0] ?? Infinity) <= now)
              p.enqueue(now, arrivals[i++]?.[1] as PacedPacket);
            for (const o of drain(p, now)) if (o.kind === "packet") out.push([now, o.packet]);
            const next = Math.min(p.pollTimeout() ?? Infinity, arrivals[i]?.[0] ?? Infinity);
            if (next === Infinity) break;
            now = Math.max(now + (next <= now ? 1 : 0), next);
          }
          expect(out.map(([, x]) => x)).toEqual(arrivals.map(([, x]) => x));
          const perMs = bps / 8000;
          for (let a = 0; a < out.length; a++) {
            let sum = 0;
            for (let b = a; b < out.length; b++) {
              sum += out[b]?.[1].bytes.length ?? 0;
              const span = (out[b]?.[0] ?? 0) - (out[a]?.[0] ?? 0);
              expect(sum).toBeLessThanOrEqual(
                perMs * span + perMs * 5 + 1500 + 1e-6 + (out[b]?.[1].bytes.length ?? 0),
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
