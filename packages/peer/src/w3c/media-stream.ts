import { randomUUID } from "node:crypto";
import { type EventHandler, EventHandlerAttributes } from "../node/event-handlers.js";
import type { MediaStreamTrackLike } from "../node/media-track.js";

/** W3C mediacapture-main MediaStreamTrackEvent (`addtrack` / `removetrack` on a MediaStream). */
export class MediaStreamTrackEvent extends Event {
  readonly track: MediaStreamTrackLike;
  constructor(type: string, init: { track: MediaStreamTrackLike }) {
    super(type);
    this.track = init.track;
  }
}

/**
 * W3C mediacapture-main MediaStream: a set of tracks under an id (the msid stream id of RFC 8830 for a
 * remote stream). Tern's tracks are `LocalTrack` (frames you write) and `RemoteTrack` (frames you get).
 */
export class MediaStream extends EventTarget {
  readonly id: string;
  readonly #tracks = new Set<MediaStreamTrackLike>();
  readonly #handlers = new EventHandlerAttributes(this);

  // A rest tuple: `length` 0, as in browsers.
  constructor(...[init]: [init?: MediaStream | readonly MediaStreamTrackLike[]]) {
    super();
    this.id = randomUUID();
    const tracks = init instanceof MediaStream ? init.getTracks() : (init ?? []);
    for (const t of tracks) this.#tracks.add(t);
  }

  /** @internal a remote stream, under the id the remote description gave it. */
  static withId(id: string): MediaStream {
    const s = new MediaStream();
    Object.defineProperty(s, "id", { value: id });
    return s;
  }

  /** True while a track is not ended. */
  get active(): boolean {
    return [...this.#tracks].some((t) => t.readyState === "live");
  }
  getTracks(): MediaStreamTrackLike[] {
    return [...this.#tracks];
  }
  getAudioTracks(): MediaStreamTrackLike[] {
    return this.getTracks().filter((t) => t.kind === "audio");
  }
  getVideoTracks(): MediaStreamTrackLike[] {
    return this.getTracks().filter((t) => t.kind === "video");
  }
  getTrackById(id: string): MediaStreamTrackLike | null {
    return this.getTracks().find((t) => t.id === id) ?? null;
  }
  addTrack(track: MediaStreamTrackLike): void {
    this.#tracks.add(track);
  }
  removeTrack(track: MediaStreamTrackLike): void {
    this.#tracks.delete(track);
  }
  /** A new stream (new id) with the same tracks. */
  clone(): MediaStream {
    return new MediaStream(this.getTracks());
  }

  /** @internal a remote track joined the stream: `addtrack` fires. */
  addRemoteTrack(track: MediaStreamTrackLike): void {
    if (this.#tracks.has(track)) return;
    this.#tracks.add(track);
    this.dispatchEvent(new MediaStreamTrackEvent("addtrack", { track }));
  }

  /** @internal a remote track left the stream: `removetrack` fires. */
  removeRemoteTrack(track: MediaStreamTrackLike): void {
    if (!this.#tracks.delete(track)) return;
    this.dispatchEvent(new MediaStreamTrackEvent("removetrack", { track }));
  }

  get onaddtrack(): EventHandler {
    return this.#handlers.get("addtrack");
  }
  set onaddtrack(fn: EventHandler<MediaStreamTrackEvent>) {
    this.#handlers.set("addtrack", fn);
  }
  get onremovetrack(): EventHandler {
    return this.#handlers.get("removetrack");
  }
  set onremovetrack(fn: EventHandler<MediaStreamTrackEvent>) {
    this.#handlers.set("removetrack", fn);
  }
}
