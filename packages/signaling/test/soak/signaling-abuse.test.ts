/**
 * Soak tier (TERN_SOAK=1; `pnpm test:soak`): "Signaling under abuse" (issue 18). A server in its own
 * process takes 2,000 abusive connections from another process (idle, slowloris, never reading, malformed
 * and deeply nested JSON, oversized frames, one client joining 10,000 rooms) while a well-behaved pair in
 * this process runs offer/answer every 100 ms. The pair's offer→answer round trip must stay under 100 ms
 * at the 99th percentile (or twice what the same pair gets with no abuser, on a machine too busy for that),
 * and the server's heap must come back to its baseline once the abusers leave. The numbers (latency
 * percentiles quiet and under abuse, the server's event-loop delay, CPU, heap and RSS samples, drop
 * counters) are printed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SignalingClient } from "../../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../../../..");
const ABUSE_SECONDS = Number(process.env.TERN_SOAK_SIGNALING_SECONDS ?? 60);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

function tsx(file: string, args: string[], node: string[] = []): { child: ChildProcess; lines: Interface } {
  const child = spawn(
    process.execPath,
    [...node, "--conditions=tern-source", "--import", "tsx", file, ...args],
    {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  children.push(child);
  return { child, lines: createInterface({ input: child.stdout as NodeJS.ReadableStream }) };
}

function nextJson<T>(lines: Interface): Promise<T> {
  return new Promise((resolve) => lines.once("line", (l) => resolve(JSON.parse(l) as T)));
}

interface Mem {
  mem: { rss: number; heapUsed: number };
  sockets: number;
  rooms: number;
  /** The server's event-loop delay p99 since the previous sample. */
  loopDelayP99Ms: number;
  cpu: { user: number; system: number };
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

describe.runIf(process.env.TERN_SOAK === "1")("signaling under abuse (soak)", () => {
  it("a well-behaved pair keeps offer/answer under 100 ms p99 beside 2,000 abusive sockets; heap returns to baseline", {
    timeout: (ABUSE_SECONDS + 140) * 1000,
  }, async () => {
    const server = tsx(join(here, "abuse-server.ts"), [], ["--expose-gc"]);
    const { url } = await nextJson<{ url: string }>(server.lines);
    const mem = async (what: "mem" | "sample" = "mem"): Promise<Mem> => {
      const reply = nextJson<Mem>(server.lines);
      server.child.stdin?.write(`${what}\n`);
      return reply;
    };

    const alice = new SignalingClient(url, { name: "alice", reconnect: false });
    const bob = new SignalingClient(url, { name: "bob", reconnect: false });
    await alice.connect();
    const wb = await bob.connect();
    await alice.join("good");
    await bob.join("good");
    bob.on("signal", (m) => {
      if (m.type === "offer") bob.send({ type: "answer", room: "good", to: m.from, sdp: `answer ${m.sdp}` });
    });
    const rtts: number[] = [];
    const pending = new Map<string, number>();
    alice.on("signal", (m) => {
      if (m.type !== "answer") return;
      const t0 = pending.get(m.sdp.slice("answer ".length));
      if (t0 !== undefined) rtts.push(performance.now() - t0);
    });
    let n = 0;
    const exchange = (): void => {
      const sdp = `v=0 ${n++}`;
      pending.set(sdp, performance.now());
      alice.send({ type: "offer", room: "good", to: wb.peerId, sdp });
    };
    // Warm-up, then the baseline.
    for (let i = 0; i < 20; i++) {
      exchange();
      await new Promise((r) => setTimeout(r, 20));
    }
    const baseline = await mem();
    // 10 s of the same exchanges with no abuser: what this machine gives the pair when quiet.
    rtts.length = 0;
    const quietTicker = setInterval(exchange, 100);
    await new Promise((r) => setTimeout(r, 10_000));
    clearInterval(quietTicker);
    await new Promise((r) => setTimeout(r, 500));
    const quiet = [...rtts];
    rtts.length = 0;

    const abusers = tsx(join(here, "abusers.ts"), [url, String(ABUSE_SECONDS)]);
    const samples: Mem[] = [baseline];
    const ticker = setInterval(exchange, 100);
    // Sampled without a GC while the pair is measured (a forced full GC pauses the server).
    const sampler = setInterval(() => void mem("sample").then((m) => samples.push(m)), 5_000);
    const report = await nextJson<Record<string, number>>(abusers.lines);
    clearInterval(ticker);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 1_000)); // the last exchanges and the closes land
    const during = [...rtts];

    // The abusers are gone: the server forgets them (closes, heartbeats for the half-open slowloris ones).
    let after = await mem();
    for (let i = 0; i < 40 && after.sockets > 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = await mem();
    }
    const statsReply = nextJson<{ counters: Record<string, number> }>(server.lines);
    server.child.stdin?.write("stats\n");
    const { counters } = await statsReply;
    const mb = (b: number): number => Math.round((b / 1048576) * 10) / 10;
    const figures = {
      abusers: report,
      quietRttMs: { count: quiet.length, p50: percentile(quiet, 50), p99: percentile(quiet, 99) },
      exchanges: during.length,
      rttMs: { p50: percentile(during, 50), p99: percentile(during, 99), max: Math.max(...during) },
      heapMb: samples.map((s) => mb(s.mem.heapUsed)).concat(mb(after.mem.heapUsed)),
      rssMb: samples.map((s) => mb(s.mem.rss)).concat(mb(after.mem.rss)),
      serverLoopDelayP99Ms: samples.map((s) => Math.round(s.loopDelayP99Ms)),
      serverCpuPercent: Math.round(
        ((after.cpu.user + after.cpu.system - baseline.cpu.user - baseline.cpu.system) /
          1e6 /
          (ABUSE_SECONDS + 1)) *
          100,
      ),
      socketsSeen: samples.map((s) => s.sockets),
      roomsSeen: samples.map((s) => s.rooms),
      after: { sockets: after.sockets, rooms: after.rooms },
      dropped: Object.fromEntries(Object.entries(counters).filter(([, v]) => v > 0)),
    };
    console.log(`signaling abuse soak: ${JSON.stringify(figures, null, 1)}`);

    expect(report.connections).toBe(2000);
    expect(during.length).toBeGreaterThan(ABUSE_SECONDS * 5);
    // The bound is 100 ms. On a shared machine the pair's own p99 with no abuser at all moved from
    // 5 ms to 220 ms between runs (other work), so the bound is 100 ms or twice this run's quiet p99,
    // whichever is larger; both figures are printed above.
    expect(figures.rttMs.p99).toBeLessThan(Math.max(100, 2 * figures.quietRttMs.p99));
    // One client's 10,000 joins left at most its 8 rooms at any time.
    expect(Math.max(...figures.roomsSeen)).toBeLessThanOrEqual(1 + 8 + 300 * 8);
    expect(after.sockets).toBe(2);
    expect(after.rooms).toBe(1);
    // Heap back to baseline (within 20 % + 4 MB: what a full GC leaves of caches).
    expect(after.mem.heapUsed).toBeLessThan(baseline.mem.heapUsed * 1.2 + 4 * 1048576);
    await alice.close();
    await bob.close();
    server.child.stdin?.write("exit\n");
  });
});
