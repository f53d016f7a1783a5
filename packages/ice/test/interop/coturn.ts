/**
 * Runs a real coturn (`turnserver`, Debian package `coturn`) on 127.0.0.1 for interop tests: a free
 * port, a config on the command line and a temp dir for its pid file, database and (for TURNS) a
 * self-signed certificate made with openssl; listening only on loopback, long-term credentials
 * tern:ternpass in realm tern.test, loopback peers allowed. Waits for its "listener opened" log lines
 * (no fixed sleep) and keeps its output for failure messages.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export const COTURN_INSTALL = "apt-get install -y coturn";
export const COTURN_USER = "tern";
export const COTURN_PASSWORD = "ternpass";
export const COTURN_REALM = "tern.test";

export interface CoturnOptions {
  /** Also listen for TLS (TURNS) on a second port, with a fresh self-signed certificate. Default true: coturn
   *  4.6 prints no "listener opened" line without TLS, and that line is how readiness is detected. */
  readonly tls?: boolean;
  /** More turnserver flags. */
  readonly extraArgs?: readonly string[];
  /** How long to wait for the listeners; default 10 000 ms. */
  readonly startTimeoutMs?: number;
}

export interface RunningCoturn {
  readonly host: "127.0.0.1";
  /** UDP and TCP listening port. */
  readonly port: number;
  /** TLS listening port (with `tls`). */
  readonly tlsPort: number | undefined;
  /** PEM of the self-signed certificate (with `tls`), to pass as `ca`. */
  readonly ca: string | undefined;
  /** Everything turnserver printed so far. */
  output(): string;
  stop(): Promise<void>;
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, bin)));
}

/** A port free for both TCP and UDP on 127.0.0.1 (asked of the kernel, then released). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const a = server.address();
        resolve(typeof a === "object" && a !== null ? a.port : 0);
      });
    });
    const udp = createSocket("udp4");
    const udpOk = await new Promise<boolean>((resolve) => {
      udp.once("error", () => resolve(false));
      udp.bind(port, "127.0.0.1", () => resolve(true));
    });
    await new Promise<void>((r) => server.close(() => r()));
    if (udpOk) {
      await new Promise<void>((r) => udp.close(() => r()));
      return port;
    }
  }
  throw new Error("no free port for coturn");
}

export async function startCoturn(opts: CoturnOptions = {}): Promise<RunningCoturn> {
  if (!onPath("turnserver")) {
    throw new Error(`turnserver (coturn) is not installed; install it with: ${COTURN_INSTALL}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "tern-coturn-"));
  const port = await freePort();
  const tlsPort = opts.tls === false ? undefined : await freePort();
  let ca: string | undefined;
  const args = [
    "-n",
    "-v",
    "--listening-ip=127.0.0.1",
    "--relay-ip=127.0.0.1",
    `--listening-port=${port}`,
    "--lt-cred-mech",
    `--user=${COTURN_USER}:${COTURN_PASSWORD}`,
    `--realm=${COTURN_REALM}`,
    "--no-cli",
    "--no-dtls",
    "--no-rfc5780",
    "--allow-loopback-peers",
    "--no-multicast-peers",
    "--log-file=stdout",
    "--simple-log",
    `--pidfile=${join(dir, "turnserver.pid")}`,
    `--userdb=${join(dir, "turndb")}`,
  ];
  if (tlsPort !== undefined) {
    const cert = join(dir, "cert.pem");
    const key = join(dir, "key.pem");
    const r = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    ca = readFileSync(cert, "utf8");
    args.push(`--tls-listening-port=${tlsPort}`, `--cert=${cert}`, `--pkey=${key}`);
  } else {
    args.push("--no-tls");
  }
  args.push(...(opts.extraArgs ?? []));

  // stdbuf keeps turnserver's stdout line-buffered through the pipe (it execs, so the pid is turnserver's).
  const child: ChildProcess = onPath("stdbuf")
    ? spawn("stdbuf", ["-oL", "turnserver", ...args], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn("turnserver", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const expected = [
    `UDP listener opened on: 127.0.0.1:${port}`,
    `TLS/TCP listener opened on : 127.0.0.1:${port}`,
    ...(tlsPort === undefined ? [] : [`TLS/TCP listener opened on : 127.0.0.1:${tlsPort}`]),
  ];
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exit;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`coturn did not start listening:\n${out}`)),
        opts.startTimeoutMs ?? 10_000,
      );
      const onData = (b: Buffer): void => {
        out += b.toString("utf8");
        if (expected.every((line) => out.includes(line))) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`turnserver exited (${String(code)}) before listening:\n${out}`));
      });
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot run turnserver (${err.message}); install it with: ${COTURN_INSTALL}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: "127.0.0.1", port, tlsPort, ca, output: () => out, stop };
}
