/**
 * Test harness: a raw protocol peer on `ws` that sees every server message in order (each validated
 * against the server schema), and a cleanup list. Nothing here sleeps: every wait is on a message, an
 * event or a close, and the test's one wall-clock timeout bounds it.
 */
import { once } from "node:events";
import WebSocket from "ws";
import {
  type ClientMessage,
  decodeServerMessage,
  type RunningSignalingServer,
  type ServerMessage,
  type SignalingClient,
  type SignalingClientEvents,
  type SignalingServerOptions,
  startSignalingServer,
} from "../../src/index.js";

type Waiter = (m: ServerMessage) => void;

export class RawPeer {
  private readonly inbox: ServerMessage[] = [];
  private waiter: Waiter | undefined;
  private nextId = 1;
  /** Whether the server's welcome has been taken (by hello(), or skipped by join()). */
  private welcomed = false;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const d = decodeServerMessage(isBinary ? "" : (data as Buffer).toString("utf8"));
      if (!d.ok) throw new Error(`server sent a message outside its schema: ${d.error.message}`);
      const w = this.waiter;
      if (w !== undefined) {
        this.waiter = undefined;
        w(d.value);
      } else this.inbox.push(d.value);
    });
    this.closed = once(ws, "close").then(([code, reason]) => ({
      code: code as number,
      reason: String(reason),
    }));
  }

  static async connect(url: string, opts: WebSocket.ClientOptions = {}): Promise<RawPeer> {
    const ws = new WebSocket(url, opts);
    const peer = new RawPeer(ws);
    await once(ws, "open");
    return peer;
  }

  /** The next message from the server, whatever it is (strict order). */
  next(): Promise<ServerMessage> {
    const m = this.inbox.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.waiter !== undefined) throw new Error("one next() at a time");
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** The next message, which must be of `type`. */
  async expect<T extends ServerMessage["type"]>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    const m = await this.next();
    if (m.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(m)}`);
    return m as Extract<ServerMessage, { type: T }>;
  }

  /** Messages received and not yet taken. */
  get pending(): number {
    return this.inbox.length;
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  async hello(fields: Record<string, unknown> = {}): Promise<Extract<ServerMessage, { type: "welcome" }>> {
    this.send({ type: "hello", ...fields });
    const w = await this.expect("welcome");
    this.welcomed = true;
    return w;
  }

  async join(room: string, name?: string): Promise<Extract<ServerMessage, { type: "joined" }>> {
    const id = `j${this.nextId++}`;
    this.send({ type: "join", id, room, ...(name !== undefined ? { name } : {}) });
    // Without a hello, the first message opens the session: its welcome comes first.
    if (!this.welcomed) {
      await this.expect("welcome");
      this.welcomed = true;
    }
    const m = await this.expect("joined");
    if (m.id !== id) throw new Error(`joined for ${String(m.id)}, expected ${id}`);
    return m;
  }

  /**
   * A round trip through the server: re-joining a room one is in answers `joined` (and announces nothing).
   * Every message the server queued for this peer earlier arrives before it.
   */
  async barrier(room: string): Promise<Extract<ServerMessage, { type: "joined" }>> {
    return this.join(room);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Resources to release after each test, last in first out. */
export class Cleanup {
  private readonly fns: (() => unknown)[] = [];

  add<T>(value: T, fn: (v: T) => unknown): T {
    this.fns.push(() => fn(value));
    return value;
  }

  async server(opts: SignalingServerOptions = {}): Promise<RunningSignalingServer> {
    const srv = await startSignalingServer({ port: 0, host: "127.0.0.1", ...opts });
    return this.add(srv, (s) => s.close());
  }

  async peer(url: string, opts?: WebSocket.ClientOptions): Promise<RawPeer> {
    return this.add(await RawPeer.connect(url, opts), (p) => p.close());
  }

  async run(): Promise<void> {
    for (const fn of this.fns.splice(0).reverse()) await fn();
  }
}

/** Resolves with the arguments of the client's first `event` that passes `pred`. */
export function waitFor<K extends keyof SignalingClientEvents>(
  client: SignalingClient,
  event: K,
  pred: (...args: SignalingClientEvents[K]) => boolean = () => true,
): Promise<SignalingClientEvents[K]> {
  return new Promise((resolve) => {
    const l = (...args: SignalingClientEvents[K]): void => {
      if (!pred(...args)) return;
      client.off(event, l as never);
      resolve(args);
    };
    client.on(event, l as never);
  });
}
