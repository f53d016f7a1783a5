// @ts-check
/**
 * @tern/signaling browser client: a dependency-free ES module, served by the signaling server at
 * `/signaling-client.js`.
 *
 *   import { SignalingClient } from "/signaling-client.js";
 *   const client = new SignalingClient("ws://127.0.0.1:8080/", { name: "alice" });
 *   const welcome = await client.connect();
 *   const { peers } = await client.join("room-1");
 *   client.on("signal", (m) => console.log(m.type, "from", m.from));
 *   client.send({ type: "offer", room: "room-1", to: peers[0].peerId, sdp });
 *
 * Same protocol and behaviour as the Node client: reconnect with backoff and jitter — round a list of URLs
 * when given several (instances sharing rooms through Redis), at once to the next one when a server shuts
 * down (1012) — resume with the `seq` of the last message received, rejoin; it gives up after
 * `reconnect.maxAttempts` failed attempts in a row (default 30) or when the server refuses its token. No
 * validation of the server's messages beyond their `type`, and no queue: `send` while reconnecting is
 * false.
 */

/**
 * @typedef {{ readonly readyState: number, send(data: string): void, close(code?: number, reason?: string): void,
 *   addEventListener(type: string, listener: (event: any) => void): void }} WebSocketLike
 * @typedef {new (url: string) => WebSocketLike} WebSocketConstructor
 * @typedef {{ peerId: string, name: string | null }} PeerInfo
 * @typedef {{ type: "welcome", id?: string, peerId: string, resumeSecret: string, resumed: boolean,
 *   authenticated: boolean, heartbeatMs: number, maxMessageBytes: number }} WelcomeMessage
 * @typedef {{ type: "joined", id?: string, room: string, peerId: string, peers: PeerInfo[] }} JoinedMessage
 * @typedef {{ type: "error", id?: string, code: string, message: string, offendingType?: string }} ErrorMessage
 * @typedef {{ type: string, room: string, to: string, [field: string]: unknown }} PeerMessage
 * @typedef {{ type: string, room: string, from: string, [field: string]: unknown }} RelayedMessage
 * @typedef {{ initialDelayMs?: number, maxDelayMs?: number, factor?: number, jitter?: number,
 *   maxAttempts?: number }} ReconnectOptions
 * @typedef {{ token?: string, name?: string, reconnect?: false | ReconnectOptions, requestTimeoutMs?: number,
 *   WebSocket?: WebSocketConstructor }} ClientOptions
 * @typedef {{ resolve: (m: any) => void, reject: (e: Error) => void, timer: ReturnType<typeof setTimeout> }} Pending
 */

const OPEN = 1;
const PEER_TYPES = new Set(["offer", "answer", "candidate", "end-of-candidates", "bye"]);
/** The Node client's defaults (src/machine/reconnect-backoff.ts). */
const RECONNECT_DEFAULTS = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: 30,
};

/** A request the server refused (its `code`), or one that could not complete. */
export class SignalingError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.name = "SignalingError";
    this.code = code;
  }
}

export class SignalingClient {
  /** @param {string | string[]} url one server, or several of one deployment @param {ClientOptions} [options] */
  constructor(url, options = {}) {
    /** @type {string[]} */
    this.urls = typeof url === "string" ? [url] : [...url];
    if (this.urls.length === 0) throw new TypeError("SignalingClient needs at least one URL");
    this.urlIndex = 0;
    this.options = options;
    /** @type {ReconnectOptions | undefined} */
    this.backoff = options.reconnect === false ? undefined : { ...RECONNECT_DEFAULTS, ...options.reconnect };
    /** @type {string | undefined} the `seq` of the last relayed message received */
    this.lastSeq = undefined;
    /** the server refused our token: reconnecting would loop */
    this.refused = false;
    /** @type {"idle" | "connecting" | "open" | "reconnecting" | "closed"} */
    this.state = "idle";
    /** @type {WelcomeMessage | undefined} */
    this.welcome = undefined;
    /** @type {Map<string, { name?: string }>} */
    this.rooms = new Map();
    /** @type {Map<string, Pending>} */
    this.pending = new Map();
    /** @type {Map<string, Set<(payload: any) => void>>} */
    this.listeners = new Map();
    /** @type {WebSocketLike | undefined} */
    this.ws = undefined;
    this.nextId = 1;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {(() => void)[] | undefined} room events held just after a join (see `hold`) */
    this.held = undefined;
  }

