import { describe, expect, it } from "vitest";
import { scheduledFrame } from "../../src/media/clip-schedule.js";
import { checkFrames, type ReceivedFrame } from "../../src/media/frame-integrity.js";
import type { ClipTrack } from "../../src/media/media-clip.js";

const track: ClipTrack = {
  kind: "video",
  clockRate: 90_000,
  frames: [0, 1, 2, 3].map((i) => ({ data: new Uint8Array([i, i, i]), rtpTimestamp: i * 3000 })),
  loopTicks: 12_000,
};
const BASE = 0xffff_f000; // wraps inside the window

function sent(n: number): ReceivedFrame[] {
  return Array.from({ length: n }, (_, i) => {
    const f = scheduledFrame(track, BASE, i);
    return { data: f.data, rtpTimestamp: f.rtpTimestamp };
  });
}

const check = (received: ReceivedFrame[], allowMissing = false) =>
  checkFrames({ track, rtpBase: BASE, expected: 10, received, allowMissing });

describe("checkFrames", () => {
  it("accepts the window exactly as sent (across the RTP timestamp wrap), ignoring the tail after it", () => {
    const r = check(sent(13));
    expect(r).toMatchObject({ expected: 10, received: 10, identical: 10, missing: 0, intact: true });
    expect(r.problems).toEqual([]);
  });

  it("finds a missing frame", () => {
    const got = sent(10);
    got.splice(6, 1);
    const r = check(got);
    expect(r).toMatchObject({ missing: 1, intact: false });
    expect(r.problems[0]).toContain("first: 6");
    expect(check(got, true).intact).toBe(true);
  });

  it("finds a changed byte", () => {
    const got = sent(10);
    got[3] = { ...(got[3] as ReceivedFrame), data: new Uint8Array([3, 3, 4]) };
    expect(check(got)).toMatchObject({ corrupt: 1, identical: 9, intact: false });
    expect(check(got, true).intact).toBe(false);
  });

  it("finds frames out of order and duplicated", () => {
    const got = sent(10);
    [got[4], got[5]] = [got[5] as ReceivedFrame, got[4] as ReceivedFrame];
    expect(check(got)).toMatchObject({ outOfOrder: 1, intact: false });
    const dup = sent(10);
    dup.splice(2, 0, dup[2] as ReceivedFrame);
    expect(check(dup)).toMatchObject({ outOfOrder: 1, missing: 0, intact: false });
  });

  it("finds a frame at a timestamp the sender never used", () => {
    const got = sent(10);
    got.push({ data: new Uint8Array([9]), rtpTimestamp: BASE - 5 });
    expect(check(got)).toMatchObject({ unknown: 1, intact: false });
  });

  it("an empty reception of an empty window is intact, of a full one is not", () => {
    expect(checkFrames({ track, rtpBase: 0, expected: 0, received: [], allowMissing: false }).intact).toBe(
      true,
    );
    expect(check([])).toMatchObject({ missing: 10, intact: false });
  });
});
