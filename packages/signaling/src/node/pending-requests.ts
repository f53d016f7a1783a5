/**
 * The client's requests waiting for their reply (`welcome`, `joined`, `left`, or an `error` with the same
 * id), each with its own timeout. Rejected all at once when the connection goes.
 */
import { SignalingError } from "../machine/signaling-error.js";
import type { ServerMessage } from "../wire/signaling-message.js";

interface Pending {
  readonly resolve: (m: ServerMessage) => void;
  readonly reject: (e: SignalingError) => void;
  readonly timer: NodeJS.Timeout;
}

export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;

  constructor(private readonly timeoutMs: number) {}

  /** A new request id and the promise of its reply; `what` names it in the timeout error. */
  open(what: string): { readonly id: string; readonly reply: Promise<ServerMessage> } {
    const id = `r${this.nextId++}`;
    const reply = new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError("timeout", `no answer to ${what} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    return { id, reply };
  }

  /** Settles the request `m` answers; returns whether there was one. */
  settle(m: ServerMessage & { readonly id?: string }): boolean {
    const p = m.id === undefined ? undefined : this.pending.get(m.id);
    if (p === undefined || m.id === undefined) return false;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.type === "error") p.reject(new SignalingError(m.code, m.message));
    else p.resolve(m);
    return true;
  }

  rejectAll(code: "disconnected" | "closed", why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new SignalingError(code, why));
    }
  }
}
