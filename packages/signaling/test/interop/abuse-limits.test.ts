/**
 * Issue 18, "Signaling CPU", through a real server: a connection is charged by bytes as well as by
 * messages, so frames under the message rate cannot make the server parse megabytes a second; and a peer
 * that does not read is cut off by its queued bytes.
 */
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Cleanup } from "./harness.js";

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe("byte budget", () => {
  it("frames under the message rate are refused past the byte budget, and the sender is not read until it refills", {
    timeout: 15_000,
  }, async () => {
    // 100 messages a second would let 60 KB frames through at 6 MB/s; the byte bucket holds 256 KiB and
    // refills at 128 KiB/s.
    const srv = await cleanup.server({ limits: { bytesPerSecond: 128 * 1024, byteBurst: 256 * 1024 } });
    const bad = await cleanup.peer(srv.url);
    await bad.hello();
    const nested = `${"[".repeat(30_000)}${"]".repeat(30_000)}`; // 60,000 bytes, under the 64 KiB limit
    for (let i = 0; i < 10; i++) bad.sendRaw(nested);
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await bad.expect("error")).code);
    // 256 KiB buys four 60 KB frames (each refused for its shape); the fifth is over the budget. Then the
    // server stops reading until a frame's worth has refilled: the rest are read as the budget allows,
    // not refused all at once (unthrottled, frames 5 to 10 were all rate-limited).
    expect(codes.slice(0, 5)).toEqual([...Array(4).fill("invalid-message"), "rate-limited"]);
    const limited = codes.filter((c) => c === "rate-limited").length;
    expect(limited).toBeLessThan(6);
    expect(codes.slice(5)).toContain("invalid-message");
    expect(srv.counters["rate-limited"]).toBe(limited);
  });
});

describe("slow consumers", () => {
  it("a peer that stops reading is cut off once its queue passes maxQueuedBytes", {
    timeout: 30_000,
  }, async () => {
    const maxQueuedBytes = 128 * 1024;
    const cuts: { queuedBytes: number }[] = [];
    const logger = pino(
      { level: "debug" },
      {
        write: (line: string) => {
          const entry = JSON.parse(line) as { msg: string; queuedBytes: number };
          if (entry.msg === "slow consumer cut off") cuts.push(entry);
        },
      },
    );
    const srv = await cleanup.server({
      logger,
      limits: { maxQueuedBytes, messageBurst: 10_000, byteBurst: 1e9, bytesPerSecond: 1e9 },
    });
    const sender = await cleanup.peer(srv.url);
    const sink = await cleanup.peer(srv.url);
    await sender.hello();
    const ws = await sink.hello();
    await sender.join("r");
    await sink.join("r");
    await sender.expect("peer-joined");
    // The sink stops reading: the kernel buffers fill, then the server's queue for it grows.
    (sink.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const sdp = "a".repeat(60_000);
    const left = sender.expect("peer-left");
    let sent = 0;
    let gone = false;
    void left.then(() => {
      gone = true;
    });
    // Bounded: 64 MB at most, far past any loopback socket buffer.
    while (!gone && sent < 1000) {
      sender.send({ type: "offer", room: "r", to: ws.peerId, sdp });
      sent++;
      if (sent % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(await left).toMatchObject({ peerId: ws.peerId, reason: "disconnected" });
    expect(srv.counters["slow-consumer"]).toBe(1);
    // Cut when its queue passed the limit, not megabytes later: at most one more frame was queued.
    expect(cuts).toHaveLength(1);
    expect(cuts[0]?.queuedBytes).toBeGreaterThan(maxQueuedBytes);
    expect(cuts[0]?.queuedBytes).toBeLessThan(maxQueuedBytes + 64 * 1024);
    expect(srv.relay.roomSize("r")).toBe(1);
  });
});
