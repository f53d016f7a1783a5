import { describe, expect, it } from "vitest";
import { ClipCursor, framesInWindow, scheduledFrame } from "../../src/media/clip-schedule.js";
import { type ClipTrack, loadMediaClip } from "../../src/media/media-clip.js";

const clip = loadMediaClip();

/** Three 20 ms frames at 48 kHz: a loop is 60 ms = 2880 ticks. */
const tiny: ClipTrack = {
  kind: "audio",
  clockRate: 48_000,
  frames: [0, 1, 2].map((i) => ({ data: new Uint8Array([i]), rtpTimestamp: i * 960 })),
  loopTicks: 2880,
};

describe("the committed clip", () => {
  it("is 3 s of VP8 320×240 at 30 fps (a key frame every second) and 3.02 s of 20 ms Opus packets", () => {
    expect(clip.ivfHeader).toMatchObject({ fourcc: "VP80", width: 320, height: 240 });
    expect(clip.video.frames).toHaveLength(90);
    expect(clip.video.loopTicks).toBe(270_000);
    // VP8 payload header bit 0 of the first byte: 0 = key frame (RFC 6386 §9.1).
    const keyframes = clip.video.frames.flatMap((f, i) => (((f.data[0] ?? 1) & 1) === 0 ? [i] : []));
    expect(keyframes).toEqual([0, 30, 60]);
    expect(clip.audio.frames).toHaveLength(151);
    expect(clip.audio.loopTicks).toBe(151 * 960);
    expect(clip.opusHead.inputSampleRate).toBe(48_000);
  });
});

describe("scheduledFrame", () => {
  it("loops the clip with timestamps continuing across loops, from a base, wrapping at 2^32", () => {
    expect(scheduledFrame(tiny, 100, 0)).toMatchObject({ index: 0, rtpTimestamp: 100, dueMs: 0 });
    expect(scheduledFrame(tiny, 100, 4)).toMatchObject({ rtpTimestamp: 100 + 2880 + 960, dueMs: 80 });
    expect(scheduledFrame(tiny, 100, 4).data).toEqual(new Uint8Array([1]));
    expect(scheduledFrame(tiny, 0xffff_ffff, 1).rtpTimestamp).toBe(959);
  });

  it("counts the frames due strictly before a window closes", () => {
    expect(framesInWindow(tiny, 0)).toBe(0);
    expect(framesInWindow(tiny, 20)).toBe(1);
    expect(framesInWindow(tiny, 20.5)).toBe(2);
    expect(framesInWindow(tiny, 120)).toBe(6);
    expect(framesInWindow(clip.video, 3000)).toBe(90);
    expect(framesInWindow(clip.video, 5000)).toBe(150);
    expect(framesInWindow(clip.audio, 3000)).toBe(150);
  });
});

describe("ClipCursor", () => {
  it("hands out each frame once, when due, in order, a bounded burst at a time, up to a limit", () => {
    const c = new ClipCursor(tiny, 7, 5, 2);
    expect(c.due(-1)).toEqual([]);
    expect(c.due(0).map((f) => f.index)).toEqual([0]);
    expect(c.due(0)).toEqual([]);
    expect(c.due(1000).map((f) => f.index)).toEqual([1, 2]);
    expect(c.due(1000).map((f) => f.index)).toEqual([3, 4]);
    expect(c.finished).toBe(true);
    expect(c.due(5000)).toEqual([]);
    expect(c.sent).toBe(5);
  });
});
