import type { MediaCodecName } from "../machine/payload-formats.js";

/**
 * A track's frames are in a codec its m= section did not negotiate (an H.264 track on a VP8-only line):
 * `writeFrame` refuses them instead of sending them under another codec's payload type.
 */
export class CodecMismatchError extends Error {
  override readonly name = "CodecMismatchError";
  readonly code = "codec-mismatch" as const;

  constructor(
    readonly mid: string,
    readonly trackCodec: MediaCodecName,
    readonly negotiatedCodecs: readonly string[],
  ) {
    super(
      `the track's codec ${trackCodec} was not negotiated on m= section ${mid} (negotiated: ${negotiatedCodecs.join(", ") || "none"})`,
    );
  }
}
