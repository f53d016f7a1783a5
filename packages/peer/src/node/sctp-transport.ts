import { EventEmitter } from "node:events";
import type { DataChannels } from "../machine/data-channels.js";

/** W3C RTCSctpTransportState (webrtc-pc §6.1.1). */
export type SctpTransportStateName = "connecting" | "connected" | "closed";

export interface SctpTransportEvents {
  statechange: [state: SctpTransportStateName];
}

/**
 * The SCTP transport of a connection's data channels (W3C RTCSctpTransport, webrtc-pc §6.1.1) for Node
 * habits: its state, the largest message `send` takes (the peer's a=max-message-size, RFC 8841 §6.1) and
 * the number of channels the association allows. It exists once a negotiation accepted a data m= section.
 */
export class SctpTransport extends EventEmitter<SctpTransportEvents> {
  readonly #machine: DataChannels;
  #state: SctpTransportStateName = "connecting";

  /** @internal made by the peer connection */
  constructor(machine: DataChannels) {
    super();
    this.#machine = machine;
  }

  get state(): SctpTransportStateName {
    return this.#state;
  }

  /** The largest message `send` takes, in bytes. */
  get maxMessageSize(): number {
    return this.#machine.maxMessageSize ?? 65536;
  }

  /** Streams both ways (the channels that can be open at once); null until the association is up. */
  get maxChannels(): number | null {
    return this.#machine.maxChannels;
  }

  /** @internal the machine's state changed (or not) */
  update(): void {
    const s = this.#machine.state;
    const next: SctpTransportStateName = s === "new" ? "connecting" : s;
    if (next === this.#state || this.#state === "closed") return;
    this.#state = next;
    this.emit("statechange", next);
  }

  /** @internal the connection closed: no event (W3C close()) */
  closed(): void {
    this.#state = "closed";
  }
}
