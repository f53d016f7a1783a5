import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { RtpPacket } from "@tern/rtp";
import type { MediaCodecName } from "../machine/payload-formats.js";
import { type AddListenerOptions, type EventListenerLike, OwnedEventTarget } from "./event-handlers.js";

export { CodecMismatchError } from "./codec-mismatch-error.js";

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

/** W3C mediacapture-main MediaStreamTrackState. */
export type MediaStreamTrackState = "live" | "ended";

/**
 * Where a sending track's frames go: one per sender the track is on (a track may be on several
 * connections). Each returns whether it sent; it may throw `CodecMismatchError`.
 * @internal
 */
export interface TrackSink {
  frame(data: Uint8Array, rtpTimestamp: number): boolean;
  rtp(packet: RtpPacket): boolean;
}

export interface LocalTrackEvents {
  /** The peer asked for a keyframe (PLI/FIR): encode the next frame as one. */
  keyframerequest: [];
  ended: [];
}

/**
 * A track we send, shaped as a W3C `MediaStreamTrack` (kind, id, label, enabled, muted, readyState,
 * stop(), `ended`/`mute`/`unmute` through `addEventListener` and the `on…` attributes): the application
 * writes encoded frames (or ready RTP packets); each peer connection it is on packetizes, protects and sends
 * them on its sender. Node-style events (`keyframerequest`) stay on the EventEmitter side.
 */
export class LocalTrack extends EventEmitter<LocalTrackEvents> {
  readonly id: string;
  readonly label: string = "";
  /** False: frames written are not sent (writeFrame returns false), as a disabled track sends nothing. */
  enabled = true;
  readonly muted = false;
  readonly contentHint: string = "";
  #readyState: MediaStreamTrackState = "live";
  readonly #events = new OwnedEventTarget(this);
  /** @internal the senders the track is on */
  readonly sinks = new Set<TrackSink>();

  constructor(
    readonly kind: "audio" | "video",
    /** The codec these frames are in; the m= section must negotiate it. Default: opus / VP8. */
    readonly codec: MediaCodecName = kind === "audio" ? "opus" : "VP8",
    id?: string,
  ) {
    super();
    this.id = id ?? randomUUID();
  }

  get readyState(): MediaStreamTrackState {
    return this.#readyState;
  }

