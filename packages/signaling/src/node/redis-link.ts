/**
 * The two connections an instance keeps to Redis — commands, and a subscriber for its channels — and
 * whether both are up. Redis unreachable at start is an error (`RedisLink.open` rejects); lost later, the
 * link reports "down", keeps reconnecting (node-redis, with backoff, restoring subscriptions itself) and
 * reports "up" again once both connections are back. Commands fail at once while it is down (no offline
 * queue): the directory answers `unavailable` instead of stalling the relay.
 */
import { createClient } from "@redis/client";
import type { Logger } from "pino";
import { RedisScriptRunner } from "./redis-script-runner.js";

/** A node-redis client as this link makes it (RESP3, no offline queue). */
function newClient(url: string, connectTimeout: number, isStarted: () => boolean) {
  return createClient({
    url,
    RESP: 3,
    disableOfflineQueue: true,
    socket: {
      connectTimeout,
      // At start a failure is final (the caller decides: exit, or run local-only); later, retry forever.
      reconnectStrategy: (retries: number, cause: Error): number | Error =>
        isStarted() ? Math.min(50 * 2 ** retries, 1_000) : cause,
    },
  });
}

export type RedisCommandClient = ReturnType<typeof newClient>;

export interface RedisLinkOptions {
  readonly url: string;
  /** How long the first connection may take. Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  readonly logger: Logger;
  /** Both connections up (`true`) or either one lost (`false`). */
  readonly onHealth: (up: boolean) => void;
}

/** The URL without its password, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable Redis URL)";
  }
}

export class RedisLink {
  readonly scripts: RedisScriptRunner;
  private commandUp = true;
  private subscriberUp = true;
  private closing = false;

  private constructor(
    readonly command: RedisCommandClient,
    readonly subscriber: RedisCommandClient,
    private readonly opts: RedisLinkOptions,
  ) {
    this.scripts = new RedisScriptRunner(command);
  }

  get up(): boolean {
    return this.commandUp && this.subscriberUp;
  }

  /** Connects both; rejects (with the URL, password redacted) if Redis cannot be reached. */
  static async open(opts: RedisLinkOptions): Promise<RedisLink> {
    let started = false;
    const command = newClient(opts.url, opts.connectTimeoutMs ?? 5_000, () => started);
    const subscriber = newClient(opts.url, opts.connectTimeoutMs ?? 5_000, () => started);
    const link = new RedisLink(command, subscriber, opts);
    link.watch(command, "command");
    link.watch(subscriber, "subscriber");
    try {
      await command.connect();
      await subscriber.connect();
    } catch (err) {
      await link.close();
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot reach Redis at ${redactRedisUrl(opts.url)}: ${why}`);
    }
    started = true;
    return link;
  }

  /** Round-trip time of one PING, in ms. */
  async ping(): Promise<number> {
    const t0 = performance.now();
    await this.command.ping();
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of [this.subscriber, this.command]) {
      if (c.isOpen) await c.close().catch(() => c.destroy());
    }
  }

  private watch(client: RedisCommandClient, which: "command" | "subscriber"): void {
    const set = (up: boolean): void => {
      const before = this.up;
      if (which === "command") this.commandUp = up;
      else this.subscriberUp = up;
      if (before !== this.up && !this.closing) this.opts.onHealth(this.up);
    };
    // Every socket change of the command connection: the Redis behind the next socket may know no script.
    const forget = (): void => {
      if (which === "command") this.scripts.forget();
    };
    client.on("error", (err: unknown) => {
      this.opts.logger.debug({ err, which }, "redis connection error");
      forget();
      set(false);
    });
    client.on("reconnecting", () => {
      forget();
      set(false);
    });
    client.on("end", () => {
      forget();
      set(false);
    });
    client.on("connect", forget);
    client.on("ready", () => {
      forget();
      set(true);
    });
  }
}
