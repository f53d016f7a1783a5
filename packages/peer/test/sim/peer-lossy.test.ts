/**
 * Two Tern peers over @tern/ice's simulated network (manual clock, seeded loss and delay): they negotiate,
 * connect (ICE, DTLS-SRTP), and exchange audio and video; with 5 % loss both ways NACK + RTX repairs the
 * video, and NACK (plain retransmission, as negotiated between Tern peers) the audio, so every frame
 * arrives, byte-identical.
 */
import { generateCertificate } from "@tern/dtls-srtp";
import { runFor, runUntil } from "@tern/ice/testing";
import { describe, expect, it } from "vitest";
import type { LocalTransceiver } from "../../src/sdp/index.js";
import { opusClip, vp8Clip } from "../interop/media-fixtures.js";
import { simPair } from "./sim-peer.js";

const certificates = Promise.all([generateCertificate(), generateCertificate()]);

function transceivers(ssrcBase: number, cname: string): LocalTransceiver[] {
  return [
    {
      mid: "0",
      kind: "video",
      direction: "sendrecv",
      sender: { ssrc: ssrcBase + 1, rtxSsrc: ssrcBase + 2, cname, streamIds: [cname], trackId: `${cname}-v` },
    },
    {
      mid: "1",
      kind: "audio",
      direction: "sendrecv",
      sender: { ssrc: ssrcBase + 3, cname, streamIds: [cname], trackId: `${cname}-a` },
    },
  ];
}

async function pair(seed: number, lossRate: number) {
  return simPair({
    seed,
    lossRate,
    delayMs: [10, 30],
    certificates: await certificates,
    transceiversA: transceivers(0x1000, "A"),
    transceiversB: transceivers(0x2000, "B"),
  });
}

describe("Tern peers over a simulated lossy network", () => {
  it("connect and exchange audio and video, clean link: every frame arrives both ways", async () => {
    const { net, a, b } = await pair(1, 0);
    runUntil(net, () => a.dtlsConnected && b.dtlsConnected, { maxSteps: 20_000, maxTimeMs: 20_000 });
    expect(a.session.srtpProfile).toBe("SRTP_AES128_CM_HMAC_SHA1_80");
    const video = vp8Clip();
    const audio = opusClip();
    const t0 = net.now();
    video.forEach((f, i) => {
      runFor(net, t0 + i * 66 - net.now());
      expect(a.sendFrame(net.now(), "0", f.data, f.rtpTimestamp)).toBe(true);
      b.sendFrame(net.now(), "0", f.data, f.rtpTimestamp);
    });
    for (const f of audio) {
      a.sendFrame(net.now(), "1", f.data, f.rtpTimestamp);
      b.sendFrame(net.now(), "1", f.data, f.rtpTimestamp);
      runFor(net, 20);
    }
    runFor(net, 2000);
    for (const p of [a, b]) {
      expect(p.frames.filter((f) => f.mid === "0").map((f) => Buffer.from(f.data))).toEqual(
        video.map((f) => Buffer.from(f.data)),
      );
      expect(p.frames.filter((f) => f.mid === "1").map((f) => Buffer.from(f.data))).toEqual(
        audio.map((f) => Buffer.from(f.data)),
      );
    }
  });

  it("5 % loss both ways: NACK + RTX repair the video, every frame arrives byte-identical", async () => {
    for (const seed of [11, 12, 13]) {
      const { net, a, b } = await pair(seed, 0.05);
      runUntil(net, () => a.dtlsConnected && b.dtlsConnected, { maxSteps: 50_000, maxTimeMs: 30_000 });
      const video = vp8Clip();
      // A first pass lets the receiver learn the stream (a lost *first* packet is invisible to NACK, RFC 4585
      // §6.2.1 can only name gaps); the second pass is the one that must arrive whole; a tail after it makes
      // losses in its last frame visible as gaps too.
      const passes = 3;
      // each pass continues the clip's timeline (15 fps at 90 kHz: 6000 ticks a frame)
      const period = ((video[1]?.rtpTimestamp ?? 0) - (video[0]?.rtpTimestamp ?? 0)) * video.length;
      const t0 = net.now();
      for (let pass = 0; pass < passes; pass++) {
        video.forEach((f, i) => {
          runFor(net, Math.max(0, t0 + (pass * video.length + i) * 66 - net.now()));
          a.sendFrame(net.now(), "0", f.data, f.rtpTimestamp + pass * period);
        });
      }
      runFor(net, 3000);
      const byTs = new Map(b.frames.filter((f) => f.mid === "0").map((f) => [f.rtpTimestamp, f.data]));
      for (const f of video) {
        const got = byTs.get(f.rtpTimestamp + period);
        expect(got && Buffer.compare(got, f.data), `seed ${seed}: frame at ${f.rtpTimestamp} of pass 2`).toBe(
          0,
        );
      }
      // it was repaired, not lucky: packets were lost and resent
      const sender = a.session.senders.get("0");
      expect(net.counters.lost).toBeGreaterThan(0);
      expect(sender?.counters.retransmittedPackets).toBeGreaterThan(0);
      expect(sender?.counters.nackReceived).toBeGreaterThan(0);
    }
  });

  it("5 % loss both ways: NACK repairs the audio (Opus offers nack between Tern peers), every frame arrives", async () => {
    for (const seed of [21, 22, 23]) {
      const { net, a, b } = await pair(seed, 0.05);
      runUntil(net, () => a.dtlsConnected && b.dtlsConnected, { maxSteps: 50_000, maxTimeMs: 30_000 });
      const audio = opusClip();
      // as for video: a first pass to learn the stream, the second must arrive whole, a tail after it
      const period = ((audio[1]?.rtpTimestamp ?? 0) - (audio[0]?.rtpTimestamp ?? 0)) * audio.length;
      const t0 = net.now();
      for (let pass = 0; pass < 3; pass++) {
        audio.forEach((f, i) => {
          runFor(net, Math.max(0, t0 + (pass * audio.length + i) * 20 - net.now()));
          a.sendFrame(net.now(), "1", f.data, f.rtpTimestamp + pass * period);
        });
      }
      runFor(net, 2000);
      const byTs = new Map(b.frames.filter((f) => f.mid === "1").map((f) => [f.rtpTimestamp, f.data]));
      const missing = audio.filter((f) => {
        const got = byTs.get((f.rtpTimestamp + period) >>> 0);
        return !got || Buffer.compare(got, f.data) !== 0;
      });
      expect(missing.length, `seed ${seed}: audio frames of pass 2 missing or damaged`).toBe(0);
      const sender = a.session.senders.get("1");
      expect(net.counters.lost).toBeGreaterThan(0);
      expect(sender?.counters.retransmittedPackets).toBeGreaterThan(0);
    }
  });
});
