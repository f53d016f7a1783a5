#!/usr/bin/env node
/**
 * tern-stun-server: a STUN Binding server (RFC 8489) on UDP, logging JSON lines with pino.
 *
 *   tern-stun-server [--port 3478] [--host 0.0.0.0] [--software NAME] [--log-level info]
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { startStunServer } from "../node/stun-server.js";

const USAGE = "usage: tern-stun-server [--port 3478] [--host 0.0.0.0] [--software NAME] [--log-level info]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3478" },
      host: { type: "string", default: "0.0.0.0" },
      software: { type: "string", default: "tern-stun" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    process.stderr.write(`bad --port ${values.port}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = pino({ name: "tern-stun-server", level: values["log-level"] });
  const server = await startStunServer({ port, host: values.host, software: values.software, logger });
  const stop = (signal: string): void => {
    logger.info({ signal }, "shutting down");
    void server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`tern-stun-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
