/**
 * Media used by the peer tests: the clips in test/vectors (a VP8 IVF of ffmpeg's testsrc, an Ogg/Opus
 * sine, an H.264 Annex-B stream; see test/vectors/README.md), read with @tern/rtp's containers.
 */
import { readFileSync } from "node:fs";
import { decodeIvf, decodeOggOpus, ivfTimestampToRtp, splitAnnexB } from "@tern/rtp";

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

/** An H.264 access unit: its NAL units (no start codes) and whether it holds an IDR slice. */
export interface H264AccessUnit extends ClipFrame {
  readonly nalUnits: readonly Uint8Array[];
  readonly idr: boolean;
}

/**
 * clip.h264 cut into access units at each access unit delimiter (NAL type 9): 15 frames at 15 fps,
 * 6000 ticks of the 90 kHz clock apart; `data` is the unit in Annex-B form, as an encoder hands it over.
 */
export function h264Clip(): H264AccessUnit[] {
  const units: Uint8Array[][] = [];
  for (const nal of splitAnnexB(new Uint8Array(readFileSync(new URL("clip.h264", vectors))))) {
    if (((nal[0] ?? 0) & 0x1f) === 9 || units.length === 0) units.push([]);
    units.at(-1)?.push(nal);
  }
  const startCode = Uint8Array.of(0, 0, 0, 1);
  return units.map((nalUnits, i) => ({
    nalUnits,
    idr: nalUnits.some((n) => ((n[0] ?? 0) & 0x1f) === 5),
    rtpTimestamp: 1000 + i * 6000,
    data: Buffer.concat(nalUnits.flatMap((n) => [startCode, n])),
  }));
}
