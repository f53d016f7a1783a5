import { isMainThread, type MessagePort, parentPort } from "node:worker_threads";
import { silentLogger } from "@tern/ice";
import type { Logger } from "pino";
import { SignalingPort } from "./signaling-port.js";

/**
 * What a worker does with one connection: the application's per-connection code, unchanged but for where
 * its signaling comes from (a `SignalingPort` instead of, say, a WebSocket). `init` is what the main
 * thread passed to `ConnectionWorkers.open`.
 */
export type ConnectionHandler = (signaling: SignalingPort, init: unknown) => void | Promise<void>;

/** Main thread → worker: a new connection and its port. */
export interface OpenConnection {
  readonly kind: "open";
  readonly id: number;
  readonly init: unknown;
  readonly port: MessagePort;
}

/** Worker → main thread. */
export type WorkerReport =
  | { readonly kind: "ready" }
  | { readonly kind: "closed"; readonly id: number }
  | { readonly kind: "failed"; readonly id: number; readonly error: string };

/**
 * In a worker script started by `ConnectionWorkers`: runs `handler` for every connection the main thread
 * opens on this worker. A handler that throws (or rejects) fails that connection only: its port is
 * closed and the main thread told.
 */
export function serveConnections(handler: ConnectionHandler, o: { readonly logger?: Logger } = {}): void {
  const parent = parentPort;
  if (isMainThread || !parent)
    throw new Error("serveConnections runs in a worker started by ConnectionWorkers");
  const log = o.logger ?? silentLogger();
  parent.on("message", (m: OpenConnection) => {
    if (m.kind !== "open") return;
    const port = new SignalingPort(m.port);
    port.once("closed", () => parent.postMessage({ kind: "closed", id: m.id } satisfies WorkerReport));
    const fail = (err: unknown): void => {
      log.error({ err, connection: m.id }, "connection handler failed");
      parent.postMessage({ kind: "failed", id: m.id, error: String(err) } satisfies WorkerReport);
      port.close();
    };
    try {
      const r = handler(port, m.init);
      if (r instanceof Promise) r.catch(fail);
    } catch (err) {
      fail(err);
    }
  });
  parent.postMessage({ kind: "ready" } satisfies WorkerReport);
}
