/**
 * Soak (pnpm test:soak): hostile datagrams at a live connection. B sends video (15 fps) and audio to A
 * through a lossless proxy; an attacker in another thread sends 20,000 datagrams a second for 60 s
 * straight at A's socket from its own address: random bytes, forged STUN, DTLS records, SRTP-looking
 * packets, and replays of B's real STUN, DTLS and SRTP datagrams. Media keeps its rate, neither side's
 * connection state moves, and what the attacker sent is accounted for by A's drop counters (by reason)
 * plus the kernel's receive-buffer drops. Then a STUN flood: no reply larger than its request, fewer bytes
 * out than in; and one at the STUN server, whose replies are rate-limited. TERN_SOAK_FLOOD_MS / TERN_SOAK_FLOOD_RATE change the flood.
 */
import { Worker } from "node:worker_threads";
import { startStunServer } from "@tern/ice";
import { describe, expect, it } from "vitest";
import { vp8Clip } from "../interop/media-fixtures.js";
import { bundleOf } from "../interop/peer-helpers.js";
import { LossyProxy } from "./lossy-proxy.js";
import { report, udpReceiveBufferErrors } from "./soak-metrics.js";
import { iceAgentOf, type SoakPair, soakPair } from "./soak-pair.js";

const FLOOD_MS = Number(process.env.TERN_SOAK_FLOOD_MS ?? 60_000);
const RATE = Number(process.env.TERN_SOAK_FLOOD_RATE ?? 20_000);

interface AttackResult {
  sent: number;
  sentBytes: number;
  byKind: Record<string, number>;
  received: number;
  receivedBytes: number;
  largestReplyOverRequest: number | null;
  seconds: number;
}

function attack(
  target: { address: string; port: number },
  kinds: readonly string[],
  replays: readonly Uint8Array[],
  durationMs: number,
): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./flood-attacker.mjs", import.meta.url), {
      workerData: { target, ratePerSec: RATE, durationMs, kinds, replays },
    });
    w.once("message", (m: AttackResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once("error", reject);
  });
}

/** Every counter A keeps (ICE agent, media session, DTLS endpoint, SRTP), flattened. */
function countersOf(pair: SoakPair): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (prefix: string, c: object | undefined): void => {
    for (const [k, v] of Object.entries(c ?? {})) {
      if (typeof v === "number") out[`${prefix}.${k}`] = v;
      else if (v && typeof v === "object") add(`${prefix}.${k}`, v);
    }
  };
  const session = bundleOf(pair.a).session;
  add("ice", iceAgentOf(pair.a)?.counters);
  add("session", session?.counters);
  add("dtls", session?.dtls?.counters);
  add("srtp", session?.srtp?.counters);
  return out;
}

/**
 * What A did with the attacker's datagrams, as counts: dropped by ICE (by reason), answered or taken as a
 * response by ICE (replayed real checks), or passed up (from an address an authenticated replay made a
 * peer-reflexive candidate) and dropped there by DTLS (by reason) or SRTP (by reason, under `srtp.*`).
 */
function accountedFor(counted: Record<string, number>): number {
  const notDrops = new Set([
    "ice.checks-sent",
    "ice.consent-sent",
    "dtls.resent-flight",
    "dtls.retransmitted-flight",
  ]);
  let n = 0;
  for (const [k, v] of Object.entries(counted)) {
    if (notDrops.has(k) || k.startsWith("srtp.")) continue; // srtp.* is the breakdown of session.srtp*Dropped
    if (k.startsWith("ice.") || k.startsWith("dtls.") || /Dropped|Malformed|UnknownSsrc|notDemuxable/.test(k))
      n += v;
  }
  return n;
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) d[k] = v - (before[k] ?? 0);
  return d;
}

