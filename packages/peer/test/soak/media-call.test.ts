/**
 * Soak (pnpm test:soak): a 10-minute call between two Tern peers through a proxy dropping 5 % of the
 * datagrams (seeded). B sends the VP8 clip at 15 fps and the Opus clip at 50 packets/s in a loop; every
 * video frame must reach A byte-identical (NACK/RTX repair; audio is repaired by NACK too but not always
 * within its 200-ms jitter buffer, so audio loss is reported, and every audio frame that arrives must be
 * intact), and the
 * process's heap and RSS, sampled every 10 s after a full GC, must stay flat after a one-minute warm-up.
 * TERN_SOAK_CALL_MS shortens it.
 */
import { untilCount } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { opusClip, vp8Clip } from "../interop/media-fixtures.js";
import { LossyProxy } from "./lossy-proxy.js";
import { type MemorySample, report, sampleMemory, slopePerMinute } from "./soak-metrics.js";
import { soakPair } from "./soak-pair.js";

const CALL_MS = Number(process.env.TERN_SOAK_CALL_MS ?? 600_000);
const WARMUP_MS = Math.min(60_000, CALL_MS / 5);
const LOSS = 0.05;

describe("soak: a long call at 5 % loss", () => {
  it(`${CALL_MS / 60_000} min: every frame repaired, heap and RSS flat after warm-up`, async () => {
    const proxy = await LossyProxy.start(LOSS, 18);
    const pair = await soakPair(proxy);
    try {
      const video = vp8Clip();
      const audio = opusClip();
      // counts only: the test keeps no frame (its own memory would be the slope it measures)
      const gotVideo = { length: 0 };
      const gotAudio = { length: 0 };
      let videoMismatch = 0;
      let audioMismatch = 0;
      const rv = pair.remote.video;
      const ra = pair.remote.audio;
      if (!rv || !ra) throw new Error("A got no tracks");
      rv.on("frame", (f) => {
        const want = video[Math.round(f.rtpTimestamp / 6000) % video.length];
        if (!want || Buffer.compare(f.data, want.data) !== 0) videoMismatch++;
        gotVideo.length++;
      });
      ra.on("frame", (f) => {
        const want = audio[Math.round(f.rtpTimestamp / 960) % audio.length];
        if (!want || Buffer.compare(f.data, want.data) !== 0) audioMismatch++;
        gotAudio.length++;
      });
      let sentVideo = 0;
      let sentAudio = 0;
      const videoTimer = setInterval(() => {
        const f = video[sentVideo % video.length];
        if (f && pair.video.writeFrame(f.data, (sentVideo * 6000) >>> 0)) sentVideo++;
      }, 1000 / 15);
      const audioTimer = setInterval(() => {
        const f = audio[sentAudio % audio.length];
        if (f && pair.audio.writeFrame(f.data, (sentAudio * 960) >>> 0)) sentAudio++;
      }, 20);
      const t0 = performance.now();
      const samples: MemorySample[] = [sampleMemory(t0)];
      await new Promise<void>((resolve) => {
        const sampler = setInterval(() => {
          samples.push(sampleMemory(t0));
          if (performance.now() - t0 >= CALL_MS) {
            clearInterval(sampler);
            resolve();
          }
        }, 10_000);
      });
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      await untilCount(gotVideo, sentVideo, 10_000, "every video frame at A");
      await new Promise((r) => setTimeout(r, 1000));
      const after = samples.filter((s) => s.t * 1000 >= WARMUP_MS);
      const result = {
        callSeconds: CALL_MS / 1000,
        lossRate: LOSS,
        proxy: proxy.stats,
        video: { sent: sentVideo, received: gotVideo.length, mismatched: videoMismatch },
        audio: {
          sent: sentAudio,
          received: gotAudio.length,
          mismatched: audioMismatch,
          lostPercent: Math.round((1 - gotAudio.length / sentAudio) * 10_000) / 100,
        },
        afterWarmup: {
          heapSlopeMBPerMin: slopePerMinute(after, (s) => s.heapMB),
          rssSlopeMBPerMin: slopePerMinute(after, (s) => s.rssMB),
        },
        samples,
        states: pair.states,
      };
      report("media-call", result);
      expect(videoMismatch).toBe(0);
      expect(audioMismatch).toBe(0);
      expect(gotVideo.length).toBe(sentVideo);
      // Opus is not repaired: what is missing is what the link lost, about 5 %, no more
      expect(gotAudio.length).toBeGreaterThan(sentAudio * (1 - 2 * LOSS));
      expect(proxy.stats.dropped).toBeGreaterThan(0);
      expect(pair.states.a).not.toContain("disconnected");
      expect(pair.states.a).not.toContain("failed");
      expect(result.afterWarmup.heapSlopeMBPerMin).toBeLessThan(0.5);
      expect(result.afterWarmup.rssSlopeMBPerMin).toBeLessThan(2);
    } finally {
      await pair.close();
      proxy.close();
    }
  });
});
