/**
 * Soak (pnpm test:soak): churn. 500 connect/close cycles of two Tern peers on loopback, then 200 pairs
 * closed in the middle of connecting (at a seeded point between the offer and "connected"). Afterwards
 * handles, file descriptors and timers are back to their baseline, and the heap within a few MB of it.
 * TERN_SOAK_CHURN_CYCLES / TERN_SOAK_CHURN_ABORTS shorten it.
 */
import { withTimeout } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { connectionState } from "../interop/peer-helpers.js";
import { report, resources } from "./soak-metrics.js";
import { soakPair } from "./soak-pair.js";

const CYCLES = Number(process.env.TERN_SOAK_CHURN_CYCLES ?? 500);
const ABORTS = Number(process.env.TERN_SOAK_CHURN_ABORTS ?? 200);

/** Offer/answer between two fresh peers, closed after `closeAfterMs` (0: at once, before connecting). */
async function abortedConnect(closeAfterMs: number): Promise<boolean> {
  const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate).catch(() => undefined));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate).catch(() => undefined));
  a.addTransceiver("video");
  let connectedBeforeClose = false;
  a.on("connectionstatechange", (s) => {
    if (s === "connected") connectedBeforeClose = true;
  });
  const closing = new Promise<void>((resolve) =>
    setTimeout(() => void Promise.all([a.close(), b.close()]).then(() => resolve()), closeAfterMs),
  );
  try {
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription as never);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription as never);
    await Promise.race([connectionState(a, "connected"), closing]);
  } catch {
    // closed under our feet: the point of the exercise
  }
  const reached = connectedBeforeClose;
  await withTimeout(closing, 10_000, "an aborted pair to close");
  expect(a.connectionState).toBe("closed");
  expect(b.connectionState).toBe("closed");
  return !reached;
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
    let seed = 7;
    let closedBeforeConnected = 0;
    for (let i = 1; i <= ABORTS; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      if (await abortedConnect(seed % 40)) closedBeforeConnected++;
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
    expect(closedBeforeConnected).toBeGreaterThan(ABORTS / 2);
  });
});
