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
