/**
 * A real `redis-server` for a test: Debian's, on a free 127.0.0.1 port, in a temp dir, no persistence.
 * Missing, it fails with the install command. Kill it (SIGKILL) and start it again on the same port to
 * test a Redis that goes away and comes back empty.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REDIS_INSTALL = "apt-get install -y redis-server";

export function requireRedisServer(): string {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "pipe" });
    return "redis-server";
  } catch {
    throw new Error(`redis-server is not installed: ${REDIS_INSTALL}`);
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const address = srv.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise((r) => srv.close(r));
  return port;
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  private output = "";
  readonly dir = mkdtempSync(join(tmpdir(), "tern-redis-"));

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts one on a free port (or on `port`). */
  static async start(port?: number): Promise<RedisServer> {
    requireRedisServer();
    const r = new RedisServer(port ?? (await freePort()));
    await r.restart();
    return r;
  }

  /** Starts the server (again), empty, on the same port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    const proc = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.dir,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.proc = proc;
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer): void => {
        this.output += d.toString();
        if (this.output.includes("Ready to accept connections")) resolve();
      };
      proc.stdout?.on("data", onData);
      proc.stderr?.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`redis-server exited (${code}):\n${this.output}`)));
    });
    await ready;
  }

  /** SIGKILL: gone at once, everything it held lost. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
