/**
 * Runs one NAT-lab scenario: two peer processes (Tern ICE, Tern media or node-datachannel), one in
 * tern-host-a and one in tern-host-b, started with `ip netns exec`. Signaling goes through this runner
 * over the peers' stdin/stdout (peer-protocol.ts). Phases: both `ready` -> `start` (the clock starts) ->
 * both connected (or a peer fails on its own) -> `go` (each sends its datagrams, or plays its video clip)
 * -> both `sent` and everything in, or a drain time -> `bye` -> both reports. One wall-clock bound over
 * all of it: a hang kills both processes and throws with their output.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HOST_ADDRESS, type LabHost, NS_PREFIX, REPO_ROOT } from "./lab.js";
import {
  LAB_TURN,
  lineReader,
  type PairInfo,
  type PeerConfig,
  type PeerImpl,
  type PeerMessage,
  type PeerReport,
  parsePeerMessage,
  type RunnerMessage,
} from "./peer-protocol.js";

const PEER_SCRIPT: Readonly<Record<PeerImpl, string>> = {
  tern: fileURLToPath(new URL("./peer-tern.ts", import.meta.url)),
  "tern-media": fileURLToPath(new URL("./peer-media.ts", import.meta.url)),
  "node-datachannel": fileURLToPath(new URL("./peer-ndc.ts", import.meta.url)),
  "node-datachannel-media": fileURLToPath(new URL("./peer-ndc-media.ts", import.meta.url)),
};

export interface PeerSpec {
  readonly impl: PeerImpl;
  readonly host: LabHost;
  readonly role: "controlling" | "controlled";
  readonly stun?: boolean;
  readonly turn?: "udp" | "tcp";
  readonly policy?: "all" | "relay";
}

export interface ScenarioSpec {
  readonly a: PeerSpec;
  readonly b: PeerSpec;
  /** Passed to both peers: ICE fails when nothing is selected this long after checks start. Default 8000. */
  readonly checkingTimeoutMs?: number;
  readonly datagrams?: number;
  readonly datagramBytes?: number;
  /** Media peers: times the 15-frame VP8 clip is sent, and ms between frames. Defaults 3 and 20. */
  readonly videoPasses?: number;
  readonly frameIntervalMs?: number;
  /** How long to wait for late datagrams once both sides sent everything. Default 1000 ms. */
  readonly drainMs?: number;
  /** Media peers: transport-wide congestion control (default on, as @tern/peer's default). */
  readonly congestionControl?: boolean;
  /** Wall-clock bound from `start` to both reports. Default checkingTimeoutMs + 6000. */
  readonly timeoutMs?: number;
}

export interface ScenarioResult {
  readonly a: PeerReport;
  readonly b: PeerReport;
  /** Runner clock, `start` to both peers connected; undefined when they did not. */
  readonly connectMs: number | undefined;
  /** Runner clock, `start` to both reports in. */
  readonly wallMs: number;
  /** Established TCP connections to coturn's port in tern-pub when both had connected (TURN/TCP). */
  readonly turnTcpConnections: number | undefined;
  /** Everything the peers printed that is not protocol (stderr, logs), for failure messages. */
  readonly log: string;
}

interface Side {
  readonly label: string;
  readonly child: ChildProcess;
  ready: boolean;
  connected: { ms: number; pair: PairInfo | undefined } | undefined;
  sent: boolean;
  allReceived: boolean;
  report: PeerReport | undefined;
  exited: boolean;
  exitCode: number | null;
}

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(`${message}\n--- peer output ---\n${log}`);
    this.name = "ScenarioError";
  }
}

