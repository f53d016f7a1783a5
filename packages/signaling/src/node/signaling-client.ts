/**
 * The Node signaling client, on `ws`. Every server message is validated (zod) before it is emitted.
 * After a lost connection it reconnects with exponential backoff and jitter — to the next of its URLs
 * when it has several (instances sharing rooms through Redis) — asks for its peer id back
 * (`hello.resume`, with the `seq` of the last message it got, so what was sent meanwhile comes once) and
 * rejoins its rooms; when the server no longer knows the id it gets a new one, and the rooms hear it join.
 * A server shutting down (1012) is left at once for the next URL. It gives up after
 * `reconnect.maxAttempts` failed attempts in a row, or when the server refuses its token.
 */
import { EventEmitter } from "node:events";
import { type Logger, pino } from "pino";
import WebSocket from "ws";
import {
  type ReconnectBackoffConfig,
  reconnectDelayMs,
  resolveReconnectBackoff,
} from "../machine/reconnect-backoff.js";
import { SignalingError, UsageError } from "../machine/signaling-error.js";
import { decodeServerMessage } from "../wire/signaling-codec.js";
import { SignalingErrorCode } from "../wire/signaling-error-code.js";
import type {
  ClientMessage,
  ErrorMessage,
  JoinedMessage,
  PeerJoinedMessage,
  PeerLeftMessage,
  PeerMessage,
  RelayedMessage,
  ServerMessage,
  WelcomeMessage,
} from "../wire/signaling-message.js";
import { PendingRequests } from "./pending-requests.js";
import { RoomEventHold } from "./room-event-hold.js";

export interface SignalingClientOptions {
  /** The shared-secret token, sent in the `hello` message (never in the URL). */
  readonly token?: string;
  /** A display name announced to rooms. */
  readonly name?: string;
  /** Reconnect after a lost connection (default on); `false` to stay closed. */
  readonly reconnect?: false | Partial<ReconnectBackoffConfig>;
  /** How long `connect()`, `join()`, `leave()` wait for the server. Default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /** A number in [0, 1) for the backoff jitter. Default Math.random. */
  readonly random?: () => number;
  readonly logger?: Logger;
}

export type SignalingClientState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface SignalingClientEvents {
  /** Each (re)connection's welcome (after a reconnect, `resumed` says whether the peer id was kept). */
  welcome: [welcome: WelcomeMessage];
  /** A room joined, including the automatic rejoin after a reconnect. */
  joined: [joined: JoinedMessage];
  "peer-joined": [message: PeerJoinedMessage];
  "peer-left": [message: PeerLeftMessage];
  /** Any peer message (offer, answer, candidate, end-of-candidates, bye). */
  signal: [message: RelayedMessage];
  /** An `error` from the server not tied to a pending request. */
  "server-error": [message: ErrorMessage];
  /** The connection was lost; `willReconnect` says whether a retry is scheduled. */
  disconnected: [info: { readonly code: number; readonly reason: string; readonly willReconnect: boolean }];
  /** A rejoin after a reconnect failed (the room is forgotten). */
  "rejoin-failed": [room: string, error: SignalingError];
  state: [state: SignalingClientState];
  /** A bug in Tern caught by the guard. Only emitted when listened to. */
  error: [error: Error];
}

/** Close codes after which the client does not come back: 4000, another connection resumed its peer id. */
const FINAL_CLOSE_CODES = new Set([4000]);
/** 1012 Service Restart: the server is shutting down gracefully; go to the next URL at once. */
const SERVICE_RESTART = 1012;
/** Peer messages kept while reconnecting. */
const MAX_QUEUED_SIGNALS = 256;

export class SignalingClient extends EventEmitter<SignalingClientEvents> {
  private ws: WebSocket | undefined;
  private currentState: SignalingClientState = "idle";
  private welcomeMsg: WelcomeMessage | undefined;
  private readonly joinedRooms = new Map<string, { readonly name?: string }>();
  private readonly pending: PendingRequests;
  private readonly heldEvents = new RoomEventHold(() => this.currentState !== "closed");
  private attempt = 0;
  private urlIndex = 0;
  /** The `seq` of the last relayed message received (Redis-backed servers number them). */
  private lastSeq: string | undefined;
  /** The server refused our token on a resume: reconnecting again would loop. */
  private refused = false;
  /** Peer messages sent while reconnecting, for after the resume (present only then). */
  private queued: PeerMessage[] | undefined;
  readonly urls: readonly string[];
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly backoff: ReconnectBackoffConfig | undefined;
  private readonly log: Logger;
  readonly counters = { "invalid-server-message": 0, "dropped-while-disconnected": 0, reconnects: 0 };

