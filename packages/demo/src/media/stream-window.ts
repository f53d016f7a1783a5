/**
 * What the sender tells the receiver when its stream window closes: how many frames of each track it
 * sent in the window and the RTP timestamp each track started at. It travels as the `reason` of a
 * signaling `bye` (a string of at most 256 characters), as JSON. The decoder never throws.
 */

export interface TrackWindow {
  readonly frames: number;
  readonly rtpBase: number;
}

export interface StreamWindow {
  readonly video: TrackWindow;
  readonly audio: TrackWindow;
}

export type StreamWindowDecoded =
  | { readonly ok: true; readonly value: StreamWindow }
  | { readonly ok: false; readonly error: { readonly code: "not-json" | "bad-shape"; readonly at: number } };

const PREFIX = "window ";

export function encodeStreamWindow(w: StreamWindow): string {
  return (
    PREFIX + JSON.stringify({ v: [w.video.frames, w.video.rtpBase], a: [w.audio.frames, w.audio.rtpBase] })
  );
}

function track(v: unknown): TrackWindow | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const [frames, rtpBase] = v as unknown[];
  if (typeof frames !== "number" || !Number.isSafeInteger(frames) || frames < 0 || frames > 1e7)
    return undefined;
  if (typeof rtpBase !== "number" || !Number.isSafeInteger(rtpBase) || rtpBase < 0 || rtpBase > 0xffff_ffff)
    return undefined;
  return { frames, rtpBase };
}

export function decodeStreamWindow(text: string): StreamWindowDecoded {
  if (!text.startsWith(PREFIX)) return { ok: false, error: { code: "not-json", at: 0 } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return { ok: false, error: { code: "not-json", at: PREFIX.length } };
  }
  if (typeof parsed !== "object" || parsed === null)
    return { ok: false, error: { code: "bad-shape", at: 0 } };
  const o = parsed as Record<string, unknown>;
  const video = track(o.v);
  const audio = track(o.a);
  if (!video || !audio) return { ok: false, error: { code: "bad-shape", at: 0 } };
  return { ok: true, value: { video, audio } };
}
