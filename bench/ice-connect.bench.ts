/**
 * ICE: time from start (gathering begins) to both agents connected, on loopback, Tern↔Tern against
 * werift-ice↔werift-ice in the same run. Signaling is in-process and immediate for both, so what is
 * measured is gathering + checks + nomination. Median of RUNS runs each, interleaved.
 */
import { IceTransport, type RunningStunServer, startStunServer } from "@tern/ice";
import { Connection, Candidate as WeriftCandidate } from "werift-ice";
import { median, writeReport } from "./report.js";

const RUNS = Number(process.env.ICE_BENCH_RUNS ?? 25);

function connected(t: IceTransport): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: string): void => {
      if (s === "connected" || s === "completed") resolve();
      if (s === "failed") reject(new Error("Tern ICE failed"));
    };
    check(t.connectionState);
    t.on("connectionstatechange", check);
  });
}

async function ternOnce(): Promise<number> {
  const t0 = performance.now();
  const a = new IceTransport({ addresses: ["127.0.0.1"], role: "controlling", mdns: false });
  const b = new IceTransport({ addresses: ["127.0.0.1"], role: "controlled", mdns: false });
  // Trickle: each candidate goes to the peer the moment it is gathered.
  a.on("candidate", (c) => (c ? void b.addRemoteCandidate(c) : b.endOfRemoteCandidates()));
  b.on("candidate", (c) => (c ? void a.addRemoteCandidate(c) : a.endOfRemoteCandidates()));
  a.setRemoteCredentials(b.localCredentials);
  b.setRemoteCredentials(a.localCredentials);
  const done = Promise.all([connected(a), connected(b)]);
  await Promise.all([a.gather(), b.gather()]);
  await done;
  const ms = performance.now() - t0;
  await Promise.all([a.close(), b.close()]);
  return ms;
}

async function weriftOnce(stun: RunningStunServer): Promise<number> {
  const t0 = performance.now();
  const opts = {
    stunServer: [stun.address.address, stun.address.port] as [string, number],
    useIpv6: false,
    additionalHostAddresses: ["127.0.0.1"],
  };
  const a = new Connection(true, opts);
  const b = new Connection(false, opts);
  await Promise.all([a.gatherCandidates(), b.gatherCandidates()]);
  a.setRemoteParams({ iceLite: false, usernameFragment: b.localUsername, password: b.localPassword });
  b.setRemoteParams({ iceLite: false, usernameFragment: a.localUsername, password: a.localPassword });
  for (const c of a.localCandidates.filter((x) => x.host === "127.0.0.1")) {
    await b.addRemoteCandidate(WeriftCandidate.fromSdp(c.toSdp()));
  }
  for (const c of b.localCandidates.filter((x) => x.host === "127.0.0.1")) {
    await a.addRemoteCandidate(WeriftCandidate.fromSdp(c.toSdp()));
  }
  await Promise.all([a.addRemoteCandidate(undefined), b.addRemoteCandidate(undefined)]);
  await Promise.all([a.connect(), b.connect()]);
  const ms = performance.now() - t0;
  await Promise.all([a.close(), b.close()]);
  return ms;
}

export default async function (): Promise<void> {
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const tern: number[] = [];
  const werift: number[] = [];
  // warm-up (JIT, module loading) for both, not counted
  await ternOnce();
  await weriftOnce(stun);
  for (let i = 0; i < RUNS; i++) {
    tern.push(await ternOnce());
    werift.push(await weriftOnce(stun));
  }
  await stun.close();
  writeReport({
    name: "ice-connect",
    unit: "ms",
    better: "lower",
    subject: "tern",
    baselines: ["werift-ice"],
    rows: [
      {
        case: `start → connected, median of ${RUNS}`,
        values: { tern: median(tern), "werift-ice": median(werift) },
      },
      { case: "min", values: { tern: Math.min(...tern), "werift-ice": Math.min(...werift) } },
      { case: "max", values: { tern: Math.max(...tern), "werift-ice": Math.max(...werift) } },
    ],
    notes: [
      "loopback, in-process signaling, both agents in one process; Tern binds 127.0.0.1 only,",
      "werift gathers every interface and 127.0.0.1 and queries a STUN server on loopback (Tern's).",
    ],
  });
}
