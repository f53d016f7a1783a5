/**
 * The `ws` + node:http adapter of the SignalingRelay machine: one HTTP server that upgrades to WebSocket
 * on any path, serves the browser client at `/signaling-client.js` and, optionally, a static directory.
 * One timer at the machine's `pollTimeout()`; every socket and timer callback runs through one guard.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { type Logger, pino } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import { constantTimeEqual, randomUint8Array, tokenVerifier } from "../crypto/shared-secret.js";
import { hexId } from "../machine/peer-session.js";
import type { RoomDirectory } from "../machine/room-directory.js";
import type { ConnId } from "../machine/room-table.js";
import type { SignalingLimits } from "../machine/signaling-limits.js";
import { SignalingRelay } from "../machine/signaling-relay.js";
import { SignalingCloseCode } from "../machine/signaling-relay-types.js";
import { BROWSER_CLIENT_URL, httpEndpoints } from "./http-endpoints.js";
import { RedisRoomDirectory } from "./redis-room-directory.js";
import { liveCounters, type SignalingServerCounters } from "./server-metrics.js";

export { BROWSER_CLIENT_PATH, BROWSER_CLIENT_URL } from "./http-endpoints.js";
export type { SignalingServerCounters } from "./server-metrics.js";

export interface SignalingServerOptions {
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Default "127.0.0.1". */
  readonly host?: string;
  /** A shared secret: without it (in `?token=` or `hello.token`) a peer cannot join a room. */
  readonly token?: string;
  readonly limits?: Partial<SignalingLimits>;
  /** Ping period in ms; a connection that misses a pong is dropped. Default 30 000; 0 disables. */
  readonly heartbeatMs?: number;
  /** How long a disconnected peer's id can be resumed. Default 60 000 ms. */
  readonly resumeGraceMs?: number;
  /** A directory served over HTTP (GET/HEAD), e.g. a demo page. */
  readonly staticDir?: string;
  /** A pino logger; silent by default. */
  readonly logger?: Logger;
  /**
   * `redis://…`: share rooms and sessions with every instance on that Redis. Without it, this process
   * holds them alone (the in-memory directory). Unreachable at start: `startSignalingServer` rejects.
   */
  readonly redis?: string;
  /** With `redis`: if Redis is unreachable at start, run local-only instead of failing. */
  readonly redisFallbackLocal?: boolean;
  /** With `redis`: the prefix of its keys and channels. Default "tern:". */
  readonly redisPrefix?: string;
  /** With `redis`: silence after which an instance counts as dead. Default 5 000 ms. */
  readonly instanceTimeoutMs?: number;
}

export interface RunningSignalingServer {
  /** `ws://host:port/` */
  readonly url: string;
  /** `http://host:port/` (the browser client is at `/signaling-client.js`). */
  readonly httpUrl: string;
  readonly port: number;
  /** The machine, for inspection (rooms, counters); drive it only through the server. */
  readonly relay: SignalingRelay;
  readonly counters: SignalingServerCounters;
  /** This instance's id in the shared directory (`undefined` without Redis). */
  readonly instanceId: string | undefined;
  /** "ok", or "degraded" while Redis is unreachable. */
  readonly health: "ok" | "degraded";
  /** Drops a connected peer (close 4001); its rooms hear `peer-left` with reason "dropped". */
  dropPeer(peerId: string): boolean;
  /**
   * Graceful shutdown (SIGTERM): stops accepting, closes every connection with 1012 so its client
   * reconnects to another instance and resumes there, waits for the sockets to drain, then closes.
   */
  shutdown(): Promise<void>;
  close(): Promise<void>;
}

