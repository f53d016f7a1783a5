import { type EventHandler, EventHandlerAttributes } from "../node/event-handlers.js";
import type { SctpTransport, SctpTransportStateName } from "../node/sctp-transport.js";

/**
 * W3C webrtc-pc §6.1.1 RTCSctpTransport: `state`, `maxMessageSize`, `maxChannels`, `onstatechange`. A
 * façade over the Node `SctpTransport`. `transport` is null: Tern has no RTCDtlsTransport object (one
 * BUNDLE transport; its state is the connection's, and the `transport` stats entry).
 */
export class RTCSctpTransport extends EventTarget {
  readonly #t: SctpTransport;
  readonly #handlers = new EventHandlerAttributes(this);

  /** @internal made by RTCPeerConnection */
  constructor(t: SctpTransport) {
    super();
    this.#t = t;
    t.on("statechange", () => this.dispatchEvent(new Event("statechange")));
  }

  get transport(): null {
    return null;
  }
  get state(): SctpTransportStateName {
    return this.#t.state;
  }
  get maxMessageSize(): number {
    return this.#t.maxMessageSize;
  }
  get maxChannels(): number | null {
    return this.#t.maxChannels;
  }
  get onstatechange(): EventHandler {
    return this.#handlers.get("statechange");
  }
  set onstatechange(fn: EventHandler) {
    this.#handlers.set("statechange", fn);
  }
}
