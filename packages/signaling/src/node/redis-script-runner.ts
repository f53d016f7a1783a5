/**
 * Runs the directory's Lua scripts by digest (EVALSHA), loading a script with EVAL the first time Redis
 * does not know it (after a restart it knows none). One place that speaks to the command connection.
 */
import { scriptDigest } from "../crypto/directory-keys.js";
import type { ScriptCall } from "./redis-key-space.js";
import type { RedisCommandClient } from "./redis-link.js";

export class RedisScriptRunner {
  private readonly digests = new Map<string, string>();

  constructor(private readonly client: RedisCommandClient) {}

  /** Runs one script call; rejects when Redis is unreachable or the script fails. */
  async run({ script, keys, args }: ScriptCall): Promise<unknown> {
    let sha = this.digests.get(script);
    if (sha === undefined) {
      sha = scriptDigest(script);
      this.digests.set(script, sha);
    }
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.client.sendCommand(["EVALSHA", sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return await this.client.sendCommand(["EVAL", script, ...tail]);
    }
  }
}