export async function startSignalingServer(
  opts: SignalingServerOptions = {},
): Promise<RunningSignalingServer> {
  const log = opts.logger ?? pino({ level: "silent" });
  const host = opts.host ?? "127.0.0.1";
  let redis: RedisRoomDirectory | undefined;
  if (opts.redis !== undefined) {
    try {
      redis = await RedisRoomDirectory.connect({
        url: opts.redis,
        instanceId: hexId(randomUint8Array(8)),
        graceMs: opts.resumeGraceMs ?? 60_000,
        logger: log,
        run: (what, fn) => guard(what, fn),
        onHealth: (healthy) =>
          healthy ? log.info("directory healthy") : log.warn("directory degraded: Redis unreachable"),
        ...(opts.redisPrefix !== undefined ? { prefix: opts.redisPrefix } : {}),
        ...(opts.instanceTimeoutMs !== undefined ? { instanceTimeoutMs: opts.instanceTimeoutMs } : {}),
      });
    } catch (err) {
      if (opts.redisFallbackLocal !== true) throw err;
      log.warn({ err }, "Redis unreachable at start: running local-only (redisFallbackLocal)");
    }
  }
  const directory: RoomDirectory | undefined = redis;
  const relay = new SignalingRelay({
    ...(opts.limits !== undefined ? { limits: opts.limits } : {}),
    ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
    ...(opts.resumeGraceMs !== undefined ? { resumeGraceMs: opts.resumeGraceMs } : {}),
    random: randomUint8Array,
    secretEquals: constantTimeEqual,
    ...(opts.token !== undefined ? { authorize: tokenVerifier(opts.token) } : {}),
    ...(directory !== undefined ? { directory } : {}),
  });
  const adapterCounters = { "internal-error": 0, "slow-consumer": 0 };
  const browserClient = await readFile(BROWSER_CLIENT_URL);
  const sockets = new Map<ConnId, WebSocket>();
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;

  let draining = false;
  const metricsSource = () => ({
    relay,
    adapter: adapterCounters,
    redis: redis === undefined ? undefined : { up: redis.health === "ok", rttMs: redis.rttMs },
    draining,
  });

  /** Runs one callback; anything caught is our bug: count it and keep serving. */
  function guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      adapterCounters["internal-error"]++;
      log.error({ err, what }, "signaling server internal error");
    }
    try {
      drain();
    } catch (err) {
      adapterCounters["internal-error"]++;
      log.error({ err }, "signaling server internal error while draining");
    }
  }

  const drain = (): void => {
    for (let t = relay.pollTransmit(); t !== undefined; t = relay.pollTransmit()) {
      const ws = sockets.get(t.conn);
      if (ws === undefined || ws.readyState !== ws.OPEN) continue;
      if (cutSlowConsumer(t.conn, ws)) continue;
      ws.send(t.data);
    }
    for (let e = relay.pollEvent(); e !== undefined; e = relay.pollEvent()) {
      switch (e.kind) {
        case "ping":
          queuePing(e.conn);
          break;
        case "close": {
          const ws = sockets.get(e.conn);
          sockets.delete(e.conn);
          if (e.terminate) ws?.terminate();
          else ws?.close(e.code, e.reason);
          log.debug({ conn: e.conn, code: e.code, reason: e.reason }, "closing connection");
          break;
        }
        case "throttle": {
          const ws = sockets.get(e.conn);
          if (ws === undefined || ws.isPaused) break;
          ws.pause();
          const resume = setTimeout(
            () =>
              guard("resume", () => {
                if (sockets.get(e.conn) === ws) ws.resume();
              }),
            Math.max(0, e.untilMs - now()),
          );
          resume.unref();
          break;
        }
        case "rejected":
          log.debug({ conn: e.conn, code: e.error.code, type: e.error.offendingType }, "message rejected");
          break;
        case "joined":
          log.info({ peerId: e.peerId, room: e.room }, "peer joined");
          break;
        case "left":
          log.info({ peerId: e.peerId, room: e.room, reason: e.reason }, "peer left");
          break;
      }
    }
    armTimer();
  };

  /**
   * A heartbeat pings every connection at once: thousands of socket writes in one tick would stall every
   * other callback for tens of milliseconds. They go out 200 at a time, one batch per macrotask.
   */
  const pings: ConnId[] = [];
  let pingsScheduled = false;
  const sendPings = (): void => {
    pingsScheduled = false;
    for (const conn of pings.splice(0, 200)) sockets.get(conn)?.ping();
    if (pings.length > 0) schedulePings();
  };
  const schedulePings = (): void => {
    if (pingsScheduled) return;
    pingsScheduled = true;
    setImmediate(() => guard("ping", sendPings));
  };
  const queuePing = (conn: ConnId): void => {
    pings.push(conn);
    schedulePings();
  };

  /**
   * A peer that does not read lets what we write pile up in its socket's queue (`bufferedAmount`): past
   * `limits.maxQueuedBytes` it is terminated, checked before every write to it and on every frame it sends
   * (a flooder that never reads its error replies is cut off too).
   */
  const cutSlowConsumer = (conn: ConnId, ws: WebSocket): boolean => {
    if (ws.bufferedAmount <= relay.limits.maxQueuedBytes) return false;
    adapterCounters["slow-consumer"]++;
    log.debug({ conn, queuedBytes: ws.bufferedAmount }, "slow consumer cut off");
    ws.terminate();
    return true;
  };

  const armTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const at = relay.pollTimeout();
    if (at === undefined || closing) return;
    timer = setTimeout(() => guard("timer", () => relay.handleTimeout(now())), Math.max(0, at - now()));
    timer.unref();
  };

  const onRequest = httpEndpoints({
    browserClient,
    staticDir: opts.staticDir,
    metricsSource,
    log,
    onInternalError: () => adapterCounters["internal-error"]++,
  });

  const http = createServer(onRequest);
  const limits = relay.limits;
  // Frames past maxMessageBytes get a `message-too-large` error and the connection stays up; only frames
  // past this hard cap (4× the limit, at least 1 MiB) make ws close the connection (1009).
  const wss = new WebSocketServer({
    server: http,
    maxPayload: Math.max(1024 * 1024, 4 * limits.maxMessageBytes),
    perMessageDeflate: false,
    // The codec checks UTF-8 itself and answers `malformed-json`; ws would close the connection (1007).
    skipUTF8Validation: true,
  });

  wss.on("connection", (ws, req) => {
    guard("connection", () => {
      const token = new URL(req.url ?? "/", "http://localhost").searchParams.get("token") ?? undefined;
      const conn = relay.handleOpen(now(), token !== undefined ? { token } : {});
      if (conn === undefined) {
        ws.close(SignalingCloseCode.TryAgainLater, "server full");
        return;
      }
      sockets.set(conn, ws);
      ws.on("message", (data, isBinary) =>
        guard("message", () => {
          if (cutSlowConsumer(conn, ws)) return;
          const buf = Buffer.isBuffer(data)
            ? data
            : Array.isArray(data)
              ? Buffer.concat(data)
              : Buffer.from(data);
          relay.handleMessage(
            now(),
            conn,
            new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
            isBinary,
          );
        }),
      );
      ws.on("pong", () => guard("pong", () => relay.handlePong(now(), conn)));
      ws.on("close", () =>
        guard("close", () => {
          if (sockets.get(conn) === ws) sockets.delete(conn);
          relay.handleClose(now(), conn);
        }),
      );
      ws.on("error", (err) => log.debug({ err, conn }, "websocket error"));
    });
  });
  wss.on("error", (err) => log.warn({ err }, "websocket server error"));

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 8080, host, () => {
      http.off("error", reject);
      http.on("error", (err) => log.warn({ err }, "http server error"));
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  const url = `ws://${urlHost}:${port}/`;
  const httpUrl = `http://${urlHost}:${port}/`;
  log.info(
    { url, httpUrl, auth: opts.token !== undefined, limits, instance: redis?.instanceId },
    "signaling server listening",
  );

  let closed: Promise<void> | undefined;
  return {
    url,
    httpUrl,
    port,
    relay,
    counters: liveCounters(relay.counters, adapterCounters),
    instanceId: redis?.instanceId,
    get health() {
      return redis?.health ?? "ok";
    },
    dropPeer: (peerId) => {
      let dropped = false;
      guard("dropPeer", () => {
        dropped = relay.dropPeer(now(), peerId);
      });
      return dropped;
    },
    shutdown: async () => {
      if (!draining) {
        draining = true;
        log.info({ sockets: relay.connectionCount }, "shutting down: clients told to reconnect elsewhere");
        guard("shutdown", () => relay.handleShutdown(now()));
        // Wait (bounded) for the close handshakes, so each client has its 1012 before we go.
        const deadline = performance.now() + 2_000;
        while (wss.clients.size > 0 && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      await close();
    },
    close: () => close(),
  };

  function close(): Promise<void> {
    closed ??= new Promise<void>((done) => {
      closing = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      // Peers that do not answer the close handshake are cut.
      const cut = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 1000);
      cut.unref();
      wss.close(() => {
        http.close(() => {
          clearTimeout(cut);
          log.info({ counters: { ...relay.counters, ...adapterCounters } }, "signaling server closed");
          void (redis?.close() ?? Promise.resolve()).finally(done);
        });
        http.closeAllConnections();
      });
    });
    return closed;
  }
}
