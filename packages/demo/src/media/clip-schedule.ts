/**
 * The clip played in a loop, in real time: the n-th frame sent is frame `n mod length` of the clip, at
 * RTP timestamp `base + loop × loopTicks + clip timestamp` (RFC 3550 §5.1: the timestamp advances with
 * the sampling clock and starts at a random value), due `(loop × loopTicks + clip timestamp) / clockRate`
 * seconds after the stream started. Pure: the caller brings the clock.
 */
import type { ClipFrame, ClipTrack } from "./media-clip.js";

export interface ScheduledFrame {
  /** 0, 1, 2… over the whole stream. */
  readonly index: number;
  readonly data: Uint8Array;
  readonly rtpTimestamp: number;
  /** When to send it, in ms after the stream's start. */
  readonly dueMs: number;
}

/** The n-th frame of the looped clip. */
export function scheduledFrame(track: ClipTrack, rtpBase: number, index: number): ScheduledFrame {
  const n = track.frames.length;
  const loop = Math.floor(index / n);
  const f = track.frames[index % n] as ClipFrame;
  const ticks = loop * track.loopTicks + f.rtpTimestamp;
  return {
    index,
    data: f.data,
    rtpTimestamp: (rtpBase + ticks) >>> 0,
    dueMs: (ticks * 1000) / track.clockRate,
  };
}

/** How many frames are due strictly before `windowMs` (the frames a stream of that length carries). */
export function framesInWindow(track: ClipTrack, windowMs: number): number {
  const n = track.frames.length;
  if (n === 0 || windowMs <= 0) return 0;
  const loopMs = (track.loopTicks * 1000) / track.clockRate;
  const fullLoops = Math.floor(windowMs / loopMs);
  let count = fullLoops * n;
  while (scheduledFrame(track, 0, count).dueMs < windowMs) count++;
  return count;
}

/**
 * A cursor over the looped clip: `due(elapsedMs)` hands out every frame whose time has come, in order,
 * at most `maxBurst` at once (a stalled event loop catches up without flooding).
 */
export class ClipCursor {
  private next = 0;

  constructor(
    readonly track: ClipTrack,
    readonly rtpBase: number,
    /** Stop after this many frames (undefined: loop for ever). */
    readonly limit: number | undefined,
    private readonly maxBurst = 32,
  ) {}

  get sent(): number {
    return this.next;
  }

  get finished(): boolean {
    return this.limit !== undefined && this.next >= this.limit;
  }

  due(elapsedMs: number): ScheduledFrame[] {
    const out: ScheduledFrame[] = [];
    while (!this.finished && out.length < this.maxBurst) {
      const f = scheduledFrame(this.track, this.rtpBase, this.next);
      if (f.dueMs > elapsedMs) break;
      out.push(f);
      this.next++;
    }
    return out;
  }
}