  /** The URL of the current (or next) connection. @returns {string} */
  get url() {
    return /** @type {string} */ (this.urls[this.urlIndex % this.urls.length]);
  }

  /** @returns {string | undefined} */
  get peerId() {
    return this.welcome?.peerId;
  }

  /**
   * Events: "welcome", "joined", "peer-joined", "peer-left", "signal" (offer, answer, candidate,
   * end-of-candidates, bye), "server-error", "disconnected", "state".
   * @param {string} type @param {(payload: any) => void} listener
   */
  on(type, listener) {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return this;
  }

  /** @param {string} type @param {(payload: any) => void} listener */
  off(type, listener) {
    this.listeners.get(type)?.delete(listener);
    return this;
  }

  /** @param {string} type @param {unknown} payload */
  emit(type, payload) {
    for (const l of [...(this.listeners.get(type) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        console.error("signaling listener threw", err);
      }
    }
  }

  /** @returns {Promise<WelcomeMessage>} */
  connect() {
    if (this.state !== "idle")
      return Promise.reject(new SignalingError("usage", `connect() in state ${this.state}`));
    this.setState("connecting");
    return this.open();
  }

  /** @param {string} room @param {{ name?: string }} [opts] @returns {Promise<JoinedMessage>} */
  async join(room, opts = {}) {
    const joined = await this.request({ type: "join", room, ...opts });
    this.rooms.set(room, opts);
    return joined;
  }

  /** @param {string} room @returns {Promise<void>} */
  async leave(room) {
    this.rooms.delete(room);
    await this.request({ type: "leave", room });
  }

  /** Sends a peer message; false when not connected (signals are not queued). @param {PeerMessage} message */
  send(message) {
    if (this.state !== "open" || this.ws === undefined) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  close() {
    this.setState("closed");
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.failPending("closed");
    this.ws?.close(1000, "bye");
    this.ws = undefined;
  }

  /** @returns {Promise<WelcomeMessage>} */
  open() {
    const Ctor =
      this.options.WebSocket ??
      /** @type {WebSocketConstructor} */ (/** @type {any} */ (globalThis).WebSocket);
    return new Promise((resolve, reject) => {
      const ws = new Ctor(this.url);
      this.ws = ws;
      let welcomed = false;
      ws.addEventListener("open", () => {
        const w = this.welcome;
        /** @type {Record<string, unknown>} */
        const hello = { type: "hello" };
        if (this.options.token !== undefined) hello.token = this.options.token;
        if (this.options.name !== undefined) hello.name = this.options.name;
        if (w !== undefined) {
          hello.resume = {
            peerId: w.peerId,
            secret: w.resumeSecret,
            ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}),
          };
        }
        this.request(hello, ws).then(
          (m) => {
            welcomed = true;
            this.onWelcome(m);
            resolve(m);
          },
          (/** @type {SignalingError} */ err) => {
            if (err.code === "unauthorized") this.refused = true;
            ws.close(1000, "refused");
            reject(err);
          },
        );
      });
      ws.addEventListener("message", (ev) => {
        if (ws === this.ws && typeof ev.data === "string") this.onMessage(ev.data);
      });
      ws.addEventListener("close", (ev) => {
        if (!welcomed) reject(new SignalingError("disconnected", `closed (${ev.code}) before welcome`));
        if (ws === this.ws) this.onClose(ev.code, ev.reason);
      });
    });
  }

