/**
 * `pnpm bench datachannel`: data channels over loopback, Tern↔Tern against werift↔werift,
 * node-datachannel↔node-datachannel (libdatachannel: usrsctp, OpenSSL) and wrtc↔wrtc (libwebrtc: dcSCTP),
 * each pair in its stack's own child process (both ends of a pair in that process), the stacks taking turns
 * round after round. Every round is a fresh data-only pair (bench/datachannel/channel-pairs.ts: equal
 * signaling and gathering) that runs, in order:
 *
 * (d) offer → the first channel open at both ends (a new connection), then five times createDataChannel on
 *     the connected pair → open at both ends (the creator's `open` and the other side's announced channel);
 * (a) bulk: 64 KiB binary messages a → b on a reliable ordered channel, flow-controlled as an application
 *     does it (send while bufferedAmount < 1 MiB, then wait for it to fall to 256 KiB: the stack's
 *     bufferedamountlow; wrtc never fires it here, so it is polled every 2 ms), MB/s received over the window;
 * (c) meanwhile, on another channel, a 100-byte ping every 10 ms that b echoes: round-trip p50 / p99;
 * (b) 100-byte messages a → b, the same flow control, messages/s received over the window.
 *
 * Process CPU (user + system, every thread) is taken over each window too: MB and messages per CPU-second.
 */