  /** One server URL, or several (instances of one deployment): reconnects go round them in order. */
  constructor(
    url: string | readonly string[],
    private readonly opts: SignalingClientOptions = {},
  ) {
    super();
    this.urls = typeof url === "string" ? [url] : [...url];
    if (this.urls.length === 0) throw new UsageError("SignalingClient needs at least one URL");
    this.pending = new PendingRequests(opts.requestTimeoutMs ?? 10_000);
    this.backoff = opts.reconnect === false ? undefined : resolveReconnectBackoff(opts.reconnect ?? {});
    this.log = opts.logger ?? pino({ level: "silent" });
  }

  /** The URL of the current (or next) connection. */
  get url(): string {
    return this.urls[this.urlIndex % this.urls.length] as string;
  }

  get state(): SignalingClientState {
    return this.currentState;
  }

  /** This client's peer id (of the current or last session). */
  get peerId(): string | undefined {
    return this.welcomeMsg?.peerId;
  }

  /** Rooms joined (and rejoined after reconnects). */
  get rooms(): ReadonlySet<string> {
    return new Set(this.joinedRooms.keys());
  }

  /** Opens the connection and says hello; resolves with the server's welcome. */
  connect(): Promise<WelcomeMessage> {
    if (this.currentState !== "idle") throw new UsageError(`connect() in state ${this.currentState}`);
    this.setState("connecting");
    return this.open();
  }

  /** Joins a room; resolves with the peers already there. Rejected with the server's error code. */
  async join(room: string, opts: { readonly name?: string } = {}): Promise<JoinedMessage> {
    const joined = (await this.request({ type: "join", room, ...opts }, "joined")) as JoinedMessage;
    this.joinedRooms.set(room, opts);
    return joined;
  }

  async leave(room: string): Promise<void> {
    this.joinedRooms.delete(room);
    await this.request({ type: "leave", room }, "left");
  }

  /**
   * Sends a peer message. While reconnecting, messages are queued (up to 256) and sent once the session
   * is resumed and its rooms rejoined — dropped if the server gave a new peer id instead. Returns false
   * (and counts it) when the message was dropped: idle, closed, or the queue full.
   */
  send(message: PeerMessage): boolean {
    if (this.currentState === "open" && this.ws?.readyState === WebSocket.OPEN && this.queued === undefined) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    if (this.currentState === "reconnecting" || this.currentState === "open") {
      this.queued ??= [];
      if (this.queued.length < MAX_QUEUED_SIGNALS) {
        this.queued.push(message);
        return true;
      }
    }
    this.counters["dropped-while-disconnected"]++;
    return false;
  }

