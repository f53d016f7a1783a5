import {
  type DepacketizedFrame,
  H264PayloadFormat,
  OpusPayloadFormat,
  type PayloadFormat,
  Vp8PayloadFormat,
} from "@tern/rtp";

/** The codecs a Tern peer can packetize and reassemble (names as in `a=rtpmap`, case-insensitive). */
export type MediaCodecName = "opus" | "VP8" | "H264";

export function mediaCodecName(name: string): MediaCodecName | undefined {
  const n = name.toLowerCase();
  if (n === "opus") return "opus";
  if (n === "vp8") return "VP8";
  if (n === "h264") return "H264";
  return undefined;
}

/** A fresh payload format (packetizer state such as VP8's PictureID is per stream). */
export function payloadFormatFor(
  codec: MediaCodecName,
  random: (n: number) => Uint8Array,
): PayloadFormat<DepacketizedFrame> {
  switch (codec) {
    case "opus":
      return new OpusPayloadFormat();
    case "VP8": {
      const b = random(2);
      return new Vp8PayloadFormat({
        pictureId: (((b[0] ?? 0) << 8) | (b[1] ?? 0)) & 0x7fff,
        pictureIdBits: 15,
      });
    }
    case "H264":
      return new H264PayloadFormat();
  }
}
