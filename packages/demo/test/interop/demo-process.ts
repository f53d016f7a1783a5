/**
 * Runs the demo's CLI as the README says (`node --conditions=tern-source --import tsx
 * packages/demo/src/cli.ts …`, from the repository root) and collects its output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const CLI = "packages/demo/src/cli.ts";

export interface DemoProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  readonly output: { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line matching `re`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

export function startDemo(args: readonly string[]): DemoProcess {
  const child = spawn(process.execPath, ["--conditions=tern-source", "--import", "tsx", CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const output = { stdout: "", stderr: "" };
  const watchers: (() => void)[] = [];
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    output.stdout += d;
    for (const w of [...watchers]) w();
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    output.stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output,
    exited,
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `no line matching ${re} within ${timeoutMs} ms; stdout:\n${output.stdout}\nstderr:\n${output.stderr.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        const check = (): void => {
          const m = output.stdout.match(re);
          if (m) {
            done();
            resolve(m);
          }
        };
        const done = (): void => {
          clearTimeout(timer);
          const i = watchers.indexOf(check);
          if (i >= 0) watchers.splice(i, 1);
        };
        watchers.push(check);
        void exited.then(() => {
          if (watchers.includes(check)) {
            done();
            reject(
              new Error(
                `the demo exited before printing ${re}; stdout:\n${output.stdout}\nstderr:\n${output.stderr.slice(-4000)}`,
              ),
            );
          }
        });
        check();
      });
    },
  };
}
