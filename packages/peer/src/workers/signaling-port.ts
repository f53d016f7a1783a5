import { EventEmitter } from "node:events";
import type { MessagePort } from "node:worker_threads";

export interface SignalingPortEvents {
  /** A message from the other end (structured clone: SDP, candidates, anything the application sends). */
  message: [message: unknown];
  /** Either end closed the connection's port. */
  closed: [];
}

interface Envelope {
  readonly kind: "message" | "close";
  readonly message?: unknown;
}

/**
 * One end of the signaling channel between the thread that owns the application's signaling and the
 * worker thread that runs the connection: where a WebSocket would carry offer, answer and candidates
 * to the peer connection, this carries them across threads. Both ends have the same shape.
 */
export class SignalingPort extends EventEmitter<SignalingPortEvents> {
  #closed = false;

  constructor(private readonly port: MessagePort) {
    super();
    port.on("message", (e: Envelope) => {
      if (e.kind === "close") this.#end(false);
      else this.emit("message", e.message);
    });
    port.on("close", () => this.#end(false));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends a message to the other end (dropped once closed). */
  send(message: unknown): void {
    if (this.#closed) return;
    this.port.postMessage({ kind: "message", message } satisfies Envelope);
  }

  /** Closes both ends. */
  close(): void {
    this.#end(true);
  }

  #end(tell: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (tell) this.port.postMessage({ kind: "close" } satisfies Envelope);
    this.port.close();
    this.emit("closed");
  }
}
