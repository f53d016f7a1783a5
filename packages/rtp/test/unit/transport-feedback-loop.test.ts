/**
 * The two machines of transport-wide CC: the receiver's feedback generator and the sender's send history,
 * joined through the wire codec (encode → decode), as the two ends of a call would be.
 */
import { describe, expect, it } from "vitest";
import {
  decodeRtcpCompound,
  encodeRtcpPacket,
  PacketStatus,
  TransportFeedbackGenerator,
  TransportSendHistory,
  type TransportWideFeedback,
} from "../../src/index.js";

function drain(g: TransportFeedbackGenerator): TransportWideFeedback[] {
  const out: TransportWideFeedback[] = [];
  for (let f = g.pollFeedback(); f; f = g.pollFeedback()) out.push(f);
  return out;
}

/** Through the wire: what the sender decodes is what the receiver made. */
function wire(f: TransportWideFeedback): TransportWideFeedback {
  const r = decodeRtcpCompound(encodeRtcpPacket(f));
  if (!r.ok) throw new Error(r.error.code);
  return r.value[0] as TransportWideFeedback;
}

describe("TransportFeedbackGenerator", () => {
  it("reports every packet with its arrival once per interval (100 ms at a low rate), in 250 µs ticks from a 64 ms reference", () => {
    const g = new TransportFeedbackGenerator({ senderSsrc: 9 });
    expect(g.pollTimeout()).toBeUndefined();
    g.handlePacket(1000.3, 10, 0xabc, 100);
    expect(g.pollTimeout()).toBe(1100.3);
    g.handlePacket(1010, 11, 0xabc, 100);
    g.handlePacket(1030.6, 12, 0xabc, 100);
    g.handleTimeout(1100);
    expect(drain(g)).toEqual([]);
    g.handleTimeout(1100.3);
    const [f, more] = drain(g);
    expect(more).toBeUndefined();
    expect(f).toMatchObject({
      senderSsrc: 9,
      mediaSsrc: 0xabc,
      baseSequenceNumber: 10,
      referenceTime: 15, // floor(1000.3 / 64)
      feedbackPacketCount: 0,
      statuses: [PacketStatus.SmallDelta, PacketStatus.SmallDelta, PacketStatus.SmallDelta],
    });
    // 1000.3 - 960 = 40.3 ms = 161.2 ticks → 161; then 1010 - 1000.25 = 9.75 ms = 39 ticks; 20.6 ms → 82
    expect(f?.deltas).toEqual([161, 39, 82]);
    expect(g.pollTimeout()).toBeUndefined();
    g.handlePacket(1200, 13, 0xabc, 100);
    expect(g.pollTimeout()).toBe(1200.3); // one interval after the last feedback
    g.handleTimeout(1200.3);
    expect(drain(g).map((x) => [x.baseSequenceNumber, x.feedbackPacketCount])).toEqual([[13, 1]]);
  });

  it("goes out at once when packets go missing in a burst, and marks them not received", () => {
    const g = new TransportFeedbackGenerator({ senderSsrc: 1 });
    g.handlePacket(0, 100, 5, 1000);
    g.handlePacket(1, 101, 5, 1000);
    g.handlePacket(2, 102, 5, 1000);
    expect(g.pollTimeout()).toBe(100);
    g.handlePacket(3, 106, 5, 1000); // 103–105 missing
    expect(g.pollTimeout()).toBe(3);
    expect(g.counters.lossBurstFeedback).toBe(1);
    g.handleTimeout(3);
    const [f] = drain(g);
    const N = PacketStatus.NotReceived;
    const S = PacketStatus.SmallDelta;
    expect(f?.statuses).toEqual([S, S, S, N, N, N, S]);
  });

  it("reports a late packet again from its sequence number, and a negative delta as a large one", () => {
    const g = new TransportFeedbackGenerator({ senderSsrc: 1, lossBurstPackets: 100 });
    g.handlePacket(0, 1, 5, 100);
    g.handlePacket(10, 3, 5, 100);
    g.handleTimeout(100);
    const [a] = drain(g);
    expect(a?.statuses).toEqual([PacketStatus.SmallDelta, PacketStatus.NotReceived, PacketStatus.SmallDelta]);
    g.handlePacket(105, 2, 5, 100); // late
    g.handlePacket(106, 4, 5, 100);
    g.handleTimeout(200);
    const [b] = drain(g);
    expect(b?.baseSequenceNumber).toBe(2);
    // 2 at 105 ms, 3 at 10 ms (negative), 4 at 106 ms (96 ms after 3: past one octet's 63.75 ms)
    expect(b?.statuses).toEqual([PacketStatus.SmallDelta, PacketStatus.LargeDelta, PacketStatus.LargeDelta]);
    // packet 3 arrived at 10 ms, before packet 2 (105 ms): negative
    expect(b?.deltas[1]).toBeLessThan(0);
    expect(g.counters.duplicates).toBe(0);
    g.handlePacket(107, 4, 5, 100);
    expect(g.counters.duplicates).toBe(1);
  });

  it("splits a report whose gap does not fit a 16-bit delta (over 8.19 s), and across the 16-bit wrap", () => {
    const g = new TransportFeedbackGenerator({ senderSsrc: 1, lossBurstPackets: 100 });
    g.handlePacket(0, 65534, 5, 100);
    g.handlePacket(1, 65535, 5, 100);
    g.handlePacket(9000, 0, 5, 100);
    g.handleTimeout(9000);
    const fs = drain(g);
    expect(fs.map((f) => [f.baseSequenceNumber, f.statuses.length])).toEqual([
      [65534, 2],
      [0, 1],
    ]);
  });

  it("feedback gets faster (down to 50 ms) when more arrives, to stay near 5 % of it", () => {
    const g = new TransportFeedbackGenerator({ senderSsrc: 1 });
    let seq = 0;
    for (let t = 0; t < 1000; t += 2) {
      g.handlePacket(t, seq++, 5, 1200); // 4.8 Mbit/s
      const at = g.pollTimeout();
      if (at !== undefined && at <= t) g.handleTimeout(t);
      drain(g);
    }
    expect(g.intervalMs).toBe(50);
    const slow = new TransportFeedbackGenerator({ senderSsrc: 1 });
    for (let t = 0; t < 1000; t += 50) {
      slow.handlePacket(t, seq++, 5, 200);
      const at = slow.pollTimeout();
      if (at !== undefined && at <= t) slow.handleTimeout(t);
    }
    expect(slow.intervalMs).toBe(100);
  });

  it("a packet from before the 16-bit wrap (unwrapped below zero) is a packet, not an empty slot", () => {
    const g = new TransportFeedbackGenerator({ senderSsrc: 1, lossBurstPackets: 100 });
    g.handlePacket(0, 0, 5, 100);
    g.handlePacket(1, 65535, 5, 100); // unwrapped −1: late
    expect(g.counters.duplicates).toBe(0);
    g.handleTimeout(200);
    const [f] = drain(g);
    expect(f?.baseSequenceNumber).toBe(65535);
    expect(f?.statuses).toEqual([PacketStatus.SmallDelta, PacketStatus.LargeDelta]); // 65535 at 1 ms, then 0 at 0 ms
  });

  it("keeps each feedback packet under the size bound", () => {
    const g = new TransportFeedbackGenerator({
      senderSsrc: 1,
      maxFeedbackBytes: 200,
      lossBurstPackets: 1000,
    });
    for (let i = 0; i < 500; i++) g.handlePacket(i * 0.1 + (i % 2) * 70, i, 5, 100);
    g.handleTimeout(1000);
    const fs = drain(g);
    expect(fs.length).toBeGreaterThan(2);
    for (const f of fs) expect(encodeRtcpPacket(f).length).toBeLessThanOrEqual(200);
    expect(fs.reduce((n, f) => n + f.statuses.length, 0)).toBe(500);
  });
});

