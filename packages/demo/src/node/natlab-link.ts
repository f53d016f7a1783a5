/**
 * `--bitrate-limit`: the demo in the NAT lab (packages/ice/test/natlab/natlab.sh, network namespaces,
 * root), so that congestion control can be watched finding a real bottleneck. The lab comes up (two cone
 * NATs, coturn for STUN on the "public" segment); nat-a's WAN side is shaped with `tc tbf` to the limit
 * (the sender's uplink; a 100 ms queue and a burst of two packets: natlab.sh `rate`'s 32-kbit burst would
 * let a 15-ms probe through at line rate, and the estimate would believe it); a signaling server runs on
 * the public segment
 * (`tern-signaling`, 100.64.0.10); the sender runs in host-a, the receiver in host-b, each gathering on its
 * private address plus a server-reflexive candidate. Nothing touches the machine's own namespace. A lab
 * already up (the NAT suite's) is used as it is, its NATs set to cone, and only unshaped after; one the
 * demo brought up goes down when it ends.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IceServer } from "@tern/ice";
import type { Logger } from "pino";

const NATLAB = fileURLToPath(new URL("../../../ice/test/natlab/natlab.sh", import.meta.url));
const PUB = "100.64.0.10";
const SIGNALING_PORT = 8088;
const HOST_ADDRESS = { "host-a": "10.0.1.2", "host-b": "10.0.2.2" } as const;

export type LabHost = keyof typeof HOST_ADDRESS;

export interface ShapedLab {
  readonly signalingUrl: string;
  readonly iceServers: readonly IceServer[];
  /** The address a peer in `host` gathers on. */
  address(host: LabHost): string;
  /** A Node script in `host`'s namespace, with an IPC channel, as `fork` would start it. */
  spawnIn(host: LabHost, script: string, args: readonly string[]): ChildProcess;
  close(): void;
}

function natlab(args: readonly string[]): string {
  return execFileSync("bash", [NATLAB, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Brings the lab up with nat-a's uplink shaped to `kbps`, and a signaling server on its public segment. */
export async function startShapedLab(kbps: number, log: Logger): Promise<ShapedLab> {
  if (process.getuid?.() !== 0)
    throw new Error("--bitrate-limit runs the demo in the NAT lab (network namespaces): run it as root");
  try {
    natlab(["check"]);
  } catch (err) {
    throw new Error(`the NAT lab cannot run here: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  const running = execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).includes("tern-pub");
  log.info({ kbps, reusing: running }, "the NAT lab (cone ↔ cone), nat-a's uplink shaped");
  if (running) {
    natlab(["nat", "nat-a", "cone"]);
    natlab(["nat", "nat-b", "cone"]);
  } else natlab(["up"]);
  natlab([
    "exec",
    "nat-a",
    "tc",
    "qdisc",
    "replace",
    "dev",
    "wan0",
    "root",
    "tbf",
    "rate",
    `${kbps}kbit`,
    "burst",
    "3000",
    "latency",
    "100ms",
  ]);
  const bin = join(
    dirname(createRequire(import.meta.url).resolve("@tern/signaling/package.json")),
    "bin/tern-signaling.js",
  );
  const server = spawn(
    "ip",
    [
      "netns",
      "exec",
      "tern-pub",
      process.execPath,
      bin,
      "--host",
      PUB,
      "--port",
      String(SIGNALING_PORT),
      "--log-level",
      "warn",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const deadline = performance.now() + 10_000;
  while (!natlab(["exec", "pub", "ss", "-Hltn", `sport = :${SIGNALING_PORT}`]).trim()) {
    if (performance.now() > deadline || server.exitCode !== null) {
      server.kill();
      if (!running) natlab(["down"]);
      throw new Error("the signaling server did not come up in the lab");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    signalingUrl: `ws://${PUB}:${SIGNALING_PORT}`,
    iceServers: [{ urls: `stun:${PUB}:3478` }],
    address: (host) => HOST_ADDRESS[host],
    spawnIn: (host, script, args) =>
      spawn("ip", ["netns", "exec", `tern-${host}`, process.execPath, ...process.execArgv, script, ...args], {
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      }),
    close: () => {
      server.kill();
      try {
        if (running) natlab(["exec", "nat-a", "tc", "qdisc", "del", "dev", "wan0", "root"]);
        else natlab(["down"]);
      } catch (err) {
        log.warn({ err }, "taking the shaped lab down failed");
      }
    },
  };
}
