/**
 * The receiver's check: the frames that arrived against the frames the sender says it sent in its
 * stream window (the looped clip, see clip-schedule.ts). Each received frame is placed by its RTP
 * timestamp; it must carry exactly the bytes sent at that timestamp, frames must come in order, and
 * (when `allowMissing` is false) none may be missing. Pure.
 */

import { scheduledFrame } from "./clip-schedule.js";
import type { ClipTrack } from "./media-clip.js";

export interface ReceivedFrame {
  readonly data: Uint8Array;
  readonly rtpTimestamp: number;
}

export interface IntegrityReport {
  readonly kind: "audio" | "video";
  /** Frames in the sender's window. */
  readonly expected: number;
  /** Received frames inside the window (after it: the stream's tail, not checked). */
  readonly received: number;
  /** Received frames byte-identical to what was sent at their timestamp. */
  readonly identical: number;
  readonly missing: number;
  /** Received frames whose bytes differ from what was sent at their timestamp. */
  readonly corrupt: number;
  /** Frames that came after a later one, or twice. */
  readonly outOfOrder: number;
  /** Timestamps the sender never used. */
  readonly unknown: number;
  /** The first few problems, for the log. */
  readonly problems: readonly string[];
  readonly intact: boolean;
}

export interface IntegrityInput {
  readonly track: ClipTrack;
  readonly rtpBase: number;
  readonly expected: number;
  readonly received: readonly ReceivedFrame[];
  readonly allowMissing: boolean;
}

const MAX_PROBLEMS = 8;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkFrames(i: IntegrityInput): IntegrityReport {
  const byTimestamp = new Map<number, number>();
  for (let n = 0; n < i.expected; n++) byTimestamp.set(scheduledFrame(i.track, i.rtpBase, n).rtpTimestamp, n);
  const tailStart = scheduledFrame(i.track, i.rtpBase, i.expected).rtpTimestamp;
  const seen = new Set<number>();
  const problems: string[] = [];
  const problem = (p: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let received = 0;
  let identical = 0;
  let corrupt = 0;
  let outOfOrder = 0;
  let unknown = 0;
  let last = -1;
  for (const f of i.received) {
    const n = byTimestamp.get(f.rtpTimestamp);
    if (n === undefined) {
      // The tail after the window starts at `tailStart` and goes on; anything else is foreign.
      if ((f.rtpTimestamp - tailStart) >>> 0 < 0x8000_0000) continue;
      unknown++;
      problem(`frame at RTP timestamp ${f.rtpTimestamp} was never sent`);
      continue;
    }
    received++;
    if (n <= last || seen.has(n)) {
      outOfOrder++;
      problem(`frame ${n} arrived after frame ${last}`);
    }
    seen.add(n);
    last = Math.max(last, n);
    if (sameBytes(f.data, scheduledFrame(i.track, i.rtpBase, n).data)) identical++;
    else {
      corrupt++;
      problem(`frame ${n} differs from what was sent (${f.data.length} bytes)`);
    }
  }
  const missing = i.expected - seen.size;
  if (missing > 0) {
    const gaps: number[] = [];
    for (let n = 0; n < i.expected && gaps.length < 5; n++) if (!seen.has(n)) gaps.push(n);
    problem(`${missing} missing, first: ${gaps.join(", ")}`);
  }
  return {
    kind: i.track.kind,
    expected: i.expected,
    received,
    identical,
    missing,
    corrupt,
    outOfOrder,
    unknown,
    problems,
    intact:
      corrupt === 0 &&
      outOfOrder === 0 &&
      unknown === 0 &&
      (i.allowMissing || missing === 0) &&
      identical === received,
  };
}