  /**
   * One encoded frame (an Opus packet, a VP8 frame, an H.264 access unit in Annex B) at an RTP timestamp
   * (48 kHz for Opus, 90 kHz for video). Returns whether it was sent: false before the connection is
   * connected, while the sender is inactive or not negotiated, after `stop()` or the connection's
   * `close()`, or when the track is disabled. Throws `CodecMismatchError` when the m= section it is on
   * negotiated codecs that do not include the track's (an H.264 track on a VP8-only line).
   */
  writeFrame(data: Uint8Array, rtpTimestamp: number): boolean {
    if (this.#readyState === "ended" || !this.enabled) return false;
    let sent = false;
    for (const sink of this.sinks) if (sink.frame(data, rtpTimestamp)) sent = true;
    return sent;
  }

  /** A ready RTP packet (its sequence number, timestamp, payload type and SSRC as given). */
  writeRtp(packet: RtpPacket): boolean {
    if (this.#readyState === "ended" || !this.enabled) return false;
    let sent = false;
    for (const sink of this.sinks) if (sink.rtp(packet)) sent = true;
    return sent;
  }

  /** Ends the track for good (W3C: no `ended` event is fired by stop()); its senders send nothing more. */
  stop(): void {
    this.#readyState = "ended";
  }

  getSettings(): { readonly deviceId?: string } {
    return {};
  }
  getConstraints(): Record<string, never> {
    return {};
  }
  getCapabilities(): Record<string, never> {
    return {};
  }
  async applyConstraints(): Promise<void> {}

  /** A new live track of the same kind and codec (frames written to one are not sent by the other). */
  clone(): LocalTrack {
    return new LocalTrack(this.kind, this.codec);
  }

  // ---- the W3C EventTarget side: ended, mute, unmute -----------------------------------------------------

  get onended(): ((ev: Event) => unknown) | null {
    return this.#events.handler("ended");
  }
  set onended(fn: ((ev: Event) => unknown) | null) {
    this.#events.setHandler("ended", fn);
  }
  get onmute(): ((ev: Event) => unknown) | null {
    return this.#events.handler("mute");
  }
  set onmute(fn: ((ev: Event) => unknown) | null) {
    this.#events.setHandler("mute", fn);
  }
  get onunmute(): ((ev: Event) => unknown) | null {
    return this.#events.handler("unmute");
  }
  set onunmute(fn: ((ev: Event) => unknown) | null) {
    this.#events.setHandler("unmute", fn);
  }
  addEventListener(type: string, listener: EventListenerLike | null, options?: AddListenerOptions): void {
    this.#events.add(type, listener, options);
  }
  removeEventListener(type: string, listener: EventListenerLike | null): void {
    this.#events.remove(type, listener);
  }
  dispatchEvent(event: Event): boolean {
    return this.#events.dispatch(event);
  }
}

export interface RemoteTrackEvents {
  frame: [frame: EncodedFrame];
  rtp: [packet: RtpPacket];
  ended: [];
}

/**
 * A track we receive, shaped as a W3C `MediaStreamTrack`: reassembled frames as `frame` events and as an
 * async iterator, raw RTP as `rtp` events (Node side); `readyState`, `muted`, `enabled` and `ended` /
 * `mute` / `unmute` events (W3C side). It ends when its transceiver stops or the connection closes.
 */
export class RemoteTrack extends EventEmitter<RemoteTrackEvents> {
  readonly id: string;
  readonly label: string = "";
  /** False: frames are not delivered (the W3C "disabled" track renders nothing). */
  enabled = true;
  readonly contentHint: string = "";
  #muted = true;
  readonly #events = new OwnedEventTarget(this);
  private readonly waiting: ((r: IteratorResult<EncodedFrame>) => void)[] = [];
  private readonly buffered: EncodedFrame[] = [];
  private ended = false;
  /** Frames kept for a slow async iterator before the oldest are dropped. */
  static readonly MAX_BUFFERED = 512;

  constructor(
    readonly kind: "audio" | "video",
    id?: string,
  ) {
    super();
    this.id = id ?? randomUUID();
  }

  get readyState(): MediaStreamTrackState {
    return this.ended ? "ended" : "live";
  }
  /** W3C: muted until media arrives, and again when the remote stops sending. */
  get muted(): boolean {
    return this.#muted;
  }

  /** @internal */
  pushFrame(frame: EncodedFrame): void {
    if (this.ended) return;
    if (this.#muted) this.setMuted(false);
    if (!this.enabled) return;
    this.emit("frame", frame);
    const w = this.waiting.shift();
    if (w) w({ value: frame, done: false });
    else if (this.listenerCount("frame") === 0 || this.iterating > 0) {
      this.buffered.push(frame);
      if (this.buffered.length > RemoteTrack.MAX_BUFFERED) this.buffered.shift();
    }
  }

  /** @internal the remote stopped (or resumed) sending on this track's transceiver */
  setMuted(muted: boolean): void {
    if (this.ended || this.#muted === muted) return;
    this.#muted = muted;
    this.#events.fire(muted ? "mute" : "unmute");
  }

  /** @internal */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
    this.emit("ended");
    this.#events.fire("ended");
  }

  /** W3C: ends the track locally (no `ended` event); frames stop. */
  stop(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
  }

  getSettings(): { readonly deviceId?: string } {
    return {};
  }
  getConstraints(): Record<string, never> {
    return {};
  }
  getCapabilities(): Record<string, never> {
    return {};
  }
  async applyConstraints(): Promise<void> {}

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

  // ---- the W3C EventTarget side: ended, mute, unmute -----------------------------------------------------

  get onended(): ((ev: Event) => unknown) | null {
    return this.#events.handler("ended");
  }
  set onended(fn: ((ev: Event) => unknown) | null) {
    this.#events.setHandler("ended", fn);
  }
  get onmute(): ((ev: Event) => unknown) | null {
    return this.#events.handler("mute");
  }
  set onmute(fn: ((ev: Event) => unknown) | null) {
    this.#events.setHandler("mute", fn);
  }
  get onunmute(): ((ev: Event) => unknown) | null {
    return this.#events.handler("unmute");
  }
  set onunmute(fn: ((ev: Event) => unknown) | null) {
    this.#events.setHandler("unmute", fn);
  }
  addEventListener(type: string, listener: EventListenerLike | null, options?: AddListenerOptions): void {
    this.#events.add(type, listener, options);
  }
  removeEventListener(type: string, listener: EventListenerLike | null): void {
    this.#events.remove(type, listener);
  }
  dispatchEvent(event: Event): boolean {
    return this.#events.dispatch(event);
  }
}

export type MediaStreamTrackLike = LocalTrack | RemoteTrack;
