/**
 * Runs `openssl s_server` / `s_client` (OpenSSL 3.0, /usr/bin/openssl) as a DTLS peer on 127.0.0.1 and watches
 * its output. Everything it prints is kept in a temp dir (with key logs) so a failed run can be replayed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const OPENSSL = "/usr/bin/openssl";

export function requireOpenssl(): string {
  if (!existsSync(OPENSSL)) throw new Error(`openssl not found at ${OPENSSL}: apt-get install -y openssl`);
  const v = spawnSync(OPENSSL, ["version"], { encoding: "utf8" });
  if (v.status !== 0) throw new Error(`openssl version failed: apt-get install -y openssl`);
  return v.stdout.trim();
}

export interface KeyPairFiles {
  readonly cert: string;
  readonly key: string;
}

/** A self-signed pair made by openssl itself in `dir`: ECDSA P-256, or RSA 2048. */
export function opensslSelfSigned(dir: string, kind: "ec" | "rsa"): KeyPairFiles {
  const cert = join(dir, `${kind}-cert.pem`);
  const key = join(dir, `${kind}-key.pem`);
  const keyArgs =
    kind === "ec" ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] : ["-newkey", "rsa:2048"];
  const r = spawnSync(
    OPENSSL,
    [
      "req",
      "-x509",
      ...keyArgs,
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      `/CN=openssl-${kind}`,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { cert, key };
}

export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), "tern-dtls-openssl-"));
}

/** A running openssl process whose combined output is accumulated and can be waited on. */
export class OpensslPeer {
  readonly proc: ChildProcess;
  output = "";
  readonly #waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  #exited = false;

  constructor(
    args: readonly string[],
    readonly logFile: string,
  ) {
    this.proc = spawn(OPENSSL, args, { stdio: ["pipe", "pipe", "pipe"] });
    const onData = (b: Buffer) => {
      this.output += b.toString("latin1");
      for (const w of [...this.#waiters]) {
        const m = this.output.match(w.re);
        if (m !== null) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    };
    this.proc.stdout?.on("data", onData);
    this.proc.stderr?.on("data", onData);
    this.proc.on("exit", () => {
      this.#exited = true;
    });
  }

  /** Resolves when the output matches `re`; rejects after `timeoutMs` with the output so far. */
  waitFor(re: RegExp, timeoutMs = 8000): Promise<RegExpMatchArray> {
    const m = this.output.match(re);
    if (m !== null) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.save();
        reject(
          new Error(
            `openssl never printed ${re}; its output is in ${this.logFile}:\n${this.output.slice(-3000)}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push({
        re,
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x);
        },
      });
    });
  }

  write(text: string): void {
    this.proc.stdin?.write(text);
  }

  save(): void {
    writeFileSync(this.logFile, this.output);
  }

  /** Ends the process we started (by its own pid) and keeps its output. */
  stop(): void {
    this.save();
    if (!this.#exited) this.proc.kill("SIGTERM");
  }
}

/** "Keying material: ABCD…" as printed by -keymatexport. */
export const KEYING_MATERIAL = /Keying material: ([0-9A-F]+)/;