  /** @param {WelcomeMessage} welcome */
  onWelcome(welcome) {
    const rejoin = this.state === "reconnecting";
    if (!welcome.resumed) this.lastSeq = undefined;
    this.welcome = welcome;
    this.attempt = 0;
    this.setState("open");
    this.emit("welcome", welcome);
    if (!rejoin) return;
    for (const [room, opts] of [...this.rooms]) {
      this.request({ type: "join", room, ...opts }).catch((err) => {
        this.rooms.delete(room);
        this.emit("server-error", {
          type: "error",
          code: err.code,
          message: err.message,
          offendingType: "join",
        });
      });
    }
  }

  /** @param {string} text */
  onMessage(text) {
    /** @type {any} */
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof m !== "object" || m === null || typeof m.type !== "string") return;
    const p = typeof m.id === "string" ? this.pending.get(m.id) : undefined;
    if (p !== undefined) {
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.type === "error") p.reject(new SignalingError(m.code, m.message));
      else {
        p.resolve(m);
        if (m.type === "joined") this.emit("joined", m);
        if (m.type === "joined" || m.type === "welcome") this.hold();
      }
      return;
    }
    if (PEER_TYPES.has(m.type) && typeof m.seq === "string") this.lastSeq = m.seq;
    if (m.type === "error") this.deliver(() => this.emit("server-error", m));
    else if (m.type === "peer-joined" || m.type === "peer-left") this.deliver(() => this.emit(m.type, m));
    else if (PEER_TYPES.has(m.type)) this.deliver(() => this.emit("signal", m));
  }

  /**
   * Browsers dispatch each WebSocket message as a task of its own, but a WebSocket that hands several
   * messages of one read over synchronously (Node's `ws`) would emit the room's first messages before the
   * code after `await join()` has added its listeners. So after a join resolves, room events are held
   * until the next task, then emitted in order (as the Node client does).
   */
  hold() {
    if (this.held !== undefined) return;
    this.held = [];
    setTimeout(() => {
      /** @type {(() => void)[]} */
      const held = this.held ?? [];
      this.held = undefined;
      for (const emit of held) if (this.state !== "closed") emit();
    }, 0);
  }

  /** @param {() => void} emit */
  deliver(emit) {
    if (this.held !== undefined) this.held.push(emit);
    else emit();
  }

  /** @param {number} code @param {string} reason */
  onClose(code, reason) {
    this.ws = undefined;
    this.failPending("disconnected");
    if (this.state === "closed") return;
    // Each retry goes to the next URL; a server shutting down (1012) is left for the next one at once.
    if (this.urls.length > 1) this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    const b = this.backoff;
    const retry =
      b !== undefined &&
      this.welcome !== undefined &&
      code !== 4000 &&
      !this.refused &&
      this.attempt < (b.maxAttempts ?? RECONNECT_DEFAULTS.maxAttempts);
    this.emit("disconnected", { code, reason, willReconnect: retry });
    if (!retry || b === undefined) {
      this.setState("closed");
      return;
    }
    this.setState("reconnecting");
    const base = Math.min(
      b.maxDelayMs ?? RECONNECT_DEFAULTS.maxDelayMs,
      (b.initialDelayMs ?? RECONNECT_DEFAULTS.initialDelayMs) * (b.factor ?? 2) ** this.attempt,
    );
    const delay = code === 1012 && this.attempt === 0 ? 0 : base * (1 - (b.jitter ?? 0.5) * Math.random());
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      if (this.state === "reconnecting") this.open().catch(() => {});
    }, delay);
  }

  /** @param {Record<string, unknown>} message @param {WebSocketLike} [via] @returns {Promise<any>} */
  request(message, via) {
    const ws = via ?? this.ws;
    if (ws === undefined || ws.readyState !== OPEN || (via === undefined && this.state !== "open")) {
      return Promise.reject(new SignalingError("disconnected", `cannot send ${message.type}: not connected`));
    }
    const id = `r${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError("timeout", `no answer to ${message.type}`));
      }, this.options.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ ...message, id }));
    });
  }

  /** @param {string} code */
  failPending(code) {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new SignalingError(code, `connection ${code}`));
    }
  }

  /** @param {"idle" | "connecting" | "open" | "reconnecting" | "closed"} state */
  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.emit("state", state);
  }
}