describe("soak: hostile datagrams at a live connection", () => {
  it(`${RATE}/s for ${FLOOD_MS / 1000} s: media keeps its rate, no state moves, every drop counted`, async () => {
    const proxy = await LossyProxy.start(0);
    const pair = await soakPair(proxy);
    try {
      const video = vp8Clip();
      const remote = pair.remote.video;
      if (!remote) throw new Error("A got no video track");
      let got = 0;
      let corrupt = 0;
      remote.on("frame", (f) => {
        const want = video[Math.round(f.rtpTimestamp / 6000) % video.length];
        if (!want || Buffer.compare(f.data, want.data) !== 0) corrupt++;
        got++;
      });
      let sent = 0;
      const sender = setInterval(() => {
        const f = video[sent % video.length];
        if (f && pair.video.writeFrame(f.data, (sent * 6000) >>> 0)) sent++;
      }, 1000 / 15);
      const audio = setInterval(() => pair.audio.writeFrame(Uint8Array.of(0xfc, 1, 2, 3), 0), 20);
      await new Promise((r) => setTimeout(r, 3000)); // media flowing, consent checks captured
      const target = proxy.addressOfA;
      if (!target) throw new Error("no address for A");
      const replays = [...proxy.capturedToA.stun, ...proxy.capturedToA.dtls, ...proxy.capturedToA.rtp].map(
        (b) => new Uint8Array(b),
      );
      const statesBefore = { a: pair.states.a.length, b: pair.states.b.length };
      const before = countersOf(pair);
      const kernelBefore = udpReceiveBufferErrors();
      const gotBefore = got;
      const t0 = performance.now();
      const result = await attack(
        target,
        ["random", "stun-bare", "stun-username", "stun-software", "stun-response", "dtls", "srtp", "replay"],
        replays,
        FLOOD_MS,
      );
      const floodSeconds = (performance.now() - t0) / 1000;
      const framesDuring = got - gotBefore;
      const counted = delta(countersOf(pair), before);
      const kernelDrops = udpReceiveBufferErrors() - kernelBefore;
      // media is still flowing after the flood
      const gotAfterFlood = got;
      await new Promise((r) => setTimeout(r, 2000));
      clearInterval(sender);
      clearInterval(audio);
      const dropsCounted = accountedFor(counted);
      const summary = {
        rateAsked: RATE,
        attacker: { ...result, ratePerSec: Math.round(result.sent / result.seconds) },
        floodSeconds: Math.round(floodSeconds),
        video: {
          framesPerSecondDuringFlood: Math.round((framesDuring / floodSeconds) * 10) / 10,
          sentPerSecond: 15,
          corrupt,
          framesAfterFlood: got - gotAfterFlood,
        },
        countedAtA: counted,
        dropsCountedAtA: dropsCounted,
        kernelReceiveBufferDrops: kernelDrops,
        accountedFor: Math.round(((dropsCounted + kernelDrops) / result.sent) * 1000) / 1000,
        statesDuringFlood: { a: pair.states.a.slice(statesBefore.a), b: pair.states.b.slice(statesBefore.b) },
      };
      report("flood", summary);
      expect(summary.statesDuringFlood).toEqual({ a: [], b: [] });
      expect(corrupt).toBe(0);
      expect(summary.video.framesPerSecondDuringFlood).toBeGreaterThan(15 * 0.9);
      expect(got - gotAfterFlood).toBeGreaterThan(15);
      expect(result.sent).toBeGreaterThan(RATE * (FLOOD_MS / 1000) * 0.9);
      expect(summary.accountedFor).toBeGreaterThan(0.95);
      expect(result.receivedBytes).toBeLessThan(result.sentBytes);
    } finally {
      await pair.close();
      proxy.close();
    }
  });

  it("a STUN flood: no reply larger than its request, fewer bytes out than in", async () => {
    const proxy = await LossyProxy.start(0);
    const pair = await soakPair(proxy);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const target = proxy.addressOfA;
      if (!target) throw new Error("no address for A");
      const replays = proxy.capturedToA.stun.map((b) => new Uint8Array(b));
      const before = countersOf(pair);
      const r = await attack(
        target,
        ["stun-bare", "stun-username", "stun-software", "stun-response", "replay"],
        replays,
        Math.min(FLOOD_MS, 20_000),
      );
      const counted = delta(countersOf(pair), before);
      report("stun-flood", { attacker: r, replaysOfRealChecks: replays.length, countedAtA: counted });
      expect(r.receivedBytes).toBeLessThan(r.sentBytes);
      if (r.largestReplyOverRequest !== null) expect(r.largestReplyOverRequest).toBeLessThanOrEqual(0);
      expect(pair.a.connectionState).toBe("connected");
    } finally {
      await pair.close();
      proxy.close();
    }
  });

  it("a STUN flood at the STUN server: replies rate-limited, far fewer bytes out than in", async () => {
    const server = await startStunServer({ port: 0, host: "127.0.0.1" });
    try {
      const r = await attack(
        { address: "127.0.0.1", port: server.address.port },
        ["stun-bare", "stun-software", "stun-username"],
        [],
        Math.min(FLOOD_MS, 10_000),
      );
      const counters = { ...server.counters };
      report("stun-server-flood", { attacker: r, server: counters });
      expect(r.receivedBytes).toBeLessThan(r.sentBytes / 10);
      expect(counters["drop-rate-limited"]).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
