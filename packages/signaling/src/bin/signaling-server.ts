#!/usr/bin/env node
/**
 * tern-signaling: the WebSocket signaling server, logging JSON lines with pino (pretty on a terminal).
 *
 *   tern-signaling [--port 8080] [--host 127.0.0.1] [--token SECRET] [--static DIR]
 *                  [--heartbeat-ms 30000] [--log-level info]
 *
 * The token may also come from the environment (TERN_SIGNALING_TOKEN), which keeps it out of `ps`.
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { type Logger, pino } from "pino";
import { startSignalingServer } from "../node/signaling-server.js";

const USAGE =
  "usage: tern-signaling [--port 8080] [--host 127.0.0.1] [--token SECRET] [--static DIR] " +
  "[--heartbeat-ms 30000] [--log-level info]";

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
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 0xffff ||
    !Number.isInteger(heartbeatMs) ||
    heartbeatMs < 0
  ) {
    process.stderr.write(`bad --port or --heartbeat-ms\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const token = values.token ?? process.env.TERN_SIGNALING_TOKEN;
  const logger = makeLogger(values["log-level"]);
  const server = await startSignalingServer({
    port,
    host: values.host,
    heartbeatMs,
    logger,
    ...(token !== undefined && token !== "" ? { token } : {}),
    ...(values.static !== undefined ? { staticDir: values.static } : {}),
  });
  const stop = (signal: string): void => {
    logger.info({ signal }, "shutting down");
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`tern-signaling: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