export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const checkingTimeoutMs = spec.checkingTimeoutMs ?? 8000;
  const timeoutMs = spec.timeoutMs ?? checkingTimeoutMs + 6000;
  const datagrams = spec.datagrams ?? 200;
  const datagramBytes = spec.datagramBytes ?? 100;
  let log = "";
  let wake: () => void = () => {};
  const changed = (): void => wake();

  const launch = (label: string, p: PeerSpec): Side => {
    const config: PeerConfig = {
      name: label,
      role: p.role,
      address: HOST_ADDRESS[p.host],
      stun: p.stun ?? false,
      turn: p.turn,
      policy: p.policy ?? "all",
      checkingTimeoutMs,
      datagrams,
      datagramBytes,
      videoPasses: spec.videoPasses ?? 3,
      frameIntervalMs: spec.frameIntervalMs ?? 20,
      congestionControl: spec.congestionControl ?? true,
    };
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        `${NS_PREFIX}${p.host}`,
        process.execPath,
        "--conditions=tern-source",
        "--import",
        "tsx",
        PEER_SCRIPT[p.impl],
        JSON.stringify(config),
      ],
      { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] },
    );
    const side: Side = {
      label: `${label}(${p.impl}@${p.host})`,
      child,
      ready: false,
      connected: undefined,
      sent: false,
      allReceived: false,
      report: undefined,
      exited: false,
      exitCode: null,
    };
    child.stdout?.on(
      "data",
      lineReader((line) => {
        const m = parsePeerMessage(line);
        if (m) onMessage(side, m);
        else log += `[${side.label}] ${line}\n`;
      }),
    );
    child.stderr?.on(
      "data",
      lineReader((line) => {
        log += `[${side.label} stderr] ${line}\n`;
      }),
    );
    child.stdin?.on("error", () => {}); // a peer that exited first: its stdin is gone, nothing to do
    child.on("exit", (code) => {
      side.exited = true;
      side.exitCode = code;
      log += `[${side.label}] exited ${String(code)}\n`;
      changed();
    });
    child.on("error", (err) => {
      log += `[${side.label}] cannot start: ${err.message}\n`;
      side.exited = true;
      changed();
    });
    return side;
  };

  const send = (s: Side, m: RunnerMessage): void => {
    if (!s.exited && s.child.stdin?.writable) s.child.stdin.write(`${JSON.stringify(m)}\n`);
  };

  const a = launch("a", spec.a);
  const b = launch("b", spec.b);
  const other = (s: Side): Side => (s === a ? b : a);

  function onMessage(s: Side, m: PeerMessage): void {
    switch (m.t) {
      case "ready":
        s.ready = true;
        break;
      case "creds":
      case "sdp":
      case "cand":
      case "eoc":
        send(other(s), m);
        break;
      case "state":
        log += `[${s.label}] ${s.label.includes("-media") ? "" : "ICE "}${m.state} at ${m.ms} ms\n`;
        break;
      case "connected":
        s.connected = { ms: m.ms, pair: m.pair };
        break;
      case "sent":
        s.sent = true;
        break;
      case "all-received":
        s.allReceived = true;
        break;
      case "report":
        s.report = m.report;
        break;
    }
    changed();
  }

  /** Resolves when `cond()` holds, or false at `deadline` (performance.now() ms). */
  const until = (cond: () => boolean, deadline: number): Promise<boolean> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      const timer = setTimeout(
        () => {
          wake = () => {};
          resolve(cond());
        },
        Math.max(0, deadline - performance.now()),
      );
      wake = check;
      check();
    });

  const kill = (): void => {
    for (const s of [a, b]) if (!s.exited) s.child.kill("SIGKILL");
  };
  const fail = async (why: string): Promise<never> => {
    // What each side had said, and for a live one what the kernel sees it doing (a busy loop, or blocked).
    const before = new Map([a, b].map((s) => [s, cpuTicks(s)]));
    await new Promise((r) => setTimeout(r, 500));
    for (const s of [a, b]) {
      log += `[${s.label}] phases: ready ${s.ready}, connected ${s.connected !== undefined}, sent ${s.sent}, all received ${s.allReceived}, report ${s.report !== undefined}; ${s.exited ? "exited" : processState(s, before.get(s))}\n`;
    }
    kill();
    await until(() => a.exited && b.exited, performance.now() + 2000);
    throw new ScenarioError(why, log);
  };

  // Module loading (tsx, node-datachannel's native addon) is not part of what is measured.
  if (!(await until(() => (a.ready && b.ready) || a.exited || b.exited, performance.now() + 20_000))) {
    return fail("peers did not start within 20 s");
  }
  if (!a.ready || !b.ready) return fail("a peer exited before it was ready");
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  send(a, { t: "start" });
  send(b, { t: "start" });

  const bothConnected = (): boolean => a.connected !== undefined && b.connected !== undefined;
  const anyDone = (): boolean => a.report !== undefined || b.report !== undefined || a.exited || b.exited;
  await until(() => bothConnected() || anyDone(), deadline);
  let connectMs: number | undefined;
  let turnTcpConnections: number | undefined;
  if (bothConnected()) {
    connectMs = performance.now() - t0;
    turnTcpConnections = countTurnTcpConnections();
    send(a, { t: "go" });
    send(b, { t: "go" });
    await until(() => (a.sent && b.sent) || anyDone(), deadline);
    const drainEnd = Math.min(deadline, performance.now() + (spec.drainMs ?? 1000));
    await until(() => (a.allReceived && b.allReceived) || anyDone(), drainEnd);
    send(a, { t: "bye" });
    send(b, { t: "bye" });
  } else if (!anyDone()) {
    return fail(`neither connected nor failed within ${timeoutMs} ms (a hang)`);
  }
  // A peer that failed exits by itself with its report; the other one may still be trying: its own
  // checking timeout ends it, or the deadline does (then `bye` makes it report where it is).
  await until(() => a.report !== undefined && b.report !== undefined, deadline);
  for (const s of [a, b]) if (!s.report) send(s, { t: "bye" });
  const reported = await until(
    () => a.report !== undefined && b.report !== undefined && a.exited && b.exited,
    performance.now() + 5000,
  );
  const wallMs = performance.now() - t0;
  if (!reported || !a.report || !b.report) return fail("a peer did not report and exit after `bye`");
  return { a: a.report, b: b.report, connectMs, wallMs, turnTcpConnections, log };
}

