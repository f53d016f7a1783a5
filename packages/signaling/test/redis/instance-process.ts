/**
 * A `tern-signaling` instance as its own process (the command, run from source), so a test can SIGKILL
 * it or SIGTERM it. Resolves once it logs that it listens; keeps its output for the failure message.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "../..");
const repoRoot = join(pkgDir, "../..");

export class InstanceProcess {
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly httpUrl: string,
    /** Its log (JSON lines) and stderr, as they come. */
    readonly lines: string[],
    private readonly lineEvents: EventEmitter,
  ) {
    this.exited =
      child.exitCode !== null
        ? Promise.resolve(child.exitCode)
        : once(child, "exit").then(([c]) => c as number | null);
  }

  static async start(args: readonly string[], port = 0): Promise<InstanceProcess> {
    const child = spawn(
      process.execPath,
      [
        "--conditions=tern-source",
        "--import",
        "tsx",
        join(pkgDir, "src/bin/signaling-server.ts"),
        "--port",
        String(port),
        "--log-level",
        "info",
        ...args,
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines: string[] = [];
    const lineEvents = new EventEmitter();
    const listening = new Promise<{ url: string; httpUrl: string }>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
        lines.push(line);
        lineEvents.emit("line", line);
        if (line.includes('"signaling server listening"')) {
          const entry = JSON.parse(line) as { url: string; httpUrl: string };
          resolve(entry);
        }
      });
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) =>
        lines.push(line),
      );
      child.once("exit", (code) =>
        reject(new Error(`tern-signaling exited (${code}):\n${lines.join("\n")}`)),
      );
    });
    const { url, httpUrl } = await listening;
    return new InstanceProcess(child, url, httpUrl, lines, lineEvents);
  }

  /** Resolves with the first log line (from now on) that contains `text`. */
  nextLine(text: string): Promise<string> {
    return new Promise((resolve) => {
      const onLine = (line: string): void => {
        if (!line.includes(text)) return;
        this.lineEvents.off("line", onLine);
        resolve(line);
      };
      this.lineEvents.on("line", onLine);
    });
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  /** The health document (`/healthz`). */
  async health(): Promise<{ status: string; directory: string }> {
    const res = await fetch(`${this.httpUrl}healthz`);
    return (await res.json()) as { status: string; directory: string };
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.httpUrl}metrics`)).text();
  }
}
