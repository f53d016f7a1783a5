/**
 * Soak (pnpm test:soak): data channels leave nothing behind (issue 12, "no unbounded memory").
 * - 1,000 channels opened and closed on one connection (ten rounds of 100 open at once, a message each way
 *   on each, half closed by each side): the ids are reused, the machine holds no channel and no stream
 *   state, the heap is back at its baseline.
 * - 1,000 connections, each with one channel opened, used and closed, then the connection closed: handles,
 *   descriptors, timers and the heap back at their baseline.
 * TERN_SOAK_DC_CHANNELS / TERN_SOAK_DC_CONNECTIONS shorten them.
 */
import { until, withTimeout } from "@tern/test-support";
import { describe, expect, it } from "vitest";
import type { DataChannel } from "../../src/node/data-channel.js";
import { PeerConnection } from "../../src/node/peer-connection.js";
import { connectionState } from "../interop/peer-helpers.js";
import { report, resources } from "./soak-metrics.js";

const CHANNELS = Number(process.env.TERN_SOAK_DC_CHANNELS ?? 1000);
const CONNECTIONS = Number(process.env.TERN_SOAK_DC_CONNECTIONS ?? 1000);

async function connectedPair(): Promise<{ a: PeerConnection; b: PeerConnection; close(): Promise<void> }> {
  const a = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  const b = new PeerConnection({ iceAddresses: ["127.0.0.1"], mdns: false });
  a.on("icecandidate", (e) => void b.addIceCandidate(e.candidate).catch(() => undefined));
  b.on("icecandidate", (e) => void a.addIceCandidate(e.candidate).catch(() => undefined));
  const close = async (): Promise<void> => {
    await Promise.all([a.close(), b.close()]);
  };
  const first = a.createDataChannel("first");
  const announced = new Promise<DataChannel>((resolve) => b.once("datachannel", (e) => resolve(e.channel)));
  try {
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as never);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as never);
    await withTimeout(
      Promise.all([connectionState(a, "connected"), connectionState(b, "connected")]),
      15_000,
      "connected",
    );
    const theirs = await withTimeout(announced, 10_000, "datachannel");
    await openThenClose(first, theirs, "a");
  } catch (e) {
    await close();
    throw e;
  }
  return { a, b, close };
}

/** One message each way, then `closer`'s end closes; resolves when both ends are closed. */
async function openThenClose(mine: DataChannel, theirs: DataChannel, closer: "a" | "b"): Promise<void> {
  if (mine.readyState !== "open") await new Promise<void>((r) => mine.once("open", () => r()));
  const got = { a: 0, b: 0 };
  mine.on("message", () => void got.a++);
  theirs.on("message", () => void got.b++);
  mine.send("ping");
  theirs.send(new Uint8Array([1, 2, 3]));
  await until(() => got.a === 1 && got.b === 1, { timeoutMs: 10_000, what: "a message each way" });
  const closed = Promise.all([
    new Promise<void>((r) => mine.once("close", () => r())),
    new Promise<void>((r) => theirs.once("close", () => r())),
  ]);
  (closer === "a" ? mine : theirs).close();
  await withTimeout(closed, 10_000, "closed at both ends");
}

describe("soak: data channels", () => {
  it(`${CHANNELS} channels opened and closed on one connection: ids reused, machine empty, heap at baseline`, async () => {
    const { a, b, close } = await connectedPair();
    try {
      const announced: DataChannel[] = [];
      b.on("datachannel", (e) => announced.push(e.channel));
      const cycle = async (n: number): Promise<number> => {
        const before = announced.length;
        const mine = Array.from({ length: n }, (_, i) => a.createDataChannel(`c${i}`));
        await until(() => announced.length === before + n, {
          timeoutMs: 20_000,
          what: `${n} channels announced`,
        });
        const theirs = announced.slice(before);
        const byLabel = new Map(theirs.map((c) => [c.label, c]));
        await Promise.all(
          mine.map((c, i) => openThenClose(c, byLabel.get(c.label) as DataChannel, i % 2 === 0 ? "a" : "b")),
        );
        announced.length = 0;
        return Math.max(...mine.map((c) => c.id ?? 0));
      };
      await cycle(20); // warm-up: code paths, caches
      const machine = a.dataChannels.machine;
      const baseline = resources();
      const usageBefore = machine.association?.usage();
      let highestId = 0;
      for (let done = 0; done < CHANNELS; done += 100)
        highestId = Math.max(highestId, await cycle(Math.min(100, CHANNELS - done)));
      await new Promise((r) => setTimeout(r, 300));
      const end = resources();
      const result = {
        channels: CHANNELS,
        highestId,
        machine: {
          a: [machine.channels.size, machine.idsInUse],
          b: [b.dataChannels.machine.channels.size, b.dataChannels.machine.idsInUse],
        },
        usageBefore,
        usageAfter: machine.association?.usage(),
        baselineHeapMB: baseline.heapMB,
        endHeapMB: end.heapMB,
      };
      report("data-channels-one-connection", result);
      expect(highestId).toBeLessThanOrEqual(199); // 100 at a time: ids of our parity reused, never past 199
      expect(result.machine).toEqual({ a: [0, 0], b: [0, 0] });
      expect(result.usageAfter).toEqual(usageBefore);
      expect(end.heapMB).toBeLessThan(baseline.heapMB + 1);
    } finally {
      await close();
    }
  });

  it(`${CONNECTIONS} connections with one channel each, opened, used, closed: resources and heap at baseline`, async () => {
    for (let i = 0; i < 5; i++) await (await connectedPair()).close(); // warm-up
    await new Promise((r) => setTimeout(r, 300));
    const baseline = resources();
    const trace: { after: number; heapMB: number; handles: number; timers: number; fds: number }[] = [];
    const t0 = performance.now();
    for (let i = 1; i <= CONNECTIONS / 2; i++) {
      // each pair is two connections
      await (await connectedPair()).close();
      if (i % 100 === 0) {
        const r = resources();
        trace.push({ after: i * 2, heapMB: r.heapMB, handles: r.handles, timers: r.timers, fds: r.fds });
      }
    }
    await new Promise((r) => setTimeout(r, 500)); // sockets' close callbacks
    const end = resources();
    report("data-channels-connections", {
      connections: CONNECTIONS,
      seconds: Math.round((performance.now() - t0) / 1000),
      baseline,
      end,
      trace,
    });
    expect(end.handles).toBeLessThanOrEqual(baseline.handles);
    expect(end.fds).toBeLessThanOrEqual(baseline.fds);
    expect(end.timers).toBeLessThanOrEqual(baseline.timers);
    expect(end.heapMB).toBeLessThan(baseline.heapMB + 3);
  });
});
