/**
 * One process per stack: the bench's own process starts a child per contender (this same bench file with
 * `stack <name>` arguments) and calls commands on it over Node's IPC channel; the child answers each
 * command with its value. So one stack's leaked sockets, timers, garbage and JIT state never touch
 * another's figures, and the parent only orchestrates (warm-up, interleaved rounds) and writes the result.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";

/** A command a stack process answers: its argument comes over IPC (JSON), its value goes back. */
export type StackCommand = (arg: unknown) => unknown;

interface Request {
  readonly id: number;
  readonly command: string;
  readonly arg: unknown;
}
type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** In the child: answers the parent's commands, one at a time in order; "exit" ends the process. */
export function serveStack(commands: Readonly<Record<string, StackCommand>>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("a stack process is started by its bench (node bench/<name>.bench.ts)");
  let queue = Promise.resolve();
  process.on("message", (m: Request) => {
    queue = queue.then(async () => {
      if (m.command === "exit") {
        send({ id: m.id, ok: true, value: undefined } satisfies Reply, () => process.exit(0));
        return;
      }
      const f = commands[m.command];
      try {
        if (!f) throw new Error(`no command ${m.command}`);
        const value = await f(m.arg);
        send({ id: m.id, ok: true, value: value ?? null } satisfies Reply);
      } catch (e) {
        send({
          id: m.id,
          ok: false,
          error: e instanceof Error ? (e.stack ?? e.message) : String(e),
        } satisfies Reply);
      }
    });
  });
  process.on("disconnect", () => process.exit(0));
}

export interface StackProcessOptions {
  /** Node options before the script (e.g. --expose-gc). */
  readonly nodeArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Another Node binary for this stack (default: the bench's own, process.execPath). */
  readonly execPath?: string;
}

/** In the parent: a stack's child process. */
export class StackProcess {
  private readonly proc: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly output: string[] = [];
  private exit: string | undefined;

  /** `script` is a bench file; the child gets `stack <name> …args`. */
  constructor(
    script: string,
    readonly name: string,
    args: readonly string[] = [],
    o: StackProcessOptions = {},
  ) {
    this.proc = spawn(
      o.execPath ?? process.execPath,
      [...(o.nodeArgs ?? []), "--conditions=tern-source", "--import", "tsx", script, "stack", name, ...args],
      { stdio: ["ignore", "pipe", "pipe", "ipc"], env: o.env ?? process.env },
    );
    const keep = (d: Buffer): void => {
      this.output.push(d.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    this.proc.stdout?.on("data", keep);
    this.proc.stderr?.on("data", keep);
    this.proc.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`${this.name}: ${m.error}`));
    });
    this.proc.on("exit", (code, signal) => {
      this.exit = `${this.name} process exited ${code ?? signal}: ${this.tail()}`;
      for (const p of this.pending.values()) p.reject(new Error(this.exit));
      this.pending.clear();
    });
  }

  /** The last lines the child wrote (stdout and stderr). */
  tail(lines = 8): string {
    return this.output.join("").trim().split("\n").slice(-lines).join(" / ");
  }

  /** Runs `command` in the child; rejects on its error, its exit, or after `timeoutMs`. */
  call<T>(command: string, arg?: unknown, timeoutMs = 300_000): Promise<T> {
    if (this.exit !== undefined) return Promise.reject(new Error(this.exit));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${command} timed out after ${timeoutMs} ms; output: ${this.tail()}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, command, arg: arg ?? null } satisfies Request);
    });
  }

  /** Asks the child to exit; kills it if it has not within 5 s. */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    const exited = new Promise<void>((r) => this.proc.once("exit", () => r()));
    const kill = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await this.call("exit", undefined, 5000).catch(() => undefined);
    await exited;
    clearTimeout(kill);
  }
}

/** Is the module at `moduleUrl` this process's entry point? */
export function isEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && resolvePath(script) === fileURLToPath(moduleUrl);
}

/**
 * A bench file's entry: started with `stack <name> …` (by its own bench process) it serves that stack's
 * commands; started plainly (by `pnpm bench`) it runs `main`, the parent. Imported, it does nothing.
 */
export async function benchEntry(
  moduleUrl: string,
  o: {
    readonly main: () => Promise<void>;
    readonly stack?: (
      name: string,
      args: readonly string[],
    ) => Readonly<Record<string, StackCommand>> | Promise<Readonly<Record<string, StackCommand>>>;
  },
): Promise<void> {
  if (!isEntry(moduleUrl)) return;
  const [, , mode, name, ...args] = process.argv;
  if (mode === "stack" && name !== undefined && o.stack) {
    serveStack(await o.stack(name, args));
    return;
  }
  await o.main();
  process.exit(0);
}

/** `TERN_BENCH_QUICK=1`: fewer and shorter rounds (a loaded or shared machine; a smoke run). */
export function quick(): boolean {
  return process.env.TERN_BENCH_QUICK === "1";
}

/**
 * Runs `command` on every process, `warmUp` rounds not kept then `rounds` kept, the processes taking
 * turns within a round and the order rotating from round to round, so load from elsewhere on the machine
 * falls on all alike. Returns each process's kept answers in round order.
 */
export async function interleavedRounds<T>(
  procs: readonly StackProcess[],
  o: {
    readonly warmUp: number;
    readonly rounds: number;
    readonly command: string;
    readonly arg?: unknown;
    /** Runs in the parent around each kept turn (to read what the parent's own servers saw, say). */
    readonly around?: <R>(name: string, turn: () => Promise<R>) => Promise<R>;
  },
): Promise<Record<string, T[]>> {
  const out: Record<string, T[]> = Object.fromEntries(procs.map((p) => [p.name, []]));
  for (let round = 0; round < o.warmUp + o.rounds; round++) {
    for (let i = 0; i < procs.length; i++) {
      const p = procs[(round + i) % procs.length] as StackProcess;
      const turn = (): Promise<T> => p.call<T>(o.command, o.arg);
      const v = round >= o.warmUp && o.around ? await o.around(p.name, turn) : await turn();
      if (round >= o.warmUp) out[p.name]?.push(v);
    }
  }
  return out;
}

/** Counts STUN Binding requests a parent's STUN server answers during each stack's turns. */
export class StunRequestsPerTurn {
  readonly served: Record<string, number> = {};
  constructor(private readonly counters: { readonly "binding-success": number }) {}
  readonly around = async <R>(name: string, turn: () => Promise<R>): Promise<R> => {
    const before = this.counters["binding-success"];
    const v = await turn();
    this.served[name] = (this.served[name] ?? 0) + this.counters["binding-success"] - before;
    return v;
  };
}