  /** Closes for good: no reconnect; pending requests are rejected. */
  async close(): Promise<void> {
    if (this.currentState === "closed") return;
    this.setState("closed");
    this.queued = undefined;
    this.stopTimers();
    this.pending.rejectAll("closed", "client closed");
    const ws = this.ws;
    this.ws = undefined;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, "bye");
    });
  }

  private open(): Promise<WelcomeMessage> {
    return new Promise<WelcomeMessage>((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false });
      this.ws = ws;
      let welcomed = false;
      ws.on("open", () =>
        this.guard(() => {
          const resume = this.welcomeMsg;
          const hello: ClientMessage = {
            type: "hello",
            ...(this.opts.token !== undefined ? { token: this.opts.token } : {}),
            ...(this.opts.name !== undefined ? { name: this.opts.name } : {}),
            ...(resume !== undefined
              ? {
                  resume: {
                    peerId: resume.peerId,
                    secret: resume.resumeSecret,
                    ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}),
                  },
                }
              : {}),
          };
          this.request(hello, "welcome", ws).then(
            (m) => {
              welcomed = true;
              this.onWelcome(m as WelcomeMessage);
              resolve(m as WelcomeMessage);
            },
            (err: SignalingError) => {
              if (err.code === SignalingErrorCode.Unauthorized) this.refused = true;
              ws.terminate();
              reject(err);
            },
          );
        }),
      );
      ws.on("message", (data, isBinary) => this.guard(() => this.onFrame(ws, data, isBinary)));
      ws.on("ping", () => this.guard(() => this.feedWatchdog()));
      ws.on("error", (err) => this.log.debug({ err }, "signaling socket error"));
      ws.on("close", (code, reasonBuf) =>
        this.guard(() => {
          if (!welcomed)
            reject(new SignalingError("disconnected", `connection closed (${code}) before welcome`));
          this.onClose(ws, code, reasonBuf.toString());
        }),
      );
    });
  }

  private onWelcome(welcome: WelcomeMessage): void {
    const reconnecting = this.currentState === "reconnecting";
    if (!welcome.resumed) this.lastSeq = undefined;
    this.welcomeMsg = welcome;
    this.attempt = 0;
    this.setState("open");
    this.feedWatchdog();
    this.emit("welcome", welcome);
    if (!reconnecting) return;
    this.counters.reconnects++;
    const rejoins = [...this.joinedRooms].map(([room, o]) =>
      this.request({ type: "join", room, ...o }, "joined").catch((err: SignalingError) => {
        this.joinedRooms.delete(room);
        this.emit("rejoin-failed", room, err);
      }),
    );
    // What was sent while away goes out once the rooms are back, if the peer id is still ours.
    void Promise.all(rejoins).then(() => {
      const queued = this.queued ?? [];
      this.queued = undefined;
      if (!welcome.resumed || welcome !== this.welcomeMsg) {
        this.counters["dropped-while-disconnected"] += queued.length;
        return;
      }
      for (const m of queued) this.send(m);
    });
  }

  private onFrame(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (ws !== this.ws) return;
    this.feedWatchdog();
    const decoded = isBinary ? undefined : decodeServerMessage(rawText(data));
    if (decoded === undefined || !decoded.ok) {
      this.counters["invalid-server-message"]++;
      this.log.debug({ error: decoded?.error }, "invalid server message dropped");
      return;
    }
    const m = decoded.value;
    if (m.type === "welcome" || m.type === "joined" || m.type === "left" || m.type === "error") {
      if (this.pending.settle(m)) {
        if (m.type === "joined") this.emit("joined", m);
        // What follows a welcome or a joined in the same read (a resumed session's backlog, a room's first
        // offer) waits until the code awaiting it has run.
        if (m.type === "joined" || m.type === "welcome") this.heldEvents.hold();
        return;
      }
    }
    switch (m.type) {
      case "error":
        this.heldEvents.deliver(() => this.emit("server-error", m));
        return;
      case "peer-joined":
      case "peer-left":
        this.heldEvents.deliver(() => this.emit(m.type, m as PeerJoinedMessage & PeerLeftMessage));
        return;
      case "offer":
      case "answer":
      case "candidate":
      case "end-of-candidates":
      case "bye":
        if (m.seq !== undefined) this.lastSeq = m.seq;
        this.heldEvents.deliver(() => this.emit("signal", m));
        return;
      default:
        return;
    }
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    this.ws = undefined;
    this.stopTimers();
    this.pending.rejectAll("disconnected", `connection closed (${code})`);
    if (this.currentState === "closed") return;
    // Each retry goes to the next URL; a server that is shutting down (1012) is left for the next one now.
    if (this.urls.length > 1) this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    const retry = this.backoff !== undefined && this.welcomeMsg !== undefined && !this.refused;
    const delay =
      !retry || this.backoff === undefined || FINAL_CLOSE_CODES.has(code)
        ? undefined
        : code === SERVICE_RESTART && this.attempt === 0
          ? 0
          : reconnectDelayMs(this.backoff, this.attempt, this.opts.random ?? Math.random);
    this.emit("disconnected", { code, reason, willReconnect: delay !== undefined });
    if (delay === undefined) {
      this.setState("closed");
      return;
    }
    this.setState("reconnecting");
    this.attempt++;
    this.log.info({ code, reason, delayMs: Math.round(delay) }, "signaling connection lost; reconnecting");
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.currentState !== "reconnecting") return;
      // A failed attempt ends in onClose again, which schedules the next one.
      this.open().catch((err: unknown) => this.log.debug({ err }, "reconnect attempt failed"));
    }, delay);
  }

  /** The server pings every `heartbeatMs`: silence for 2.5 periods means it (or the path) is gone. */
  private feedWatchdog(): void {
    const hb = this.welcomeMsg?.heartbeatMs ?? 0;
    if (hb <= 0 || this.currentState !== "open") return;
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.log.info("no ping from the signaling server; reconnecting");
      this.ws?.terminate();
    }, hb * 2.5);
    this.watchdog.unref();
  }

  private request(
    message: ClientMessage,
    expect: ServerMessage["type"],
    via?: WebSocket,
  ): Promise<ServerMessage> {
    const ws = via ?? this.ws;
    if (
      ws === undefined ||
      ws.readyState !== WebSocket.OPEN ||
      (via === undefined && this.currentState !== "open")
    ) {
      return Promise.reject(new SignalingError("disconnected", `cannot send ${message.type}: not connected`));
    }
    const { id, reply } = this.pending.open(`${message.type} (${expect})`);
    ws.send(JSON.stringify({ ...message, id }));
    return reply;
  }

  private stopTimers(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.retryTimer = undefined;
    this.watchdog = undefined;
  }

  private setState(state: SignalingClientState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit("state", state);
  }

  /** One guard for every socket and timer callback: what it catches is our bug. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, "signaling client internal error");
      if (this.listenerCount("error") > 0)
        this.emit("error", err instanceof Error ? err : new Error(String(err)));
    }
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
