/**
 * The committed media clip the sender plays (media/clip.ivf, media/clip.ogg; see media/README.md), read
 * with @tern/rtp's containers into frames with their RTP timestamps (RFC 7741 §4.1: 90 kHz for VP8;
 * RFC 7587 §4.1: 48 kHz for Opus) and the length of one loop in RTP ticks.
 */
import { readFileSync } from "node:fs";
import {
  decodeIvf,
  decodeOggOpus,
  type IvfHeader,
  ivfTimestampToRtp,
  type OpusHead,
  type OpusTags,
} from "@tern/rtp";

export interface ClipFrame {
  readonly data: Uint8Array;
  /** RTP ticks from the start of the clip. */
  readonly rtpTimestamp: number;
}

export interface ClipTrack {
  readonly kind: "audio" | "video";
  readonly clockRate: number;
  readonly frames: readonly ClipFrame[];
  /** One pass of the clip in RTP ticks: the next loop's first frame is this far after this loop's. */
  readonly loopTicks: number;
}

export interface MediaClip {
  readonly video: ClipTrack;
  readonly audio: ClipTrack;
  readonly ivfHeader: IvfHeader;
  readonly opusHead: OpusHead;
  readonly opusTags: OpusTags;
}

export class ClipError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`${file}: ${code}`);
    this.name = "ClipError";
  }
}

/** The directory of the committed clip. */
export const DEFAULT_MEDIA_DIR = new URL("../../media/", import.meta.url);

/** Reads and decodes the clip; throws a `ClipError` when a file is missing or not what it should be. */
export function loadMediaClip(dir: URL = DEFAULT_MEDIA_DIR): MediaClip {
  const ivf = decodeIvf(new Uint8Array(readFileSync(new URL("clip.ivf", dir))));
  if (!ivf.ok) throw new ClipError("clip.ivf", ivf.error.code);
  if (ivf.value.header.fourcc !== "VP80") throw new ClipError("clip.ivf", "not-vp8");
  const ogg = decodeOggOpus(new Uint8Array(readFileSync(new URL("clip.ogg", dir))));
  if (!ogg.ok) throw new ClipError("clip.ogg", String(ogg.error.code));
  const header = ivf.value.header;
  const vframes = ivf.value.frames.map((f) => ({
    data: f.data,
    rtpTimestamp: ivfTimestampToRtp(header, f.timestamp),
  }));
  const first = vframes[0];
  const last = vframes[vframes.length - 1];
  if (!first || !last) throw new ClipError("clip.ivf", "no-frames");
  const frameTicks =
    vframes.length > 1 ? (last.rtpTimestamp - first.rtpTimestamp) / (vframes.length - 1) : 3000;
  const aframes = ogg.value.frames.map((p) => ({ data: p.data, rtpTimestamp: p.timestamp }));
  const lastPacket = ogg.value.frames[ogg.value.frames.length - 1];
  if (!lastPacket) throw new ClipError("clip.ogg", "no-frames");
  return {
    video: {
      kind: "video",
      clockRate: 90_000,
      frames: vframes,
      loopTicks: Math.round(last.rtpTimestamp + frameTicks),
    },
    audio: {
      kind: "audio",
      clockRate: 48_000,
      frames: aframes,
      loopTicks: lastPacket.timestamp + lastPacket.durationSamples,
    },
    ivfHeader: header,
    opusHead: ogg.value.head,
    opusTags: ogg.value.tags,
  };
}
