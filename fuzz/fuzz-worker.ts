/** One target's campaign in a worker thread; the parent watches it (fuzz/run.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { readCorpus, runCampaign } from "@tern/test-support";
import { type FuzzModule, loadTargets } from "./fuzz-modules.js";

export interface WorkerJob {
  readonly module: FuzzModule;
  readonly target: string;
  readonly runs: number;
  readonly seed: number;
  readonly timeBoundMs: number;
  /** [0]: length of the input now running; then its bytes (for the watchdog). */
  readonly current: SharedArrayBuffer;
}

const job = workerData as WorkerJob;
const targets = await loadTargets(job.module);
const target = targets.find((t) => t.name === job.target);
if (!target) throw new Error(`no target ${job.target} in ${job.module.file}`);
const seeds = [
  ...(target.seeds?.() ?? []),
  ...readCorpus(job.module.corpusDir, target.name).map((e) => e.bytes),
];
const len = new Int32Array(job.current, 0, 1);
const buf = new Uint8Array(job.current, 4);
const result = runCampaign(target, {
  runs: job.runs,
  seed: job.seed,
  seeds,
  timeBoundMs: job.timeBoundMs,
  onInput: (input) => {
    const n = Math.min(input.length, buf.length);
    buf.set(input.subarray(0, n));
    Atomics.store(len, 0, n);
  },
  onProgress: (done) => parentPort?.postMessage({ kind: "progress", done }),
});
parentPort?.postMessage({ kind: "done", result, seeds: seeds.length });
