import { EventEmitter } from "node:events";
import { DataChannelUsageError } from "../machine/data-channel-error.js";
import type {
  DataChannelPriority,
  DataChannelReadyState,
  DataChannelState,
} from "../machine/data-channel-state.js";
import type { DataChannelErrorDetail, DataChannelsEvent } from "../machine/data-channels.js";

export type { DataChannelPriority, DataChannelReadyState } from "../machine/data-channel-state.js";

/** What `send` takes besides strings and bytes: a W3C `Blob`, or anything with its `size` and `arrayBuffer()`. */
export interface BlobLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type DataChannelMessageData = string | ArrayBuffer | ArrayBufferView | BlobLike;

/** W3C RTCDataChannelInit (webrtc-pc §6.2, with webrtc-priority's `priority`). */
export interface DataChannelInit {
  readonly ordered?: boolean;
  readonly maxPacketLifeTime?: number | null;
  readonly maxRetransmits?: number | null;
  readonly protocol?: string;
  readonly negotiated?: boolean;
  readonly id?: number | null;
  readonly priority?: DataChannelPriority;
}

export interface DataChannelEvents {
  open: [];
  /** A text message as a string; a binary one as a Buffer (a view: copy it to keep it past the callback's turn). */
  message: [data: string | Buffer];
  bufferedamountlow: [];
  /** The channel failed (a malformed DCEP message, the SCTP association's failure); `close` follows. */
  error: [error: Error];
  /** The peer began closing the channel. */
  closing: [];
  close: [];
}

/**
 * What a channel needs from its connection: the data-channel machine's `send` and `close`, run on the
 * connection's transport (which pumps it afterwards). Either may throw `DataChannelUsageError`.
 * @internal
 */
export interface DataChannelLink {
  send(state: DataChannelState, data: Uint8Array, binary: boolean): void;
  close(state: DataChannelState): void;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The W3C exception for a data-channel usage error (webrtc-pc §6.1 createDataChannel, §6.2 send). */
export function dataChannelException(err: unknown): unknown {
  if (!(err instanceof DataChannelUsageError)) return err;
  switch (err.code) {
    case "invalid-argument":
    case "message-too-large":
      return new TypeError(err.message);
    case "invalid-state":
      return new DOMException(err.message, "InvalidStateError");
    default:
      return new DOMException(err.message, "OperationError");
  }
}

function isBlobLike(d: unknown): d is BlobLike {
  return (
    typeof d === "object" &&
    d !== null &&
    typeof (d as BlobLike).size === "number" &&
    typeof (d as BlobLike).arrayBuffer === "function"
  );
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/**
 * A WebRTC data channel (RFC 8831) for Node habits: an `EventEmitter` with the W3C RTCDataChannel's
 * attributes, methods and exceptions (webrtc-pc §6.2). The protocol is in the connection's sans-IO
 * `DataChannels` machine; this is its handle. The W3C `RTCDataChannel` (`@tern/peer/w3c`) wraps it.
 *
 * `send` queues the message (bytes are not copied: do not change them afterwards) and returns; it throws
 * `InvalidStateError` unless the channel is open, `TypeError` for a message over the peer's
 * max-message-size, `OperationError` when the send buffer is full. A Blob is read first and sent in its
 * place in the order of `send` calls; its size counts in `bufferedAmount` meanwhile.
 */
export class DataChannel extends EventEmitter<DataChannelEvents> {
  readonly #state: DataChannelState;
  readonly #link: DataChannelLink;
  /** Sends waiting behind a Blob being read, in order; their bytes count in bufferedAmount. */
  #waiting: { data: Uint8Array | BlobLike; binary: boolean }[] = [];
  #waitingBytes = 0;
  #reading = false;

  /** @internal made by the peer connection */
  constructor(state: DataChannelState, link: DataChannelLink) {
    super();
    this.#state = state;
    this.#link = link;
  }

  /** @internal the machine's record of this channel */
  get state(): DataChannelState {
    return this.#state;
  }

  get label(): string {
    return this.#state.label;
  }
  get protocol(): string {
    return this.#state.protocol;
  }
  get ordered(): boolean {
    return this.#state.ordered;
  }
  get maxPacketLifeTime(): number | null {
    return this.#state.maxPacketLifeTime;
  }
  get maxRetransmits(): number | null {
    return this.#state.maxRetransmits;
  }
  get negotiated(): boolean {
    return this.#state.negotiated;
  }
  /** The SCTP stream id; null until the DTLS role is known. */
  get id(): number | null {
    return this.#state.id;
  }
  get priority(): DataChannelPriority {
    return this.#state.priority;
  }
  get readyState(): DataChannelReadyState {
    return this.#state.readyState;
  }
  /** Bytes given to `send` and not yet handed to the network. */
  get bufferedAmount(): number {
    return this.#state.bufferedAmount + this.#waitingBytes;
  }
  get bufferedAmountLowThreshold(): number {
    return this.#state.bufferedAmountLowThreshold;
  }
  set bufferedAmountLowThreshold(v: number) {
    this.#state.bufferedAmountLowThreshold = Math.max(0, Math.trunc(Number(v)) || 0);
  }
  /** webrtc-stats: messages and bytes both ways. */
  get counters(): Readonly<DataChannelState["counters"]> {
    return this.#state.counters;
  }

  /** A string goes as UTF-8 text (PPID 51), bytes as binary (PPID 53); empty ones with the empty PPIDs. */
  send(data: DataChannelMessageData): void {
    if (this.#state.readyState !== "open") {
      throw new DOMException(`the channel is ${this.#state.readyState}`, "InvalidStateError");
    }
    let item: { data: Uint8Array | BlobLike; binary: boolean };
    if (typeof data === "string") item = { data: utf8Encoder.encode(data), binary: false };
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data))
      item = { data: bytesOf(data), binary: true };
    else if (isBlobLike(data)) item = { data, binary: true };
    else throw new TypeError("send takes a string, an ArrayBuffer, an ArrayBufferView or a Blob");
    const size = item.data instanceof Uint8Array ? item.data.length : item.data.size;
    if (this.#reading || !(item.data instanceof Uint8Array)) {
      // behind a Blob: checked now, sent in turn
      const max = this.#maxMessageSizeHint();
      if (max !== undefined && size > max) throw new TypeError(`${size} bytes, over max-message-size ${max}`);
      this.#waiting.push(item);
      this.#waitingBytes += size;
      void this.#readWaiting();
      return;
    }
    try {
      this.#link.send(this.#state, item.data, item.binary);
    } catch (err) {
      throw dataChannelException(err);
    }
  }

