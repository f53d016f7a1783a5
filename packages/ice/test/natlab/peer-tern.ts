/**
 * A Tern ICE peer for the NAT lab, run inside a host namespace by the scenario runner:
 *   ip netns exec tern-host-a node --conditions=tern-source --import tsx peer-tern.ts '<PeerConfig JSON>'
 * Speaks the line protocol of peer-protocol.ts on stdin/stdout; NATLAB_LOG=<pino level> logs to stderr. On `start` it creates an IceTransport
 * (STUN and/or TURN from the lab's coturn), trickles its candidates, and reports when ICE connects or
 * fails; on `go` it sends its application datagrams; on `bye` (or by itself once ICE failed) it prints its
 * report, closes and exits.
 */
import { type Candidate, formatCandidate, IceTransport, type IceTransportOptions } from "@tern/ice";
import pino from "pino";
import {
  type CandidateInfo,
  DATAGRAM_MARK,
  LAB_TURN,
  lineReader,
  makeDatagram,
  type PeerConfig,
  type PeerMessage,
  parseRunnerMessage,
  type RunnerMessage,
} from "./peer-protocol.js";

const config = JSON.parse(process.argv[2] ?? "{}") as PeerConfig;

function out(m: PeerMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function info(c: Candidate): CandidateInfo {
  return { type: c.type, address: c.address, port: c.port, protocol: c.transport };
}

let transport: IceTransport | undefined;
let t0 = 0;
const ms = (): number => +(performance.now() - t0).toFixed(1);
let connectedMs: number | undefined;
let failedMs: number | undefined;
let failure: string | undefined;
let sent = 0;
let receivedOther = 0;
let receivedBytes = 0;
const seen = new Set<number>();
let reported = false;

function options(): IceTransportOptions {
  const iceServers: { urls: string; username?: string; credential?: string }[] = [];
  if (config.stun) iceServers.push({ urls: `stun:${LAB_TURN.address}:${LAB_TURN.port}` });
  if (config.turn) {
    iceServers.push({
      urls: `turn:${LAB_TURN.address}:${LAB_TURN.port}?transport=${config.turn}`,
      username: LAB_TURN.username,
      credential: LAB_TURN.credential,
    });
  }
  // NATLAB_LOG=debug (in the runner's environment) puts the transport's log on stderr, which the runner
  // keeps in the scenario's log.
  const level = process.env.NATLAB_LOG;
  return {
    ...(level ? { logger: pino({ level, base: { peer: config.name } }, pino.destination(2)) } : {}),
    addresses: [config.address],
    role: config.role,
    mdns: false,
    iceServers,
    iceTransportPolicy: config.policy,
    checkingTimeoutMs: config.checkingTimeoutMs,
  };
}

function report(): void {
  if (reported) return;
  reported = true;
  const t = transport;
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(t?.agent.counters ?? {})) if (v > 0) counters[k] = v;
  const pair = t?.selectedPair;
  out({
    t: "report",
    report: {
      impl: "tern",
      state: t?.connectionState ?? "new",
      connectedMs,
      failedMs,
      failure,
      pair: pair ? { local: info(pair.local), remote: info(pair.remote) } : undefined,
      localCandidates: t?.localCandidateLines() ?? [],
      sent,
      received: seen.size,
      receivedOther,
      receivedBytes,
      counters,
    },
  });
  void (t ? t.close() : Promise.resolve()).finally(() => setTimeout(() => process.exit(0), 20));
}

function start(): void {
  t0 = performance.now();
  const t = new IceTransport(options());
  transport = t;
  out({ t: "creds", ufrag: t.localCredentials.ufrag, pwd: t.localCredentials.pwd });
  t.on("candidate", (c) => out(c ? { t: "cand", line: formatCandidate(c) } : { t: "eoc" }));
  t.on("connectionstatechange", (state) => {
    out({ t: "state", state, ms: ms() });
    if ((state === "connected" || state === "completed") && connectedMs === undefined) {
      connectedMs = ms();
      const p = t.selectedPair;
      if (p) out({ t: "connected", ms: connectedMs, pair: { local: info(p.local), remote: info(p.remote) } });
    }
  });
  t.on("failed", (err) => {
    failedMs = ms();
    failure = `${err.code}: ${err.message}`;
    report();
  });
  t.on("data", (d) => {
    receivedBytes += d.length;
    if (d[0] === DATAGRAM_MARK && d.length >= 3) {
      seen.add(d.readUInt16BE(1));
      if (seen.size === config.datagrams) out({ t: "all-received" });
    } else receivedOther++;
  });
  t.on("error", (err) => {
    failure = `internal error: ${err.message}`;
    report();
  });
  void t.gather();
}

/** Sends the datagrams in bursts of 10 every 5 ms (200 datagrams take ~100 ms). */
function go(): void {
  const t = transport;
  if (!t) return;
  const burst = (): void => {
    try {
      for (let i = 0; i < 10 && sent < config.datagrams; i++) {
        t.send(makeDatagram(sent, config.datagramBytes));
        sent++;
      }
    } catch (err) {
      failure = `send failed: ${err instanceof Error ? err.message : String(err)}`;
      out({ t: "sent", n: sent });
      return;
    }
    if (sent < config.datagrams) setTimeout(burst, 5);
    else out({ t: "sent", n: sent });
  };
  burst();
}

function handle(m: RunnerMessage): void {
  const t = transport;
  switch (m.t) {
    case "start":
      start();
      return;
    case "creds":
      t?.setRemoteCredentials({ ufrag: m.ufrag, pwd: m.pwd });
      return;
    case "cand":
      void t?.addRemoteCandidate(m.line);
      return;
    case "eoc":
      t?.endOfRemoteCandidates();
      return;
    case "go":
      go();
      return;
    case "bye":
      report();
      return;
  }
}

process.stdin.on(
  "data",
  lineReader((line) => {
    const m = parseRunnerMessage(line);
    if (m) handle(m);
  }),
);
// The runner closing our stdin (it crashed or gave up) ends us too: never linger in the namespace.
process.stdin.on("end", () => report());
out({ t: "ready" });
