import { describe, expect, it } from "vitest";
import { CongestionWindow } from "../../src/machine/congestion-window.js";

const MTU = 1200;

describe("congestion window (RFC 9260 §7.2)", () => {
  it("§7.2.1: initial cwnd = min(4*MTU, max(2*MTU, 4404)), ssthresh = peer's a_rwnd", () => {
    expect(new CongestionWindow(1200, 1 << 20).cwnd).toBe(4404);
    expect(new CongestionWindow(1000, 1 << 20).cwnd).toBe(4000);
    expect(new CongestionWindow(3000, 1 << 20).cwnd).toBe(6000);
    expect(new CongestionWindow(1200, 1 << 20).ssthresh).toBe(1 << 20);
  });

  it("slow start grows by min(bytes acked, MTU) per SACK that advances the cumulative ack with cwnd full", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    const w = c.cwnd;
    c.onSack(2400, true, w, 10, w - 2400);
    expect(c.cwnd).toBe(w + MTU);
    c.onSack(500, true, c.cwnd, 11, 0);
    expect(c.cwnd).toBe(w + MTU + 500);
  });

  it("slow start does not grow when cwnd was not fully used, or the cumulative ack did not move", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    const w = c.cwnd;
    c.onSack(1000, true, 1000, 5, 0);
    expect(c.cwnd).toBe(w);
    c.onSack(1000, false, w, 5, w - 1000);
    expect(c.cwnd).toBe(w);
  });

  it("§7.2.2 congestion avoidance: one MTU per cwnd of acked bytes", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    c.onRetransmissionTimeout(); // cwnd = MTU, ssthresh = 4*MTU
    for (let i = 0; i < 10 && c.cwnd <= c.ssthresh; i++) c.onSack(MTU, true, c.cwnd, i, c.cwnd);
    const w = c.cwnd;
    expect(w).toBeGreaterThan(c.ssthresh);
    c.onSack(w - 1, true, w, 100, w);
    expect(c.cwnd).toBe(w);
    expect(c.partialBytesAcked).toBe(w - 1);
    c.onSack(1, true, w, 101, w);
    expect(c.cwnd).toBe(w + MTU);
    expect(c.partialBytesAcked).toBe(0);
    c.onSack(100, true, w, 102, 0);
    expect(c.partialBytesAcked).toBe(0);
  });

  it("§7.2.3 T3-rtx: ssthresh = max(cwnd/2, 4*MTU), cwnd = 1 MTU", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    c.onRetransmissionTimeout();
    expect(c.ssthresh).toBe(4 * MTU);
    expect(c.cwnd).toBe(MTU);
  });

  it("§7.2.4 fast recovery: one reduction per window, no growth inside, exit at the recorded TSN", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    for (let i = 0; i < 40; i++) c.onSack(MTU, true, c.cwnd, i, c.cwnd);
    const w = c.cwnd;
    expect(c.onFastRetransmit(500)).toBe(true);
    expect(c.cwnd).toBe(w / 2);
    expect(c.ssthresh).toBe(w / 2);
    expect(c.onFastRetransmit(600)).toBe(false);
    expect(c.cwnd).toBe(w / 2);
    c.onSack(MTU, true, c.cwnd, 499, c.cwnd);
    expect(c.inFastRecovery).toBe(true);
    expect(c.cwnd).toBe(w / 2);
    c.onSack(MTU, true, c.cwnd, 500, c.cwnd);
    expect(c.inFastRecovery).toBe(false);
  });

  it("a spurious fast retransmit is undone (RFC 4015 response); a T3 expiry cannot be", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    for (let i = 0; i < 40; i++) c.onSack(MTU, true, c.cwnd, i, c.cwnd);
    const w = c.cwnd;
    const s = c.ssthresh;
    c.onFastRetransmit(500);
    expect(c.undoFastRetransmit()).toBe(true);
    expect(c.cwnd).toBe(w);
    expect(c.ssthresh).toBe(s);
    expect(c.inFastRecovery).toBe(false);
    expect(c.undoFastRetransmit()).toBe(false);
    c.onFastRetransmit(600);
    c.onRetransmissionTimeout();
    expect(c.undoFastRetransmit()).toBe(false);
    expect(c.cwnd).toBe(MTU);
  });

  it("§7.2.1 idle: halves per RTO down to 4*MTU", () => {
    const c = new CongestionWindow(MTU, 1 << 20);
    for (let i = 0; i < 40; i++) c.onSack(MTU, true, c.cwnd, i, c.cwnd);
    const w = c.cwnd;
    c.onIdle(1);
    expect(c.cwnd).toBe(Math.max(w / 2, 4 * MTU));
    c.onIdle(50);
    expect(c.cwnd).toBe(4 * MTU);
  });
});
