/**
 * Runs the directory's Lua scripts on the command connection, keeping their order: a call issued after
 * another runs after it in Redis. One place that speaks to the command connection.
 *
 * The order is what a peer's backlog (and the `seq` its client resumes from) is built on: an offer must
 * land in the stream before its candidates. Redis runs one connection's commands in the order they were
 * sent, so a script is sent whole (EVAL, which also caches it) the first time this connection uses it,
 * and by digest (EVALSHA) only after that — behind the EVAL on the same connection, where Redis has it.
 * The usual "EVALSHA, and EVAL on NOSCRIPT" does not keep the order: the calls pipelined behind one that
 * met NOSCRIPT run before its retry as soon as any connection (another instance) has loaded the script.
 *
 * What this connection has loaded is forgotten whenever it drops (`forget()`, called by the link): a
 * Redis that restarted, or the new primary after a failover, knows no script. A NOSCRIPT can then only
 * come from a SCRIPT FLUSH while connected: that call is sent again with EVAL (not lost, but calls already
 * pipelined behind it may run first) and the script is loaded again by the next call.
 */
import { scriptDigest } from "../crypto/directory-keys.js";
import type { ScriptCall } from "./redis-key-space.js";

/** The one method of a Redis connection the runner uses (a node-redis client has it). */
export interface ScriptConnection {
  sendCommand(args: string[]): Promise<unknown>;
}

export class RedisScriptRunner {
  private readonly digests = new Map<string, string>();
  /** Digests of the scripts sent whole on this connection since it (re)connected. */
  private readonly loaded = new Set<string>();

  constructor(private readonly client: ScriptConnection) {}

  /** Runs one script call; rejects when Redis is unreachable or the script fails. */
  async run({ script, keys, args }: ScriptCall): Promise<unknown> {
    let sha = this.digests.get(script);
    if (sha === undefined) {
      sha = scriptDigest(script);
      this.digests.set(script, sha);
    }
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    if (!this.loaded.has(sha)) {
      // Sent now, before any later call: every EVALSHA of it from here on runs after it.
      this.loaded.add(sha);
      try {
        return await this.client.sendCommand(["EVAL", script, ...tail]);
      } catch (err) {
        // It may never have reached Redis (connection down): the next call sends it whole again.
        this.loaded.delete(sha);
        throw err;
      }
    }
    try {
      return await this.client.sendCommand(["EVALSHA", sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      // Flushed under us: the script is sent whole again (and so loaded again for the calls after it).
      return await this.client.sendCommand(["EVAL", script, ...tail]);
    }
  }

  /** The connection dropped: the Redis on the other side of the next one may know no script. */
  forget(): void {
    this.loaded.clear();
  }
}