import { fileURLToPath } from "node:url";
import { startStunServer } from "@tern/ice";
import {
  type BenchChannel,
  type ChannelPair,
  channelPair,
  STACKS,
  type Stack,
} from "./datachannel/channel-pairs.js";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { percentile, spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

const ROUNDS = Number(process.env.DATACHANNEL_ROUNDS ?? (quick() ? 2 : 5));
const WINDOW_MS = quick() ? 2000 : 4000;
const WARM_MS = 500;
const HIGH = 1 << 20;
const LOW = 256 << 10;
const BULK = 65536;
const SMALL = 100;
const PING_EVERY_MS = 10;
const CREATE_RUNS = 5;

export interface RoundResult {
  readonly offerToOpenMs: number;
  readonly createToOpenMs: number;
  readonly bulkMBps: number;
  readonly bulkMBPerCpuSecond: number;
  readonly pingP50Ms: number;
  readonly pingP99Ms: number;
  readonly pings: number;
  readonly smallPerSecond: number;
  readonly smallPerCpuSecond: number;
  readonly config: Readonly<Record<string, unknown>>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `msg` flat out under bufferedAmount flow control until `stop` settles, yielding to the event loop
 * between bursts as an event-driven application does. A burst also ends after HIGH bytes of its own: wrtc's
 * bufferedAmount does not grow with send (libwebrtc updates it from its own thread), so reading it alone
 * would never end one.
 */
async function pump(ch: BenchChannel, msg: Uint8Array, stop: Promise<void>): Promise<void> {
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  while (!stopped) {
    let burst = 0;
    while (ch.bufferedAmount() < HIGH && burst < HIGH && !stopped) {
      ch.send(msg);
      burst += msg.byteLength;
    }
    await Promise.race([ch.waitLow(LOW), stop]);
    await new Promise((r) => setImmediate(r));
  }
}

/** A promise and the function that settles it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = (): void => undefined;
  const promise = new Promise<void>((r) => {
    fire = r;
  });
  return { promise, fire };
}

/** Bytes and messages `ch` receives, counted from `start()` to `stop()`, and the CPU in between. */
function meter(ch: BenchChannel) {
  let counting = false;
  let bytes = 0;
  let messages = 0;
  ch.onMessage((d) => {
    if (!counting) return;
    bytes += d.byteLength;
    messages++;
  });
  let t0 = 0;
  let c0 = process.cpuUsage();
  return {
    start(): void {
      counting = true;
      t0 = performance.now();
      c0 = process.cpuUsage();
    },
    stop(): { seconds: number; cpuSeconds: number; bytes: number; messages: number } {
      counting = false;
      const cpu = process.cpuUsage(c0);
      return {
        seconds: (performance.now() - t0) / 1000,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        bytes,
        messages,
      };
    },
  };
}

async function createToOpen(pair: ChannelPair, i: number): Promise<number> {
  const t0 = performance.now();
  const label = `d${i}`;
  const mine = pair.a.createChannel(label);
  const theirs = await pair.b.remoteChannel(label);
  await Promise.all([mine.opened, theirs.opened]);
  return performance.now() - t0;
}

export async function round(stack: Stack, stunUrl: string): Promise<RoundResult> {
  const pair = await channelPair(stack, stunUrl);
  const debug = process.env.DATACHANNEL_DEBUG
    ? (m: string) => console.log(`[${stack}] ${m}`)
    : () => undefined;
  try {
    debug("connected");
    const creates: number[] = [];
    for (let i = 0; i < CREATE_RUNS; i++) creates.push(await createToOpen(pair, i));

    // (a) bulk on c0, (c) pings on "ping" meanwhile
    const [bulkA, bulkB] = pair.c0;
    const pingA = pair.a.createChannel("ping");
    const pingB = await pair.b.remoteChannel("ping");
    await Promise.all([pingA.opened, pingB.opened]);
    pingB.onMessage((d) => pingB.send(d.slice()));
    const sentAt = new Map<number, number>();
    const rtts: number[] = [];
    pingA.onMessage((d) => {
      const seq = new DataView(d.buffer, d.byteOffset, d.byteLength).getUint32(0);
      const t = sentAt.get(seq);
      if (t !== undefined) rtts.push(performance.now() - t);
      sentAt.delete(seq);
    });
    debug("ping channel open");
    const bulkMeter = meter(bulkB);
    const stopBulk = signal();
    const bulk = pump(bulkA, new Uint8Array(BULK).fill(0xab), stopBulk.promise);
    await sleep(WARM_MS);
    bulkMeter.start();
    let seq = 0;
    const pinger = setInterval(() => {
      const m = new Uint8Array(SMALL);
      new DataView(m.buffer).setUint32(0, seq);
      sentAt.set(seq++, performance.now());
      pingA.send(m);
    }, PING_EVERY_MS);
    await sleep(WINDOW_MS);
    clearInterval(pinger);
    const a = bulkMeter.stop();
    stopBulk.fire();
    debug(`bulk window done: ${a.bytes} bytes`);
    await bulk;
    debug("bulk stopped");

    // (b) 100-byte messages on a new channel
    const smallA = pair.a.createChannel("small");
    const smallB = await pair.b.remoteChannel("small");
    await Promise.all([smallA.opened, smallB.opened]);
    const smallMeter = meter(smallB);
    const stopSmall = signal();
    const small = pump(smallA, new Uint8Array(SMALL).fill(0x5a), stopSmall.promise);
    await sleep(WARM_MS);
    smallMeter.start();
    await sleep(WINDOW_MS);
    const b = smallMeter.stop();
    stopSmall.fire();
    debug(`small window done: ${b.messages}`);
    await small;
    return {
      offerToOpenMs: pair.offerToOpenMs,
      createToOpenMs: percentile(creates, 50),
      bulkMBps: a.bytes / 1e6 / a.seconds,
      bulkMBPerCpuSecond: a.bytes / 1e6 / a.cpuSeconds,
      pingP50Ms: rtts.length > 0 ? percentile(rtts, 50) : Number.NaN,
      pingP99Ms: rtts.length > 0 ? percentile(rtts, 99) : Number.NaN,
      pings: rtts.length,
      smallPerSecond: b.messages / b.seconds,
      smallPerCpuSecond: b.messages / b.cpuSeconds,
      config: {
        ...pair.config,
        pingsAnswered: `${rtts.length} of ${seq}`,
      },
    };
  } finally {
    await pair.close();
    await sleep(200);
  }
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
  const stunUrl = `stun:127.0.0.1:${stun.address.port}`;
  const script = fileURLToPath(import.meta.url);
  const procs = STACKS.map((s) => new StackProcess(script, s, [stunUrl]));
  const failures: string[] = [];
  try {
    const rounds = await interleavedRounds<RoundResult | { failed: string }>(procs, {
      warmUp: 1,
      rounds: ROUNDS,
      command: "round",
    });
    const ok = (s: Stack): RoundResult[] =>
      (rounds[s] ?? []).filter((r): r is RoundResult => {
        if ("failed" in r) failures.push(`${s}: ${r.failed}`);
        return !("failed" in r);
      });
    const results = Object.fromEntries(STACKS.map((s) => [s, ok(s)])) as Record<Stack, RoundResult[]>;
    const row = (label: string, f: (r: RoundResult) => number, extra: Partial<BenchRow> = {}): BenchRow => ({
      case: label,
      values: Object.fromEntries(STACKS.map((s) => [s, spread(results[s].map(f))])),
      ...extra,
    });
    const config: Record<string, Record<string, unknown>> = {};
    for (const s of STACKS) config[s] = { ...(results[s].at(-1)?.config ?? {}) };
    writeReport(
      {
        name: "datachannel",
        title:
          "data channels over loopback: bulk, small messages, latency under load, open times; each stack's pair in its own process",
        unit: "MB/s",
        better: "higher",
        subject: "tern",
        baselines: ["node-datachannel", "werift", "wrtc"],
        rows: [
          row("(a) bulk, 64 KiB messages, reliable ordered, flow-controlled", (r) => r.bulkMBps, {
            headline: true,
          }),
          row("(a) bulk per CPU-second (both ends, every thread)", (r) => r.bulkMBPerCpuSecond, {
            unit: "MB/CPU-s",
          }),
          row("(b) 100-byte messages, flow-controlled", (r) => r.smallPerSecond, {
            unit: "msg/s",
            headline: true,
          }),
          row("(b) 100-byte messages per CPU-second", (r) => r.smallPerCpuSecond, { unit: "msg/CPU-s" }),
          row("(c) ping RTT p50 under (a), 100 B every 10 ms", (r) => r.pingP50Ms, {
            unit: "ms",
            better: "lower",
          }),
          row("(c) ping RTT p99 under (a)", (r) => r.pingP99Ms, {
            unit: "ms",
            better: "lower",
            headline: true,
          }),
          row(
            "(d) createDataChannel → open at both ends, connected pair (median of 5)",
            (r) => r.createToOpenMs,
            {
              unit: "ms",
              better: "lower",
            },
          ),
          row("(d) offer → first channel open at both ends, new connection", (r) => r.offerToOpenMs, {
            unit: "ms",
            better: "lower",
          }),
        ],
        config,
        method: {
          rounds: ROUNDS,
          warmUpRoundsPerStack: 1,
          windowMs: WINDOW_MS,
          warmBeforeWindowMs: WARM_MS,
          flowControl: `send while bufferedAmount < ${HIGH}; then wait for bufferedamountlow at ${LOW} (wrtc: polled every 2 ms, its event never fires)`,
          processes:
            "one child process per stack holding both ends of its pair; the parent runs the STUN server",
          signaling: "in-process trickle; only UDP IPv4 host candidates on 127.0.0.1 signaled",
          apis: "Tern: Node PeerConnection/DataChannel; werift: RTCPeerConnection; node-datachannel: native PeerConnection/DataChannel; wrtc: W3C RTCPeerConnection",
          rssPerConnection: "(e) is a row of peer-memory (one open data channel per connection)",
        },
        notes: [
          "Goals (issue 12): Tern at or above node-datachannel on (a) and (b); p99 under 50 ms on (c).",
          ...failures.map((f) => `failed round: ${f}`),
        ],
      },
      env(),
    );
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await stun.close();
  }
}

await benchEntry(import.meta.url, {
  main,
  stack: (name, args) => {
    if (!(STACKS as readonly string[]).includes(name) || !args[0])
      throw new Error(`usage: stack <${STACKS.join("|")}> <stun url>`);
    const stunUrl = args[0];
    return {
      round: async () => {
        try {
          return await round(name as Stack, stunUrl);
        } catch (e) {
          return { failed: e instanceof Error ? e.message : String(e) };
        }
      },
    };
  },
});
