/**
 * A watchdog on a thread of its own for the node-datachannel peers (peer-ndc.ts, peer-ndc-media.ts).
 *
 * libdatachannel (node-datachannel 0.33.4) can deadlock between two of its own threads. Seen in relay-only
 * runs on the controlled ICE-only peer (the DTLS server), right after ICE connected: libjuice's "juice poll"
 * thread holds the ICE agent's mutex (agent_bookkeeping → ICE state callback →
 * PeerConnection::initDtlsTransport → DtlsTransport::handleTimeout) and waits for the DTLS transport's,
 * while an "RTC worker" thread holds the DTLS transport's (DtlsTransport::doRecv → OpenSSL flush →
 * IceTransport::send → agent_send) and waits for the agent's. From then on any call that takes the agent's
 * mutex (getSelectedCandidatePair(), close(), cleanup()) blocks the JS thread for good: the peer never read
 * `bye` and never reported.
 *
 * So those calls go through `guarded()`. One that has not returned after `limitMs` makes the watchdog say on
 * stderr which call blocked, write the peer's report line as it stood before the call (if it had not
 * reported yet: fd 1, one JSON line, like the peer's own out()), and kill the process with SIGKILL, since a
 * normal exit runs libdatachannel's static destructors, which join the deadlocked threads.
 */
import { Worker } from "node:worker_threads";
import type { CandidateInfo, PairInfo, PeerMessage } from "./peer-protocol.js";

/** Plain CommonJS for the worker (no tsx there): polls the armed deadline. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const deadline = new BigInt64Array(workerData.shared);
let what = "";
let line;
parentPort.on("message", (m) => { what = m.what; line = m.line; });
setInterval(() => {
  const d = Atomics.load(deadline, 0);
  if (d === 0n || BigInt(Date.now()) < d) return;
  writeSync(2, "ndc-watchdog: " + what + " did not return within " + workerData.limitMs +
    " ms (libdatachannel deadlocked?); " + (line === undefined ? "already reported" : "writing the report as it stood") +
    ", then SIGKILL\\n");
  if (line !== undefined) writeSync(1, line + "\\n");
  process.kill(process.pid, "SIGKILL");
}, 50);
`;

export interface Watchdog {
  /**
   * Runs `f` (a call into node-datachannel); if it blocks for `limitMs`, the process writes `reportLine`
   * (undefined: the peer has already reported) and dies.
   */
  guarded<T>(what: string, reportLine: string | undefined, f: () => T): T;
}

/** Starts the watchdog thread; resolves once it runs. */
export async function startWatchdog(limitMs = 2000): Promise<Watchdog> {
  const shared = new SharedArrayBuffer(8);
  const deadline = new BigInt64Array(shared);
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { shared, limitMs } });
  await new Promise<void>((resolve, reject) => {
    worker.once("online", () => resolve());
    worker.once("error", reject);
  });
  worker.unref(); // only now: until it is online, nothing else keeps the event loop (and the await) alive
  return {
    guarded<T>(what: string, reportLine: string | undefined, f: () => T): T {
      // The message reaches the worker's own event loop even while this thread is blocked.
      worker.postMessage({ what, line: reportLine });
      Atomics.store(deadline, 0, BigInt(Date.now() + limitMs));
      try {
        return f();
      } finally {
        Atomics.store(deadline, 0, 0n);
      }
    },
  };
}

/** A candidate as node-datachannel gives it (getSelectedCandidatePair, onLocalCandidate). */
export interface NdcCandidate {
  readonly address: string;
  readonly port: number;
  readonly type: string;
  readonly transportType: string;
}

export function candidateInfo(c: NdcCandidate): CandidateInfo {
  return { type: c.type, address: c.address, port: c.port, protocol: c.transportType.toLowerCase() };
}

/** What a node-datachannel peer gives `NdcPeerEnd`. */
export interface NdcPeerEndOptions {
  /** The peer connection's selected pair (its call into libdatachannel); undefined before it exists. */
  readonly selected: () => { readonly local: NdcCandidate; readonly remote: NdcCandidate } | null | undefined;
  /** The peer's report as it stands. */
  readonly message: () => PeerMessage;
  readonly out: (m: PeerMessage) => void;
  /** Closes what the peer opened (a call into libdatachannel). */
  readonly close: () => void;
  /** node-datachannel's cleanup() */
  readonly cleanup: () => void;
}

/**
 * How both node-datachannel peers read their selected pair and end, every call into libdatachannel
 * guarded. The pair is read ahead (never from inside a libdatachannel callback) and kept; `report` writes
 * the report from what is known already, then closes, cleans up and exits.
 */
export class NdcPeerEnd {
  /** The selected pair as last read, undefined until one could be read. */
  pair: PairInfo | undefined;
  reported = false;

  constructor(
    private readonly watchdog: Watchdog,
    private readonly o: NdcPeerEndOptions,
  ) {}

  readPair(): void {
    if (this.reported) return;
    const selected = this.watchdog.guarded(
      "getSelectedCandidatePair()",
      JSON.stringify(this.o.message()),
      this.o.selected,
    );
    if (selected)
      this.pair = { local: candidateInfo(selected.local), remote: candidateInfo(selected.remote) };
  }

  report(): void {
    if (this.reported) return;
    this.reported = true;
    this.o.out(this.o.message());
    this.watchdog.guarded("close()", undefined, this.o.close);
    setTimeout(() => {
      this.watchdog.guarded("cleanup()", undefined, this.o.cleanup);
      process.exit(0);
    }, 50);
  }
}
