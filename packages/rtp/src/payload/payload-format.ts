import { type Decoded, UsageError } from "../wire/decoded.js";
import type { RtpHeaderExtension } from "../wire/header-extension.js";
import { RTP_FIXED_HEADER_LENGTH, type RtpPacket } from "../wire/rtp-header.js";

/** One media frame put back together from the payloads of its RTP packets. */
export interface DepacketizedFrame {
  /** the codec bitstream: an Opus packet, a VP8 frame, an H.264 access unit in Annex-B form */
  readonly data: Uint8Array;
  readonly isKeyframe: boolean;
}

/**
 * What the receive side and the packetizer need to know of an RTP payload format. Implemented by
 * `OpusPayloadFormat` (RFC 7587), `Vp8PayloadFormat` (RFC 7741) and `H264PayloadFormat` (RFC 6184).
 */
export interface PayloadFormat<F extends DepacketizedFrame = DepacketizedFrame> {
  readonly name: "opus" | "vp8" | "h264";
  /** the RTP clock rate of the format */
  readonly clockRate: number;
  /** whether frames span packets, ended by the marker bit (video), or are one packet each (audio) */
  readonly markerEndsFrame: boolean;
  /** Splits one frame into payloads of at most `maxPayloadBytes` (throws `UsageError` if it cannot). */
  packetize(frame: Uint8Array, maxPayloadBytes: number): Uint8Array[];
  /** Whether this payload begins a frame (from the payload alone). */
  isFrameStart(payload: Uint8Array): boolean;
  /**
   * Reassembles one frame from the payloads of its packets in sequence order. Fails, building
   * nothing, when the fragments are inconsistent.
   */
  depacketize(payloads: readonly Uint8Array[]): Decoded<F>;
}

export interface RtpPacketizerOptions {
  readonly format: PayloadFormat;
  readonly ssrc: number;
  readonly payloadType: number;
  /** the first sequence number; RFC 3550 §5.1 wants it random: draw it outside and pass it in */
  readonly sequenceNumber: number;
  /** the largest RTP packet to produce, header included; default 1200 */
  readonly maxPacketBytes?: number;
  readonly csrcs?: readonly number[];
}

/**
 * Turns frames into RTP packets: the format splits the frame, this assigns consecutive sequence
 * numbers, the frame's timestamp, and the marker (last packet of a video frame, RFC 3551 §4.1 for
 * audio: the first packet of a talkspurt, on request).
 */
export class RtpPacketizer {
  readonly format: PayloadFormat;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly maxPacketBytes: number;
  readonly csrcs: readonly number[];
  #seq: number;

  constructor(o: RtpPacketizerOptions) {
    this.format = o.format;
    this.ssrc = o.ssrc >>> 0;
    this.payloadType = o.payloadType;
    this.maxPacketBytes = o.maxPacketBytes ?? 1200;
    this.csrcs = o.csrcs ?? [];
    this.#seq = o.sequenceNumber & 0xffff;
    if (o.payloadType < 0 || o.payloadType > 127) throw new UsageError("payloadType is 7 bits");
  }

  /** The sequence number the next packet will carry. */
  get nextSequenceNumber(): number {
    return this.#seq;
  }

  packetize(
    frame: Uint8Array,
    rtpTimestamp: number,
    options: { readonly extension?: RtpHeaderExtension; readonly talkspurtStart?: boolean } = {},
  ): RtpPacket[] {
    const ext = options.extension;
    const overhead = RTP_FIXED_HEADER_LENGTH + this.csrcs.length * 4 + (ext ? 4 + ext.data.length : 0);
    const payloads = this.format.packetize(frame, this.maxPacketBytes - overhead);
    const out: RtpPacket[] = [];
    for (let i = 0; i < payloads.length; i++) {
      const last = i === payloads.length - 1;
      out.push({
        marker: this.format.markerEndsFrame ? last : options.talkspurtStart === true && i === 0,
        payloadType: this.payloadType,
        sequenceNumber: this.#seq,
        timestamp: rtpTimestamp >>> 0,
        ssrc: this.ssrc,
        csrcs: this.csrcs,
        extension: ext,
        payload: payloads[i] as Uint8Array,
        paddingLength: 0,
      });
      this.#seq = (this.#seq + 1) & 0xffff;
    }
    return out;
  }
}

/**
 * Splits `length` octets into the fewest chunks of at most `max`, sizes as equal as possible (so the
 * last packet of a frame is not a runt). Returns the chunk boundaries.
 */
export function balancedChunks(length: number, max: number): number[] {
  if (max < 1) throw new UsageError("maximum payload too small");
  const n = Math.max(1, Math.ceil(length / max));
  const base = Math.floor(length / n);
  const extra = length % n;
  const ends: number[] = [];
  let end = 0;
  for (let i = 0; i < n; i++) {
    end += base + (i < extra ? 1 : 0);
    ends.push(end);
  }
  return ends;
}
