/**
 * Cuts a TURN byte stream (TCP, TLS) into STUN and ChannelData frames (RFC 8656 §12.5, RFC 6062 §4),
 * sans-IO: `handleData(chunk)` with whatever the socket delivered, split or coalesced, then
 * `pollFrame()` until undefined. Each frame is a private copy. A frame that cannot start a STUN or
 * ChannelData message puts the framer in a terminal error state (the stream cannot resynchronize): the
 * owner closes the connection.
 *
 * Memory is bounded by one maximal frame (TURN_FRAME_MAX_LENGTH) plus the last chunk.
 */
import type { DecodeError } from "../wire/decoded.js";
import { type TurnFrameErrorCode, turnFrameLength } from "../wire/turn-stream-framing.js";

export class TurnStreamFramer {
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;
  private failure: DecodeError<TurnFrameErrorCode> | undefined;
  /** Total bytes consumed before `start`, for error offsets. */
  private consumed = 0;
  readonly counters = { frames: 0, bytes: 0 };

  /** The framing error that stopped the stream, with its stream offset; undefined while healthy. */
  get error(): DecodeError<TurnFrameErrorCode> | undefined {
    return this.failure;
  }

  /** Bytes held that do not yet form a whole frame. */
  get buffered(): number {
    return this.end - this.start;
  }

  handleData(chunk: Uint8Array): void {
    if (this.failure !== undefined || chunk.length === 0) return;
    this.counters.bytes += chunk.length;
    const held = this.end - this.start;
    if (this.end + chunk.length > this.buffer.length) {
      if (held + chunk.length <= this.buffer.length) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(held + chunk.length, this.buffer.length * 2, 4096));
        next.set(this.buffer.subarray(this.start, this.end));
        this.buffer = next;
      }
      this.consumed += this.start;
      this.start = 0;
      this.end = held;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The next whole frame, or undefined when more bytes are needed (or the stream failed). */
  pollFrame(): Uint8Array | undefined {
    if (this.failure !== undefined) return undefined;
    const view = this.buffer.subarray(this.start, this.end);
    const length = turnFrameLength(view);
    if (!length.ok) {
      this.failure = { code: length.error.code, at: this.consumed + this.start + length.error.at };
      return undefined;
    }
    if (length.value === undefined || view.length < length.value) return undefined;
    const frame = view.slice(0, length.value);
    this.start += length.value;
    if (this.start === this.end) {
      this.consumed += this.start;
      this.start = 0;
      this.end = 0;
    }
    this.counters.frames++;
    return frame;
  }
}
