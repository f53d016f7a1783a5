/**
 * What a cell keeps when it fails, under test-results/browser/<browser>/<cell>/: the browser's console, a
 * pcap of the cell's UDP traffic (dumpcap on lo, and tern0 inside netns-run.sh's namespace), Tern's DTLS key
 * log (NSS format: Wireshark → TLS → (Pre)-Master-Secret log) and Tern's debug log and the SDPs exchanged.
 * On success only the numbers stay (in the matrix); the capture is deleted.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { dirname, join } from "node:path";

export const RESULTS_DIR = join(process.cwd(), "test-results");

function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** A dumpcap capture of UDP on loopback (and tern0 when it exists) into `file`, started once it writes. */
export interface Capture {
  readonly file: string | undefined;
  /** Why there is no capture (dumpcap missing or failed), if there is none. */
  readonly missing: string | undefined;
  stop(): Promise<void>;
}

export async function startCapture(file: string): Promise<Capture> {
  if (!hasCommand("dumpcap")) {
    return {
      file: undefined,
      missing: "no dumpcap: apt-get install -y tshark",
      stop: async () => undefined,
    };
  }
  // dumpcap's -f applies to the -i before it.
  const ifaces = ["lo", ...(networkInterfaces().tern0 ? ["tern0"] : [])].flatMap((i) => [
    "-i",
    i,
    "-f",
    "udp",
  ]);
  rmSync(file, { force: true });
  mkdirSync(dirname(file), { recursive: true });
  const proc: ChildProcess = spawn("dumpcap", ["-q", ...ifaces, "-w", file], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  proc.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  // dumpcap writes the pcapng section header once it really captures: wait for the file to grow.
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && proc.exitCode === null) {
    if (existsSync(file) && statSync(file).size > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (proc.exitCode !== null || !existsSync(file)) {
    return { file: undefined, missing: `dumpcap failed: ${stderr.trim()}`, stop: async () => undefined };
  }
  return {
    file,
    missing: undefined,
    async stop() {
      if (proc.exitCode === null && !proc.killed) proc.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    },
  };
}

/** Lines kept in memory: Tern's key log and debug log, the signaling transcript. */
export class LineLog {
  readonly lines: string[] = [];
  private readonly t0 = performance.now();
  constructor(private readonly max = 20_000) {}
  add(line: string): void {
    if (this.lines.length < this.max) this.lines.push(line);
  }
  /** A line stamped with ms since the cell began. */
  note(what: string): void {
    this.add(`${(performance.now() - this.t0).toFixed(1).padStart(9)} ms  ${what}`);
  }
  /** A pino destination. */
  get stream(): { write(msg: string): void } {
    return { write: (msg: string) => this.add(msg.trimEnd()) };
  }
}

export function cellDir(browser: string, cell: string): string {
  return join(RESULTS_DIR, "browser", browser, cell);
}

export function writeArtifacts(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** STUN Binding requests and success responses in a capture, per direction, counted by tshark. */
export interface StunCount {
  /** Requests from `port` and the success responses it got. */
  readonly sent: number;
  readonly answered: number;
  /** Requests to `port` and the success responses it gave. */
  readonly received: number;
  readonly responded: number;
}

export function countStun(file: string, port: number): StunCount | string {
  if (!hasCommand("tshark")) return "no tshark: apt-get install -y tshark";
  const r = spawnSync(
    "tshark",
    ["-r", file, "-Y", "stun", "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "stun.type"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) return `tshark failed: ${r.stderr}`;
  const c = { sent: 0, answered: 0, received: 0, responded: 0 };
  for (const line of r.stdout.split("\n")) {
    const [src, dst, type] = line.split("\t");
    const request = type === "0x0001";
    const success = type === "0x0101";
    if (src === String(port) && request) c.sent++;
    if (dst === String(port) && success) c.answered++;
    if (dst === String(port) && request) c.received++;
    if (src === String(port) && success) c.responded++;
  }
  return c;
}
