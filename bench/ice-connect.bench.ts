/**
 * `pnpm bench ice-connect`: ICE alone, from creating both agents to both connected, on loopback:
 * Tern's IceTransport against werift-ice's Connection, each in a child process of its own, RUNS_PER_TURN
 * runs at a time in turn.
 *
 * Equal work: both gather every interface (IPv4) plus 127.0.0.1 and query the same STUN server on
 * loopback (run by this parent process); both trickle — each candidate goes to the other agent as it is
 * gathered, end-of-candidates when gathering is done, checks start at once — and only UDP host
 * candidates on 127.0.0.1 are signaled. What each gathered is read back into the result's config.
 */
import { fileURLToPath } from "node:url";
import { type Candidate, formatCandidate, IceTransport, startStunServer } from "@tern/ice";
import { Connection, Candidate as WeriftCandidate } from "werift-ice";
import { startEnvironment } from "./harness/environment.js";
import { writeReport } from "./harness/report.js";
import { percentile, spread } from "./harness/spread.js";
import {
  benchEntry,
  interleavedRounds,
  quick,
  StackProcess,
  StunRequestsPerTurn,
} from "./harness/stack-process.js";
import { GatheredCandidates, withTimeout } from "./peers/signaling.js";

const RUNS = Number(process.env.ICE_BENCH_RUNS ?? (quick() ? 20 : 60));
const RUNS_PER_TURN = 5;
const WARM_UP = 5;

interface Run {
  readonly ms: number;
  readonly cpuMs: number;
  readonly candidates: string;
}

function ternConnected(t: IceTransport): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") resolve();
      if (s === "failed") reject(new Error("Tern ICE failed"));
    };
    check(t.connectionState);
    t.on("connectionstatechange", check);
  });
}

async function ternOnce(stunUrl: string): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const opts = {
    iceServers: [{ urls: stunUrl }],
    interfaces: { includeLoopback: true, ipv6: false },
    mdns: false,
  };
  const a = new IceTransport({ ...opts, role: "controlling" });
  const b = new IceTransport({ ...opts, role: "controlled" });
  const gathered = new GatheredCandidates();
  const forward = (to: IceTransport, g?: GatheredCandidates) => (c: Candidate | null) => {
    if (!c) to.endOfRemoteCandidates();
    else if ((g ?? new GatheredCandidates()).add(formatCandidate(c))) void to.addRemoteCandidate(c);
  };
  a.on("candidate", forward(b, gathered));
  b.on("candidate", forward(a));
  a.setRemoteCredentials(b.localCredentials);
  b.setRemoteCredentials(a.localCredentials);
  const done = Promise.all([ternConnected(a), ternConnected(b)]);
  await Promise.all([a.gather(), b.gather(), withTimeout(done, 10_000, "Tern ICE connected")]);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await Promise.all([a.close(), b.close()]);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, candidates: gathered.summary() };
}

async function weriftOnce(stunUrl: string): Promise<Run> {
  const [host, port] = stunUrl.replace(/^stun:/, "").split(":");
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const opts = {
    stunServer: [host as string, Number(port)] as [string, number],
    useIpv6: false,
    additionalHostAddresses: ["127.0.0.1"],
  };
  const a = new Connection(true, opts);
  const b = new Connection(false, opts);
  const gathered = new GatheredCandidates();
  const forward = (to: Connection, g?: GatheredCandidates) => (c: WeriftCandidate | undefined) => {
    if (c && (g ?? new GatheredCandidates()).add(`candidate:${c.toSdp()}`))
      void to.addRemoteCandidate(WeriftCandidate.fromSdp(c.toSdp()));
  };
  a.onIceCandidate.subscribe(forward(b, gathered));
  b.onIceCandidate.subscribe(forward(a));
  a.setRemoteParams({ iceLite: false, usernameFragment: b.localUsername, password: b.localPassword });
  b.setRemoteParams({ iceLite: false, usernameFragment: a.localUsername, password: a.localPassword });
  const gather = (x: Connection, to: Connection) =>
    x.gatherCandidates().then(() => to.addRemoteCandidate(undefined));
  const gathering = Promise.all([gather(a, b), gather(b, a)]);
  await withTimeout(Promise.all([a.connect(), b.connect()]), 10_000, "werift-ice connected");
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await gathering;
  await Promise.all([a.close(), b.close()]);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, candidates: gathered.summary() };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const stunUrl = `stun:127.0.0.1:${stun.address.port}`;
  const script = fileURLToPath(import.meta.url);
  const procs = ["tern", "werift-ice"].map((n) => new StackProcess(script, n, [stunUrl]));
  let rounds: Record<string, Run[][]>;
  const stunSeen = new StunRequestsPerTurn(stun.counters);
  try {
    for (const p of procs) await p.call("warm");
    rounds = await interleavedRounds<Run[]>(procs, {
      warmUp: 0,
      rounds: Math.ceil(RUNS / RUNS_PER_TURN),
      command: "runs",
      around: stunSeen.around,
    });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await stun.close();
  }
  const runs = (n: string) => (rounds[n] ?? []).flat();
  const names = ["tern", "werift-ice"];
  const values = (f: (rs: Run[]) => number[]) =>
    Object.fromEntries(names.map((n) => [n, spread(f(runs(n)))]));
  writeReport(
    {
      name: "ice-connect",
      title:
        "ICE alone, agents created → both connected on loopback, same gathering (every interface + 127.0.0.1, one STUN server), trickle both",
      unit: "ms",
      better: "lower",
      subject: "tern",
      baselines: ["werift-ice"],
      rows: [
        {
          case: `start → both connected, each of ${RUNS} runs`,
          values: values((rs) => rs.map((r) => r.ms)),
          headline: true,
        },
        {
          case: "p90 over the runs",
          values: values((rs) =>
            rs.length
              ? [
                  percentile(
                    rs.map((r) => r.ms),
                    90,
                  ),
                ]
              : [],
          ),
        },
        { case: "process CPU per run", unit: "ms CPU", values: values((rs) => rs.map((r) => r.cpuMs)) },
      ],
      config: Object.fromEntries(
        names.map((n) => [
          n,
          {
            candidates: runs(n).at(-1)?.candidates,
            stunRequestsServedPerRun: (stunSeen.served[n] ?? 0) / Math.max(1, runs(n).length),
          },
        ]),
      ),
      method: {
        runs: RUNS,
        runsPerTurn: RUNS_PER_TURN,
        warmUpRunsPerStack: WARM_UP,
        processes: "one child process per stack; the parent runs the STUN server",
        signaling:
          "trickle: each UDP host candidate on 127.0.0.1 forwarded as gathered; end-of-candidates after gathering",
      },
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name, args) => {
    const stunUrl = args[0];
    if (!stunUrl || !["tern", "werift-ice"].includes(name))
      throw new Error("usage: stack <tern|werift-ice> <stun url>");
    const once = (): Promise<Run> => (name === "tern" ? ternOnce(stunUrl) : weriftOnce(stunUrl));
    return {
      warm: async () => {
        for (let i = 0; i < WARM_UP; i++) await once();
      },
      runs: async () => {
        const out: Run[] = [];
        for (let i = 0; i < RUNS_PER_TURN; i++) out.push(await once());
        return out;
      },
    };
  },
});
