import type {
  DataChannel,
  DataChannelMessageData,
  DataChannelPriority,
  DataChannelReadyState,
} from "../node/data-channel.js";
import { type EventHandler, EventHandlerAttributes } from "../node/event-handlers.js";
import { RTCError } from "../node/peer-connection-types.js";

/** W3C webrtc-pc §6.2 BinaryType of RTCDataChannel. */
export type RTCDataChannelBinaryType = "arraybuffer" | "blob";

/** W3C webrtc-pc §6.2 RTCDataChannelInit. */
export type { DataChannelInit as RTCDataChannelInit } from "../node/data-channel.js";

/** W3C webrtc-pc §11.2 RTCErrorEvent (a data channel's `error`). */
export class RTCErrorEvent extends Event {
  readonly error: RTCError;
  constructor(type: string, init: { error: RTCError }) {
    super(type);
    this.error = init.error;
  }
}

/** W3C webrtc-pc §6.3 RTCDataChannelEvent (`datachannel`). */
export class RTCDataChannelEvent extends Event {
  readonly channel: RTCDataChannel;
  constructor(type: string, init: { channel: RTCDataChannel }) {
    super(type);
    this.channel = init.channel;
  }
}

/**
 * W3C webrtc-pc §6.2 RTCDataChannel: an `EventTarget` with the `on…` handler attributes, `binaryType`
 * ("arraybuffer", or "blob" for `Blob` messages) and the spec's exceptions. A thin façade over the Node
 * `DataChannel` (`channel.dataChannel`), which takes every decision.
 */
export class RTCDataChannel extends EventTarget {
  readonly #dc: DataChannel;
  readonly #handlers = new EventHandlerAttributes(this);
  #binaryType: RTCDataChannelBinaryType = "arraybuffer";

  /** @internal made by RTCPeerConnection */
  constructor(dc: DataChannel) {
    super();
    this.#dc = dc;
    dc.on("open", () => this.dispatchEvent(new Event("open")));
    dc.on("bufferedamountlow", () => this.dispatchEvent(new Event("bufferedamountlow")));
    dc.on("closing", () => this.dispatchEvent(new Event("closing")));
    dc.on("close", () => this.dispatchEvent(new Event("close")));
    dc.on("error", (err) => {
      const error = new RTCError({ errorDetail: dc.errorDetail ?? "data-channel-failure" }, err.message);
      this.dispatchEvent(new RTCErrorEvent("error", { error }));
    });
    dc.on("message", (data) => this.dispatchEvent(new MessageEvent("message", { data: this.#data(data) })));
  }

  #data(data: string | Buffer): string | ArrayBuffer | Blob {
    if (typeof data === "string") return data;
    if (this.#binaryType === "blob") return new Blob([data]);
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    return whole && data.buffer instanceof ArrayBuffer
      ? data.buffer
      : (new Uint8Array(data).buffer as ArrayBuffer);
  }

  /** The Node-level channel underneath. */
  get dataChannel(): DataChannel {
    return this.#dc;
  }

  get label(): string {
    return this.#dc.label;
  }
  get ordered(): boolean {
    return this.#dc.ordered;
  }
  get maxPacketLifeTime(): number | null {
    return this.#dc.maxPacketLifeTime;
  }
  get maxRetransmits(): number | null {
    return this.#dc.maxRetransmits;
  }
  get protocol(): string {
    return this.#dc.protocol;
  }
  get negotiated(): boolean {
    return this.#dc.negotiated;
  }
  get id(): number | null {
    return this.#dc.id;
  }
  get priority(): DataChannelPriority {
    return this.#dc.priority;
  }
  get readyState(): DataChannelReadyState {
    return this.#dc.readyState;
  }
  get bufferedAmount(): number {
    return this.#dc.bufferedAmount;
  }
  get bufferedAmountLowThreshold(): number {
    return this.#dc.bufferedAmountLowThreshold;
  }
  set bufferedAmountLowThreshold(v: number) {
    this.#dc.bufferedAmountLowThreshold = v;
  }
  get binaryType(): RTCDataChannelBinaryType {
    return this.#binaryType;
  }
  set binaryType(v: RTCDataChannelBinaryType) {
    if (v !== "arraybuffer" && v !== "blob") throw new DOMException(`binaryType ${String(v)}`, "SyntaxError");
    this.#binaryType = v;
  }

  /**
   * Throws InvalidStateError unless open, TypeError over the peer's max-message-size, OperationError when
   * the send buffer is full.
   */
  send(data: DataChannelMessageData): void {
    this.#dc.send(data);
  }

  close(): void {
    this.#dc.close();
  }

  get onopen(): EventHandler {
    return this.#handlers.get("open");
  }
  set onopen(fn: EventHandler) {
    this.#handlers.set("open", fn);
  }
  get onbufferedamountlow(): EventHandler {
    return this.#handlers.get("bufferedamountlow");
  }
  set onbufferedamountlow(fn: EventHandler) {
    this.#handlers.set("bufferedamountlow", fn);
  }
  get onerror(): EventHandler<RTCErrorEvent> {
    return this.#handlers.get("error");
  }
  set onerror(fn: EventHandler<RTCErrorEvent>) {
    this.#handlers.set("error", fn);
  }
  get onclosing(): EventHandler {
    return this.#handlers.get("closing");
  }
  set onclosing(fn: EventHandler) {
    this.#handlers.set("closing", fn);
  }
  get onclose(): EventHandler {
    return this.#handlers.get("close");
  }
  set onclose(fn: EventHandler) {
    this.#handlers.set("close", fn);
  }
  get onmessage(): EventHandler<MessageEvent> {
    return this.#handlers.get("message");
  }
  set onmessage(fn: EventHandler<MessageEvent>) {
    this.#handlers.set("message", fn);
  }
}