/** utime + stime of a live peer (clock ticks), from /proc/PID/stat. */
function cpuTicks(s: Side): number | undefined {
  const stat = procStat(s);
  return stat ? Number(stat[14]) + Number(stat[15]) : undefined;
}

/** /proc/PID/stat fields numbered as in proc(5) (pid and comm left empty), or undefined when it is gone. */
function procStat(s: Side): string[] | undefined {
  if (s.exited || s.child.pid === undefined) return undefined;
  try {
    const text = readFileSync(`/proc/${s.child.pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: split after its closing parenthesis.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return ["", "", "", ...rest];
  } catch {
    return undefined;
  }
}

/** "state R, 98 % CPU over the last 0.5 s, wchan …": tells a busy loop from a blocked write or an idle loop. */
function processState(s: Side, ticksBefore: number | undefined): string {
  const stat = procStat(s);
  if (!stat) return "gone";
  const ticks = cpuTicks(s);
  const cpu = ticks !== undefined && ticksBefore !== undefined ? (ticks - ticksBefore) * 2 : undefined; // 100 Hz, 0.5 s
  let wchan = "?";
  try {
    wchan = readFileSync(`/proc/${s.child.pid}/wchan`, "utf8") || "0";
  } catch {}
  return `pid ${s.child.pid} state ${stat[3]}, ${cpu ?? "?"} % CPU over 0.5 s (${ticksBefore}->${ticks}), wchan ${wchan}`;
}

/** Established TCP connections to coturn (port 3478) in the lab's public namespace. */
function countTurnTcpConnections(): number {
  const r = spawnSync(
    "ip",
    [
      "netns",
      "exec",
      `${NS_PREFIX}pub`,
      "ss",
      "-Htn",
      "state",
      "established",
      `( sport = :${LAB_TURN.port} )`,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`ss in ${NS_PREFIX}pub failed: ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
}

/** One line per side for logs and assertion messages. */
export function describe(r: ScenarioResult): string {
  const one = (name: string, p: PeerReport): string => {
    const pair = p.pair
      ? `${p.pair.local.type}/${p.pair.local.protocol} ${p.pair.local.address}:${p.pair.local.port} -> ${p.pair.remote.type} ${p.pair.remote.address}:${p.pair.remote.port}`
      : "no pair";
    const base = `${name} ${p.impl}: ${p.state}${p.connectedMs === undefined ? "" : ` in ${p.connectedMs} ms`}${p.failure ? ` (${p.failure})` : ""}, ${pair}`;
    const m = p.media;
    if (!m) {
      return `${base}, sent ${p.sent} received ${p.received} other ${p.receivedOther} bytes ${p.receivedBytes}`;
    }
    const x = m.repair;
    const repair = x
      ? `; sent RTX ${x.retransmittedPacketsSent} for ${x.nackReceived} NACKs, ${x.pliReceived} PLIs in; ` +
        `received RTX ${x.retransmittedPacketsReceived}, lost ${x.packetsLost}, ${x.nackSent} NACKs and ` +
        `${x.pliSent} PLIs out; RTT ${x.rttMs ?? "—"} ms`
      : "";
    return (
      `${base}\n  ICE ${m.iceConnectedMs ?? "—"} ms, ${m.dtlsCipher ?? "DTLS ?"} / ${m.srtpProfile ?? "SRTP ?"}; ` +
      `VP8 frames sent ${m.framesSent}/${m.framesExpected}, received ${m.framesReceived}, identical ` +
      `${m.framesIdentical}, corrupt ${m.framesCorrupt}; RTP packets sent ${m.packetsSent}, received ` +
      `${m.packetsReceived}${repair}`
    );
  };
  return `${one("a", r.a)}\n${one("b", r.b)}\nconnect ${r.connectMs?.toFixed(0) ?? "—"} ms, wall ${r.wallMs.toFixed(0)} ms`;
}
