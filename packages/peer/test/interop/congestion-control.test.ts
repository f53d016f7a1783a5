/**
 * Congestion control through the public API, Tern ↔ Tern on loopback: the `bandwidthestimate` event,
 * getStats' `availableOutgoingBitrate` (candidate pair) and `targetBitrate` (outbound-rtp), and a sender's
 * `maxBitrate` capping its share of the estimate and the estimator's probes.
 */
import { withTimeout } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import type { BandwidthEstimate } from "../../src/machine/congestion-controller.js";
import { LocalTrack } from "../../src/node/media-track.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { bothConnected, closeAll, flows, negotiate, remoteTracks, ternPeer, trickle } from "./tern-pair.js";

describe("congestion control between two Tern peer connections", () => {
  it("refuses congestion-control settings that make no sense (RangeError)", () => {
    expect(() => new PeerConnection({ congestionControl: { startBitrateBps: 0 } })).toThrow(RangeError);
    expect(
      () => new PeerConnection({ congestionControl: { minBitrateBps: 2e6, maxBitrateBps: 1e6 } }),
    ).toThrow(RangeError);
    expect(
      () => new PeerConnection({ congestionControl: { startBitrateBps: 5e6, maxBitrateBps: 1e6 } }),
    ).toThrow(RangeError);
    expect(() => new PeerConnection({ congestionControl: { pacingFactor: 0.5 } })).toThrow(RangeError);
    expect(() => new PeerConnection({ congestionControl: { maxBitrateBps: Number.NaN } })).toThrow(
      RangeError,
    );
    void new PeerConnection({ congestionControl: { startBitrateBps: 500_000, pacingFactor: 1.5 } }).close();
  });

  it("congestionControl: false offers and accepts no transport-wide CC; media then leaves unpaced", async () => {
    const a = ternPeer({ congestionControl: false });
    const b = ternPeer();
    try {
      trickle(a, b);
      const video = new LocalTrack("video");
      a.addTrack(video);
      const remotes = remoteTracks(b);
      const { offer, answer } = await negotiate(a, b);
      expect(offer).not.toContain("transport-wide-cc");
      expect(offer).not.toContain("transport-cc");
      expect(answer).not.toContain("transport-wide-cc");
      await bothConnected(a, b);
      await withTimeout(
        (async () => {
          while (remotes.length === 0) await new Promise((r) => setTimeout(r, 10));
        })(),
        5000,
        "remote track",
      );
      await flows(video, remotes[0] as (typeof remotes)[number], 5);
      expect(a.bundle.session?.congestion.enabled).toBe(false);
      expect(a.bundle.session?.pacer.rateBps).toBeUndefined();
      expect(b.bundle.session?.congestion.feedbackGenerator.counters.packets).toBe(0);
      // and as the answerer it refuses the offer's
      const c = ternPeer();
      const d = ternPeer({ congestionControl: false });
      c.addTrack(new LocalTrack("video"));
      const both = await negotiate(c, d);
      expect(both.offer).toContain("transport-wide-cc");
      expect(both.answer).not.toContain("transport-wide-cc");
      await closeAll(c, d);
    } finally {
      await closeAll(a, b);
    }
  });

  it("emits bandwidthestimate, reports availableOutgoingBitrate and targetBitrate, and keeps a sender within its maxBitrate", async () => {
    const a = ternPeer();
    const b = ternPeer();
    try {
      trickle(a, b);
      const estimates: BandwidthEstimate[] = [];
      a.on("bandwidthestimate", (e) => estimates.push(e));
      const video = new LocalTrack("video");
      const t = a.addTrack(video);
      const remotes = remoteTracks(b);
      const { offer, answer } = await negotiate(a, b);
      expect(offer).toContain("transport-wide-cc-extensions-01");
      expect(answer).toContain("transport-wide-cc-extensions-01");
      await bothConnected(a, b);
      await withTimeout(
        (async () => {
          while (remotes.length === 0) await new Promise((r) => setTimeout(r, 10));
        })(),
        5000,
        "remote track",
      );
      await flows(video, remotes[0] as (typeof remotes)[number], 20);
      expect(estimates.length).toBeGreaterThan(0);
      const first = estimates[0] as BandwidthEstimate;
      expect(first.senders.map((s) => s.mid)).toEqual([t.mid]);
      expect(first.targetBitrateBps).toBeGreaterThan(0);

      const stats = [...(await a.getStats()).values()];
      const pair = stats.find((s) => s.type === "candidate-pair");
      const out = stats.find((s) => s.type === "outbound-rtp");
      expect(pair?.availableOutgoingBitrate).toBe(a.bundle.session?.congestion.estimator.targetBitrateBps);
      expect(out?.targetBitrate).toBeGreaterThan(0);

      // maxBitrate: the sender's share (and the estimator's ceiling, probes included) is capped by it
      const params = t.sender.parameters;
      a.setSenderParameters(t, { ...params, maxBitrate: 150_000 });
      const capped = [...(await a.getStats()).values()].find((s) => s.type === "outbound-rtp");
      expect(capped?.targetBitrate).toBeLessThanOrEqual(150_000);
      expect(a.bundle.session?.congestion.senderTarget(t.mid as string)).toBeLessThanOrEqual(150_000);
      expect(estimates.at(-1)?.senders[0]?.targetBitrateBps).toBeLessThanOrEqual(150_000);

      // the other way: B heard A's packets numbered and sent feedback (libwebrtc's cadence)
      const g = b.bundle.session?.congestion.feedbackGenerator;
      expect(g?.counters.packets).toBeGreaterThan(0);
      expect(g?.counters.feedback).toBeGreaterThan(0);
      expect(a.bundle.session?.congestion.estimator.counters.feedbackPackets).toBeGreaterThan(0);
    } finally {
      await closeAll(a, b);
    }
  });
});
