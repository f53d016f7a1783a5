/**
 * The `tern-signaling` command: started on port 0 with a token and a static directory, it logs JSON
 * lines (stdout is not a terminal), serves, refuses a client without the token, and exits 0 on SIGTERM.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SignalingClient, SignalingError } from "../../src/index.js";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "../..");
const repoRoot = join(pkgDir, "../..");
const dir = mkdtempSync(join(tmpdir(), "tern-signaling-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tern-signaling", () => {
  it("starts, logs JSON, enforces its token, serves its static dir, stops on SIGTERM", {
    timeout: 20_000,
  }, async () => {
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>tern</title>");
    const child = spawn(
      process.execPath,
      [
        "--conditions=tern-source",
        "--import",
        "tsx",
        join(pkgDir, "src/bin/signaling-server.ts"),
        "--port",
        "0",
        "--token",
        "t0ken",
        "--static",
        dir,
        "--heartbeat-ms",
        "1000",
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const lines: Record<string, unknown>[] = [];
    const waiters: {
      pred: (l: Record<string, unknown>) => boolean;
      resolve: (l: Record<string, unknown>) => void;
    }[] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      for (const w of [...waiters]) {
        if (w.pred(entry)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    });
    const logged = (msg: string): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => l.msg === msg);
        if (found !== undefined) return resolve(found);
        waiters.push({ pred: (l) => l.msg === msg, resolve });
        void exited.then((code) => reject(new Error(`exited ${code} before "${msg}": ${stderr}`)));
      });
    try {
      const listening = await logged("signaling server listening");
      expect(listening).toMatchObject({ name: "tern-signaling", level: 30, auth: true });
      const url = String(listening.url);
      const httpUrl = String(listening.httpUrl);
      expect(await (await fetch(httpUrl)).text()).toContain("<title>tern</title>");

      const stranger = new SignalingClient(url, { reconnect: false });
      expect((await stranger.connect()).authenticated).toBe(false);
      await expect(stranger.join("r")).rejects.toThrow(SignalingError);
      await stranger.close();

      const member = new SignalingClient(url, { token: "t0ken", reconnect: false });
      expect((await member.connect()).authenticated).toBe(true);
      expect((await member.join("r")).peers).toEqual([]);
      expect(await logged("peer joined")).toMatchObject({ room: "r" });
      await member.close();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg)).toContain("shutting down");
  });
});