  /** Closing (RFC 8831 §6.7): `closing`, then `close` once the stream is reset both ways. */
  close(): void {
    this.#waiting = [];
    this.#waitingBytes = 0;
    this.#link.close(this.#state);
  }

  /** Why the channel failed, once it did (W3C RTCErrorDetailType). */
  errorDetail: DataChannelErrorDetail | undefined;

  /** @internal the largest message the connection takes, for sends waiting on a Blob */
  maxMessageSize: (() => number | undefined) | undefined;

  #maxMessageSizeHint(): number | undefined {
    return this.maxMessageSize?.();
  }

  async #readWaiting(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (this.#waiting.length > 0) {
        const next = this.#waiting[0];
        if (next === undefined) break;
        const bytes =
          next.data instanceof Uint8Array ? next.data : new Uint8Array(await next.data.arrayBuffer());
        if (this.#waiting[0] !== next) continue; // close() emptied the queue while reading
        this.#waiting.shift();
        this.#waitingBytes -= next.data instanceof Uint8Array ? next.data.length : next.data.size;
        if (this.#state.readyState !== "open") continue;
        try {
          this.#link.send(this.#state, bytes, next.binary);
        } catch (err) {
          this.#emitError(err instanceof Error ? err : new Error(String(err)));
        }
      }
    } catch (err) {
      this.#emitError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.#reading = false;
    }
  }

  #emitError(err: Error): void {
    if (this.listenerCount("error") > 0) this.emit("error", err);
  }

  /** @internal one event of the machine about this channel */
  deliver(e: DataChannelsEvent): void {
    switch (e.kind) {
      case "open":
        this.emit("open");
        break;
      case "message":
        this.emit(
          "message",
          e.binary
            ? Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength)
            : utf8Decoder.decode(e.data),
        );
        break;
      case "buffered-amount-low":
        this.emit("bufferedamountlow");
        break;
      case "closing":
        this.emit("closing");
        break;
      case "error":
        this.errorDetail = e.detail;
        this.#emitError(new Error(e.reason));
        break;
      case "close":
        this.#waiting = [];
        this.#waitingBytes = 0;
        this.emit("close");
        break;
      default:
        break;
    }
  }
}
