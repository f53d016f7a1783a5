/**
 * Media used by the peer tests: the clips in test/vectors (a VP8 IVF of ffmpeg's testsrc, an Ogg/Opus
 * sine; see test/vectors/README.md), read with @tern/rtp's containers.
 */
import { readFileSync } from "node:fs";
import { decodeIvf, decodeOggOpus, ivfTimestampToRtp } from "@tern/rtp";

const vectors = new URL("../vectors/", import.meta.url);

export interface ClipFrame {
  readonly data: Uint8Array;
  readonly rtpTimestamp: number;
}

export function vp8Clip(): ClipFrame[] {
  const f = decodeIvf(new Uint8Array(readFileSync(new URL("clip.ivf", vectors))));
  if (!f.ok) throw new Error(`clip.ivf: ${f.error.code}`);
  return f.value.frames.map((fr) => ({
    data: fr.data,
    rtpTimestamp: ivfTimestampToRtp(f.value.header, fr.timestamp),
  }));
}

export function opusClip(): ClipFrame[] {
  const f = decodeOggOpus(new Uint8Array(readFileSync(new URL("clip.ogg", vectors))));
  if (!f.ok) throw new Error(`clip.ogg: ${f.error.code}`);
  return f.value.frames.map((p) => ({ data: p.data, rtpTimestamp: p.timestamp }));
}
