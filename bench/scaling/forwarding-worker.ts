/**
 * The media-scaling bench's worker script, run by `ConnectionWorkers` (@tern/peer) in each worker thread:
 * each connection the bench opens is a Tern pair inside this thread forwarding RTP flat out (the path
 * of peer-media: input bytes → writeRtp → SRTP → ICE → RemoteTrack), warmed up, then measured on "run".
 */
import { performance } from "node:perf_hooks";
import { threadId } from "node:worker_threads";
import { serveConnections } from "@tern/peer";
import { flatOut, ternPath } from "../media/media-path.js";
import type { SrtpProfileName } from "../peers/pair-options.js";

export interface ForwardingInit {
  readonly profile: SrtpProfileName;
  /** Seconds of flat-out forwarding before "ready" (JIT warm-up, not measured). */
  readonly warmSeconds: number;
}
export type ForwardingCommand =
  | { readonly kind: "run"; readonly seconds: number }
  | { readonly kind: "stop" };
export type ForwardingReport =
  | { readonly kind: "ready"; readonly threadId: number }
  | {
      readonly kind: "result";
      readonly sent: number;
      readonly received: number;
      readonly threadId: number;
      /** event-loop utilization of this worker thread over the run (0–1) */
      readonly utilization: number;
    }
  | { readonly kind: "failed"; readonly error: string };

serveConnections(async (signaling, init) => {
  const { profile, warmSeconds } = init as ForwardingInit;
  const path = await ternPath(profile);
  // Warm before "ready": a fresh worker's first second runs interpreted and baseline code while its
  // functions are compiled on V8's background threads, which with every core busy compete with the other
  // workers for CPU — a start-up cost per worker, not the steady state a server runs in.
  if (warmSeconds > 0) await flatOut(path, warmSeconds);
  signaling.on("message", (m) => {
    const c = m as ForwardingCommand;
    if (c.kind === "stop") {
      void path.close().then(() => signaling.close());
      return;
    }
    const elu0 = performance.eventLoopUtilization();
    flatOut(path, c.seconds).then(
      (o) =>
        signaling.send({
          kind: "result",
          sent: o.sent,
          received: o.received,
          threadId,
          utilization: performance.eventLoopUtilization(elu0).utilization,
        } satisfies ForwardingReport),
      (e: unknown) => signaling.send({ kind: "failed", error: String(e) } satisfies ForwardingReport),
    );
  });
  signaling.send({ kind: "ready", threadId } satisfies ForwardingReport);
});
