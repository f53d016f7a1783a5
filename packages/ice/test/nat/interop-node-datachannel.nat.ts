/**
 * NAT traversal, node-datachannel (libdatachannel: libjuice ICE, OpenSSL DTLS, libsrtp; controlling, it
 * offers) ↔ Tern (a @tern/peer PeerConnection, controlled, it answers), in the lab of ../natlab. Real
 * media: SDP offer/answer and trickled candidates through the runner, DTLS-SRTP, and the VP8 clip both
 * ways — node-datachannel's RTP packetized by @tern/rtp and sent through its track, what it receives
 * rebuilt with werift's depacketizer (natlab/peer-ndc-media.ts). What is asserted: both connected on one path
 * with the expected candidate types, and every frame arrived byte-identical both ways. Run with
 * `pnpm test:nat` (root).
 */
import { describe, expect, it } from "vitest";
import { coturnLog, setNatMode } from "../natlab/lab.js";
import type { MediaReport, PeerReport } from "../natlab/peer-protocol.js";
import { describe as describeRun, runScenario, type ScenarioResult } from "../natlab/scenario.js";

/** Frames each way: the 15-frame clip three times. */
const VIDEO_PASSES = 3;
const FRAMES = VIDEO_PASSES * 15;

function why(r: ScenarioResult): string {
  return `${describeRun(r)}\n${r.log}\n${coturnLog(20)}`;
}

function endpoint(c: { address: string; port: number } | undefined): string {
  return c ? `${c.address}:${c.port}` : "none";
}

function mediaOf(r: ScenarioResult, p: PeerReport): MediaReport {
  expect(p.media, why(r)).toBeDefined();
  return p.media as MediaReport;
}

function expectConnectedWithVideoBothWays(r: ScenarioResult): void {
  expect(r.a.impl).toBe("node-datachannel-media");
  expect(r.b.impl).toBe("tern-media");
  for (const p of [r.a, r.b]) {
    expect(p.connectedMs, why(r)).toBeDefined();
    expect(p.failedMs, why(r)).toBeUndefined();
  }
  expect(endpoint(r.a.pair?.local), why(r)).toBe(endpoint(r.b.pair?.remote));
  expect(endpoint(r.b.pair?.local), why(r)).toBe(endpoint(r.a.pair?.remote));
  // Tern says what DTLS-SRTP negotiated with OpenSSL/libsrtp (node-datachannel does not).
  expect(mediaOf(r, r.b).srtpProfile, why(r)).toMatch(/^SRTP_/);
  for (const p of [r.a, r.b]) {
    const m = mediaOf(r, p);
    expect(m.framesSent, why(r)).toBe(FRAMES);
    expect(m.framesIdentical, why(r)).toBe(FRAMES);
    expect(m.framesReceived, why(r)).toBe(FRAMES);
    expect(m.framesCorrupt, why(r)).toBe(0);
  }
}

describe("node-datachannel ↔ Tern across NATs, VP8 both ways", () => {
  it("symmetric ↔ symmetric with STUN + TURN/UDP: connects through the relay", async () => {
    setNatMode("nat-a", "symmetric");
    setNatMode("nat-b", "symmetric");
    const r = await runScenario({
      a: { impl: "node-datachannel-media", host: "host-a", role: "controlling", stun: true, turn: "udp" },
      b: { impl: "tern-media", host: "host-b", role: "controlled", stun: true, turn: "udp" },
      videoPasses: VIDEO_PASSES,
      timeoutMs: 15_000,
    });
    console.log(describeRun(r));
    expectConnectedWithVideoBothWays(r);
    expect([r.a.pair?.local.type, r.b.pair?.local.type], why(r)).toContain("relay");
  });

  it("relay-only policy over TURN/UDP: relay ↔ relay", async () => {
    setNatMode("nat-a", "symmetric");
    setNatMode("nat-b", "symmetric");
    const r = await runScenario({
      a: {
        impl: "node-datachannel-media",
        host: "host-a",
        role: "controlling",
        turn: "udp",
        policy: "relay",
      },
      b: { impl: "tern-media", host: "host-b", role: "controlled", turn: "udp", policy: "relay" },
      videoPasses: VIDEO_PASSES,
      timeoutMs: 15_000,
    });
    console.log(describeRun(r));
    expectConnectedWithVideoBothWays(r);
    for (const p of [r.a, r.b]) {
      expect(p.pair?.local.type, why(r)).toBe("relay");
      expect(p.pair?.remote.type, why(r)).toBe("relay");
    }
  });
});
