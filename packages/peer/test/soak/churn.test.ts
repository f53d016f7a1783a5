/**
 * Soak (pnpm test:soak): churn. 500 connect/close cycles of two Tern peers on loopback, then 200 pairs
 * closed in the middle of connecting (in turn after each step of the offer/answer, while ICE checks, and
 * once ICE is connected but DTLS is not). Afterwards
 * handles, file descriptors and timers are back to their baseline, and the heap within a few MB of it.
 * TERN_SOAK_CHURN_CYCLES / TERN_SOAK_CHURN_ABORTS shorten it.
 */
import { withTimeout } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { report, resources } from "./soak-metrics.js";
import { soakPair } from "./soak-pair.js";

const CYCLES = Number(process.env.TERN_SOAK_CHURN_CYCLES ?? 500);
const ABORTS = Number(process.env.TERN_SOAK_CHURN_ABORTS ?? 200);

/** Where in connecting a pair is closed: after each step of the offer/answer, then during ICE and DTLS. */
const ABORT_STAGES = [
  "after createOffer",
  "after the offer is set locally",
  "after the offer is set remotely",
  "after the answer is set locally",
  "after the answer is set remotely",
  "when ICE is checking",
  "when ICE is connected, DTLS not yet",
] as const;

/**
 * Offer/answer between two fresh peers, closed at `stage`. Returns whether the pair was closed before it
 * was "connected" (the point of the exercise).
 */
async function abortedConnect(stage: number): Promise<boolean> {
  const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate).catch(() => undefined));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate).catch(() => undefined));
  a.addTransceiver("video");
  let connected = false;
  a.on("connectionstatechange", (s) => {
    if (s === "connected") connected = true;
  });
  const iceReached = (want: "checking" | "connected"): Promise<void> =>
    new Promise((resolve) =>
      a.on("iceconnectionstatechange", (s) => {
        if (s === want || (want === "checking" && s === "connected")) resolve();
      }),
    );
  const checking = iceReached("checking");
  const iceConnected = iceReached("connected");
  const close = async (): Promise<boolean> => {
    const before = !connected;
    await withTimeout(Promise.all([a.close(), b.close()]), 10_000, `closing ${ABORT_STAGES[stage]}`);
    expect(a.connectionState).toBe("closed");
    expect(b.connectionState).toBe("closed");
    return before;
  };
  const offer = await a.createOffer();
  if (stage === 0) return close();
  await a.setLocalDescription(offer);
  if (stage === 1) return close();
  await b.setRemoteDescription(a.localDescription as never);
  if (stage === 2) return close();
  await b.setLocalDescription(await b.createAnswer());
  if (stage === 3) return close();
  await a.setRemoteDescription(b.localDescription as never);
  if (stage === 4) return close();
  await withTimeout(
    stage === 5 ? checking : iceConnected,
    10_000,
    `ICE ${stage === 5 ? "checking" : "connected"}`,
  );
  return close();
}

describe("soak: churn", () => {
  it(`${CYCLES} connect/close cycles and ${ABORTS} closes mid-connect leave nothing behind`, async () => {
    for (let i = 0; i < 3; i++) await (await soakPair()).close(); // warm-up: lazy modules, caches
    await new Promise((r) => setTimeout(r, 200));
    const baseline = resources();
    const t0 = performance.now();
    const trace: { after: number; handles: number; fds: number; timers: number; heapMB: number }[] = [];
    for (let i = 1; i <= CYCLES; i++) {
      const p = await soakPair();
      await p.close();
      if (i % 100 === 0) {
        const r = resources();
        trace.push({ after: i, handles: r.handles, fds: r.fds, timers: r.timers, heapMB: r.heapMB });
      }
    }
    const cyclesSeconds = (performance.now() - t0) / 1000;
    let closedBeforeConnected = 0;
    for (let i = 1; i <= ABORTS; i++) {
      if (await abortedConnect(i % ABORT_STAGES.length)) closedBeforeConnected++;
      if (i % 100 === 0) {
        const r = resources();
        trace.push({ after: CYCLES + i, handles: r.handles, fds: r.fds, timers: r.timers, heapMB: r.heapMB });
      }
    }
    await new Promise((r) => setTimeout(r, 500)); // sockets' close callbacks
    const end = resources();
    report("churn", {
      cycles: CYCLES,
      aborts: ABORTS,
      closedBeforeConnected,
      cyclesSeconds: Math.round(cyclesSeconds),
      baseline,
      end,
      trace,
    });
    expect(end.handles).toBeLessThanOrEqual(baseline.handles);
    expect(end.fds).toBeLessThanOrEqual(baseline.fds);
    expect(end.timers).toBeLessThanOrEqual(baseline.timers);
    expect(end.heapMB).toBeLessThan(baseline.heapMB + 8);
    expect(closedBeforeConnected).toBe(ABORTS);
  });
});
