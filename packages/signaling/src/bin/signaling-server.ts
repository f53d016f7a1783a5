#!/usr/bin/env node
/**
 * tern-signaling: the WebSocket signaling server, logging JSON lines with pino (pretty on a terminal).
 *
 *   tern-signaling [--port 8080] [--host 127.0.0.1] [--token SECRET] [--static DIR]
 *                  [--heartbeat-ms 30000] [--resume-grace-ms 60000] [--log-level info]
 *                  [--redis redis://127.0.0.1:6379 [--redis-fallback-local] [--redis-prefix tern:]]
 *
 * The token and the Redis URL may also come from the environment (TERN_SIGNALING_TOKEN,
 * TERN_SIGNALING_REDIS), which keeps them out of `ps`. Redis unreachable at start: exit 1 with the reason,
 * unless --redis-fallback-local. SIGTERM: graceful shutdown (clients are told to reconnect elsewhere).
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { type Logger, pino } from "pino";
import { startSignalingServer } from "../node/signaling-server.js";

const USAGE =
  "usage: tern-signaling [--port 8080] [--host 127.0.0.1] [--token SECRET] [--static DIR] " +
  "[--heartbeat-ms 30000] [--resume-grace-ms 60000] [--log-level info] " +
  "[--redis redis://HOST:PORT [--redis-fallback-local] [--redis-prefix tern:]]";

/** pino-pretty when stdout is a terminal and it is installed; JSON lines otherwise. */
function makeLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    try {
      createRequire(import.meta.url).resolve("pino-pretty");
      return pino({ name: "tern-signaling", level, transport: { target: "pino-pretty" } });
    } catch {
      // not installed (it is a dev dependency): plain JSON
    }
  }
  return pino({ name: "tern-signaling", level });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      token: { type: "string" },
      static: { type: "string" },
      "heartbeat-ms": { type: "string", default: "30000" },
      "resume-grace-ms": { type: "string", default: "60000" },
      redis: { type: "string" },
      "redis-fallback-local": { type: "boolean", default: false },
      "redis-prefix": { type: "string" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  const heartbeatMs = Number(values["heartbeat-ms"]);
  const resumeGraceMs = Number(values["resume-grace-ms"]);
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 0xffff ||
    !Number.isInteger(heartbeatMs) ||
    heartbeatMs < 0 ||
    !Number.isInteger(resumeGraceMs) ||
    resumeGraceMs < 0
  ) {
    process.stderr.write(`bad --port, --heartbeat-ms or --resume-grace-ms\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const token = values.token ?? process.env.TERN_SIGNALING_TOKEN;
  const redis = values.redis ?? process.env.TERN_SIGNALING_REDIS;
  const logger = makeLogger(values["log-level"]);
  const server = await startSignalingServer({
    port,
    host: values.host,
    heartbeatMs,
    resumeGraceMs,
    logger,
    ...(redis !== undefined && redis !== "" ? { redis } : {}),
    ...(values["redis-fallback-local"] ? { redisFallbackLocal: true } : {}),
    ...(values["redis-prefix"] !== undefined ? { redisPrefix: values["redis-prefix"] } : {}),
    ...(token !== undefined && token !== "" ? { token } : {}),
    ...(values.static !== undefined ? { staticDir: values.static } : {}),
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, "shutting down");
    void server.shutdown().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`tern-signaling: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
