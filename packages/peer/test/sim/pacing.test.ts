/**
 * Pacing (`pacingBitrateBps`): two Tern peers over the simulated network; A's media leaves at most at the
 * configured rate (a token bucket with 10 ms bursts) instead of a frame's packets in one burst, and every
 * frame still arrives byte-identical. Without pacing the same clip leaves in bursts over that bound.
 */
import { generateCertificate } from "@tern/dtls-srtp";
import { runFor, runUntil } from "@tern/ice/testing";
import { describe, expect, it } from "vitest";
import type { LocalTransceiver } from "../../src/sdp/index.js";
import { vp8Clip } from "../interop/media-fixtures.js";
import { simPair } from "./sim-peer.js";

const certificates = Promise.all([generateCertificate(), generateCertificate()]);
const RATE_BPS = 200_000;

function video(ssrc: number, cname: string): LocalTransceiver[] {
  return [
    {
      mid: "0",
      kind: "video",
      direction: "sendrecv",
      sender: { ssrc, rtxSsrc: ssrc + 1, cname, streamIds: [cname], trackId: `${cname}-v` },
    },
  ];
}

/** Sends the clip from A to B (a frame every 66 ms); returns A's SRTP datagrams as [time, bytes]. */
async function sendClip(pacingBitrateBps: number | undefined) {
  const { net, a, b } = simPair({
    seed: 7,
    lossRate: 0,
    delayMs: [5, 5],
    certificates: await certificates,
    transceiversA: video(0x1000, "A"),
    transceiversB: video(0x2000, "B"),
    sessionA: pacingBitrateBps === undefined ? {} : { pacingBitrateBps },
  });
  runUntil(net, () => a.dtlsConnected && b.dtlsConnected, { maxSteps: 20_000, maxTimeMs: 20_000 });
  const sent: [number, number][] = [];
  const poll = a.session.pollTransmit.bind(a.session);
  a.session.pollTransmit = () => {
    const d = poll();
    // RTP, not RTCP (RFC 5761 §4: RTCP packet types 200–204 read as payload types 72–76)
    const pt = (d?.[1] ?? 0) & 0x7f;
    if (d && (d[0] ?? 0) >= 128 && (pt < 64 || pt > 95)) sent.push([net.now(), d.length]);
    return d;
  };
  const clip = vp8Clip();
  const t0 = net.now();
  clip.forEach((f, i) => {
    runFor(net, t0 + i * 66 - net.now());
    expect(a.sendFrame(net.now(), "0", f.data, f.rtpTimestamp)).toBe(true);
  });
  runFor(net, 3000);
  return { clip, sent, received: b.frames, pacer: a.session.pacer };
}

/** The most bytes in any window of `ms`. */
function peak(sent: readonly [number, number][], ms: number): number {
  let best = 0;
  for (let i = 0; i < sent.length; i++) {
    let sum = 0;
    for (let j = i; j < sent.length && (sent[j]?.[0] ?? 0) < (sent[i]?.[0] ?? 0) + ms; j++)
      sum += sent[j]?.[1] ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}

describe("pacing", () => {
  it("keeps A's media under the rate in every 50 ms window, and every frame arrives byte-identical", async () => {
    const { clip, sent, received, pacer } = await sendClip(RATE_BPS);
    expect(sent.length).toBeGreaterThanOrEqual(clip.length);
    expect(received.map((f) => Buffer.from(f.data))).toEqual(clip.map((f) => Buffer.from(f.data)));
    const bytesPerMs = RATE_BPS / 8000;
    // the rate over the window, the 10 ms burst, and the one packet a positive budget lets through
    const bound = bytesPerMs * 50 + bytesPerMs * 10 + 1300;
    expect(peak(sent, 50)).toBeLessThanOrEqual(bound);
    expect(pacer.counters.delayed).toBeGreaterThan(0);
    expect(pacer.counters.droppedPackets).toBe(0);
  });

  it("without pacing, the same clip leaves in bursts over that bound (what the pacer smooths)", async () => {
    const { clip, sent, received, pacer } = await sendClip(undefined);
    expect(received).toHaveLength(clip.length);
    expect(pacer.rateBps).toBeUndefined(); // no transport-wide CC negotiated here, no fixed rate
    expect(pacer.counters.delayed).toBe(0);
    const bytesPerMs = RATE_BPS / 8000;
    expect(peak(sent, 50)).toBeGreaterThan(bytesPerMs * 50 + bytesPerMs * 10 + 1300);
  });
});
