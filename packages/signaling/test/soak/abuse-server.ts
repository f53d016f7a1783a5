/**
 * The signaling server of the abuse soak, alone in its process (so its memory is its own): default limits,
 * port 0. Prints its URL as one JSON line; answers "mem" on stdin with a JSON line of its memory after a
 * full GC (run with --expose-gc), "sample" with the same without a GC, and "stats" with its counters.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { startSignalingServer } from "../../src/index.js";

const server = await startSignalingServer({ port: 0, host: "127.0.0.1", heartbeatMs: 5_000 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "mem" || line === "sample") {
    // "mem" after a full GC (baseline, after); "sample" without, so measuring does not pause the server.
    if (line === "mem") {
      gc?.();
      gc?.();
    }
    const m = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ mem: { rss: m.rss, heapUsed: m.heapUsed }, sockets: server.relay.connectionCount, rooms: server.relay.roomCount, loopDelayP99Ms: loop.percentile(99) / 1e6, cpu: process.cpuUsage() })}\n`,
    );
    loop.reset();
  } else if (line === "stats") {
    process.stdout.write(`${JSON.stringify({ counters: { ...server.counters } })}\n`);
  } else if (line === "exit") {
    void server.close().then(() => process.exit(0));
  }
});
