import { EventEmitter } from "node:events";
import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type WorkerOptions } from "node:worker_threads";
import { silentLogger } from "@tern/ice";
import type { Logger } from "pino";
import type { OpenConnection, WorkerReport } from "./serve-connections.js";
import { SignalingPort } from "./signaling-port.js";

export interface ConnectionWorkersOptions {
  /** The worker script: it calls `serveConnections(handler)` when loaded. */
  readonly module: URL | string;
  /** How many worker threads; default `os.availableParallelism()`. */
  readonly workers?: number;
  /** Passed to every `Worker` (workerData, resourceLimits, execArgv…). */
  readonly workerOptions?: WorkerOptions;
  /** How long a worker may take to load its script; default 30 s. */
  readonly readyTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface ConnectionWorkersEvents {
  /** A worker thread failed (its connections are gone). Only emitted when listened to. */
  error: [error: Error];
}

interface Slot {
  readonly worker: Worker;
  readonly open: Map<number, SignalingPort>;
}

/**
 * Spreads peer connections over worker threads: one media path per thread, so a server with many
 * connections uses its cores. Each connection lives in one worker, where `serveConnections` runs the
 * application's per-connection code (the same code as with one thread: make a PeerConnection, answer,
 * forward media…); the thread that holds the signaling talks to it through a `SignalingPort`. A new
 * connection goes to the worker with the fewest open ones.
 */
export class ConnectionWorkers extends EventEmitter<ConnectionWorkersEvents> {
  readonly #slots: Slot[];
  readonly #log: Logger;
  #nextId = 1;

  private constructor(slots: Slot[], log: Logger) {
    super();
    this.#slots = slots;
    this.#log = log;
    slots.forEach((s, i) => {
      s.worker.on("message", (m: WorkerReport) => {
        if (m.kind === "closed") s.open.delete(m.id);
        else if (m.kind === "failed") {
          this.#log.warn({ worker: i, connection: m.id, error: m.error }, "connection failed in its worker");
          s.open.get(m.id)?.close();
          s.open.delete(m.id);
        }
      });
      s.worker.on("error", (err) => {
        this.#log.error({ err, worker: i }, "worker failed");
        for (const p of s.open.values()) p.close();
        s.open.clear();
        if (this.listenerCount("error") > 0) this.emit("error", err);
      });
    });
  }

  /** Starts the workers and waits until each has loaded its script. */
  static async start(o: ConnectionWorkersOptions): Promise<ConnectionWorkers> {
    const n = o.workers ?? availableParallelism();
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError("workers must be a positive integer");
    const slots: Slot[] = Array.from({ length: n }, () => ({
      worker: new Worker(o.module, o.workerOptions),
      open: new Map<number, SignalingPort>(),
    }));
    const timeoutMs = o.readyTimeoutMs ?? 30_000;
    try {
      await Promise.all(slots.map((s) => ready(s.worker, timeoutMs)));
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    return new ConnectionWorkers(slots, o.logger ?? silentLogger());
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Open connections per worker. */
  load(): number[] {
    return this.#slots.map((s) => s.open.size);
  }

  /**
   * A new connection on the least-loaded worker (`init` reaches its handler, structured-cloned); the
   * returned port carries the connection's signaling both ways.
   */
  open(init?: unknown): { readonly signaling: SignalingPort; readonly worker: number } {
    let best = 0;
    for (let i = 1; i < this.#slots.length; i++) {
      if ((this.#slots[i] as Slot).open.size < (this.#slots[best] as Slot).open.size) best = i;
    }
    const slot = this.#slots[best] as Slot;
    const id = this.#nextId++;
    const { port1, port2 } = new MessageChannel();
    const signaling = new SignalingPort(port1);
    slot.open.set(id, signaling);
    signaling.once("closed", () => slot.open.delete(id));
    slot.worker.postMessage({ kind: "open", id, init: init ?? null, port: port2 } satisfies OpenConnection, [
      port2,
    ]);
    return { signaling, worker: best };
  }

  /** Closes every connection's port and stops the workers. */
  async close(): Promise<void> {
    for (const s of this.#slots) for (const p of s.open.values()) p.close();
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}

function ready(worker: Worker, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`worker not ready within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: WorkerReport): void => {
      if (m.kind === "ready") done();
    };
    const onError = (e: Error): void => done(e);
    const onExit = (code: number): void => done(new Error(`worker exited ${code} before it was ready`));
    function done(e?: Error): void {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (e) reject(e);
      else resolve();
    }
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
