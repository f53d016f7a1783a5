import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { RtpPacket } from "@tern/rtp";
import type { MediaCodecName } from "../machine/payload-formats.js";

/** An encoded frame, as a receiving track delivers it. */
export interface EncodedFrame {
  /**
   * The frame's bytes. A one-packet frame (every Opus frame, small VP8 frames) is a view into a buffer
   * shared with other packets (as Node's pooled Buffers are): read it, or copy it
   * (`new Uint8Array(frame.data)`) to keep it for long; never write to it.
   */
  readonly data: Uint8Array;
  readonly isKeyframe: boolean;
  readonly rtpTimestamp: number;
}

export interface LocalTrackEvents {
  /** The peer asked for a keyframe (PLI/FIR): encode the next frame as one. */
  keyframerequest: [];
}

/**
 * A track we send: the application writes encoded frames (or ready RTP packets); the peer connection
 * packetizes, protects and sends them on the transceiver the track is attached to.
 */
export class LocalTrack extends EventEmitter<LocalTrackEvents> {
  readonly id: string;
  /** @internal set by the peer connection when the track is on a negotiated sender */
  sink:
    | { frame(data: Uint8Array, rtpTimestamp: number): boolean; rtp(packet: RtpPacket): boolean }
    | undefined;

  constructor(
    readonly kind: "audio" | "video",
    /** The codec these frames are in; the m= section must negotiate it. Default: opus / VP8. */
    readonly codec: MediaCodecName = kind === "audio" ? "opus" : "VP8",
    id?: string,
  ) {
    super();
    this.id = id ?? randomUUID();
  }

  /**
   * One encoded frame (an Opus packet, a VP8 frame, an H.264 access unit in Annex B) at an RTP timestamp
   * (48 kHz for Opus, 90 kHz for video). False when not sent (not connected yet, or not negotiated).
   */
  writeFrame(data: Uint8Array, rtpTimestamp: number): boolean {
    return this.sink?.frame(data, rtpTimestamp) ?? false;
  }

  /** A ready RTP packet (its sequence number, timestamp, payload type and SSRC as given). */
  writeRtp(packet: RtpPacket): boolean {
    return this.sink?.rtp(packet) ?? false;
  }
}

export interface RemoteTrackEvents {
  frame: [frame: EncodedFrame];
  rtp: [packet: RtpPacket];
  ended: [];
}

/** A track we receive: reassembled frames as events and as an async iterator, and raw RTP as events. */
export class RemoteTrack extends EventEmitter<RemoteTrackEvents> {
  readonly id: string;
  private readonly waiting: ((r: IteratorResult<EncodedFrame>) => void)[] = [];
  private readonly buffered: EncodedFrame[] = [];
  private ended = false;
  /** Frames kept for a slow async iterator before the oldest are dropped. */
  static readonly MAX_BUFFERED = 512;

  constructor(
    readonly kind: "audio" | "video",
    readonly mid: string,
    id?: string,
  ) {
    super();
    this.id = id ?? randomUUID();
  }

  /** @internal */
  pushFrame(frame: EncodedFrame): void {
    this.emit("frame", frame);
    const w = this.waiting.shift();
    if (w) w({ value: frame, done: false });
    else if (this.listenerCount("frame") === 0 || this.iterating > 0) {
      this.buffered.push(frame);
      if (this.buffered.length > RemoteTrack.MAX_BUFFERED) this.buffered.shift();
    }
  }

  /** @internal */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
    this.emit("ended");
  }

  private iterating = 0;

  /** Frames as they are reassembled, in order; ends when the track ends. */
  async *frames(): AsyncGenerator<EncodedFrame> {
    this.iterating++;
    try {
      for (;;) {
        const b = this.buffered.shift();
        if (b) {
          yield b;
          continue;
        }
        if (this.ended) return;
        const r = await new Promise<IteratorResult<EncodedFrame>>((resolve) => this.waiting.push(resolve));
        if (r.done) return;
        yield r.value;
      }
    } finally {
      this.iterating--;
    }
  }
}
