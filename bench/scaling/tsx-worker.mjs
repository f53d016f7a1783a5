// A worker thread does not inherit the main thread's `--import tsx` hooks on Node 20: this entry
// registers them, then loads the TypeScript worker script named in workerData.entry. (The bundled
// device run, bench/scaling/run-on-device.sh, needs none of this.)
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