describe("TransportSendHistory ← feedback", () => {
  it("gives each packet's send time, size, tag and arrival; lost ones without arrival; in flight counted", () => {
    const h = new TransportSendHistory(65533);
    const g = new TransportFeedbackGenerator({ senderSsrc: 1, lossBurstPackets: 100 });
    const sent: number[] = [];
    for (let i = 0; i < 6; i++) {
      const seq = h.allocate();
      sent.push(seq);
      h.handleSent(i * 10, seq, 1000 + i, i === 2 ? 7 : -1);
      if (i !== 3) g.handlePacket(50 + i * 12, seq, 5, 1000);
    }
    expect(sent).toEqual([65533, 65534, 65535, 0, 1, 2]);
    expect(h.inFlightBytes).toBe(6015);
    g.handleTimeout(1000);
    const fb = drain(g).map(wire);
    const results = fb.flatMap((f) => h.handleFeedback(f));
    expect(results.map((r) => [r.sequenceNumber, r.sendTimeMs, r.sizeBytes, r.tag])).toEqual([
      [65533, 0, 1000, -1],
      [65534, 10, 1001, -1],
      [65535, 20, 1002, 7],
      [65536, 30, 1003, -1],
      [65537, 40, 1004, -1],
      [65538, 50, 1005, -1],
    ]);
    const arrivals = results.map((r) => r.arrivalTimeMs);
    expect(arrivals[3]).toBeUndefined();
    const base = arrivals[0] as number;
    expect(arrivals.map((a) => (a === undefined ? undefined : a - base))).toEqual([
      0,
      12,
      24,
      undefined,
      48,
      60,
    ]);
    expect(h.inFlightBytes).toBe(0);
    // The same feedback again: nothing new
    expect(fb.flatMap((f) => h.handleFeedback(f))).toEqual([]);
    expect(h.counters.duplicate).toBe(5);
  });

  it("a packet reported lost and later received comes back with its arrival", () => {
    const h = new TransportSendHistory(0);
    const g = new TransportFeedbackGenerator({ senderSsrc: 1, lossBurstPackets: 100 });
    for (let i = 0; i < 3; i++) h.handleSent(i, h.allocate(), 100);
    g.handlePacket(10, 0, 5, 100);
    g.handlePacket(12, 2, 5, 100);
    g.handleTimeout(200);
    const first = drain(g)
      .map(wire)
      .flatMap((f) => h.handleFeedback(f));
    expect(first.map((r) => r.arrivalTimeMs === undefined)).toEqual([false, true, false]);
    g.handlePacket(220, 1, 5, 100);
    g.handleTimeout(400);
    const second = drain(g)
      .map(wire)
      .flatMap((f) => h.handleFeedback(f));
    expect(second.map((r) => [r.sequenceNumber, r.arrivalTimeMs !== undefined])).toEqual([[1, true]]);
  });

  it("counts feedback about packets it never sent", () => {
    const h = new TransportSendHistory(0);
    h.handleSent(0, h.allocate(), 100);
    const out = h.handleFeedback({
      type: "twcc",
      senderSsrc: 1,
      mediaSsrc: 2,
      baseSequenceNumber: 40000,
      referenceTime: 0,
      feedbackPacketCount: 0,
      statuses: [PacketStatus.SmallDelta],
      deltas: [1],
    });
    expect(out).toEqual([]);
    expect(h.counters.unknown).toBe(1);
  });
});
