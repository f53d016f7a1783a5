/**
 * `pnpm bench sctp`: the SCTP association alone (packages/sctp), two of them in one stack process joined
 * by an in-memory link (no DTLS, no socket, no loss): bulk transfer of 64 KiB messages and a stream of
 * 100-byte messages, reliable and ordered, one stream, with the sender keeping `bufferedAmount` at or
 * under 1 MiB as an application would. Plus CRC32c alone.
 *
 * There is no peer for this layer alone (werift's, usrsctp's and dcSCTP's SCTP run only under their
 * data channels), so there is no ratio here: a data-channel bench (with the peer integration) is where
 * Tern meets node-datachannel, werift and libwebrtc on equal work. What this shows is the ceiling SCTP
 * leaves to the layers around it (DTLS record crypto, sockets).
 *
 * The clock is virtual: it stands still while packets move and jumps to the next deadline when nothing
 * else can happen (a delayed SACK), so the figures are CPU throughput, both ends together: MB/s of user
 * payload and messages per CPU-second (process.cpuUsage: GC threads count). What the associations
 * negotiated (I-DATA, zero checksum each way) is read back from their `connected` events.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { crc32c, SctpAssociation, type SctpAssociationOptions } from "@tern/sctp";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

const ROUNDS = quick() ? 3 : 7;
/** Rounds not kept: the association's code paths take several rounds to reach their optimized shape. */
const WARM_UP = 3;
const HIGH_WATER = 1 << 20;
const CRC_OCTETS = quick() ? 64 << 20 : 256 << 20;

interface TransferCase {
  readonly name: string;
  readonly size: number;
  readonly count: number;
  readonly options: Partial<SctpAssociationOptions>;
}

const TRANSFERS: readonly TransferCase[] = [
  { name: "64 KiB messages, zero checksum (Tern↔Tern default)", size: 65536, count: 1600, options: {} },
  { name: "64 KiB messages, CRC32c both ways", size: 65536, count: 1600, options: { zeroChecksum: false } },
  { name: "100 B messages, zero checksum", size: 100, count: 200_000, options: {} },
  { name: "100 B messages, CRC32c both ways", size: 100, count: 200_000, options: { zeroChecksum: false } },
];
const CRC_SIZES = [1200, 65536] as const;

interface Transfer {
  readonly payloadBytes: number;
  readonly messages: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly packets: number;
  /** What the sender's `connected` event said was negotiated. */
  readonly negotiated: Readonly<Record<string, unknown>>;
}

function association(options: Partial<SctpAssociationOptions>): SctpAssociation {
  return new SctpAssociation({ random: (n) => randomBytes(n), maxSendMessageSize: 262144, ...options });
}

/** Sends `count` messages of `size` bytes from a to b; returns what it cost. */
function transfer(size: number, count: number, options: Partial<SctpAssociationOptions>): Transfer {
  const a = association(options);
  const b = association(options);
  let now = 0;
  let packets = 0;
  let received = 0;
  let receivedBytes = 0;
  let negotiated: Record<string, unknown> = {};
  const move = (from: SctpAssociation, to: SctpAssociation): number => {
    let n = 0;
    for (let p = from.pollTransmit(); p !== undefined; p = from.pollTransmit()) {
      to.handlePacket(now, p);
      n++;
    }
    return n;
  };
  const drain = (s: SctpAssociation): void => {
    for (let e = s.pollEvent(); e !== undefined; e = s.pollEvent()) {
      if (e.kind === "message") {
        received++;
        receivedBytes += e.data.length;
      } else if (e.kind === "connected" && s === a) {
        negotiated = {
          iData: e.iData,
          zeroChecksumSend: e.zeroChecksumSend,
          zeroChecksumReceive: e.zeroChecksumReceive,
        };
      }
    }
  };
  a.connect(now);
  b.connect(now);
  for (let i = 0; i < 20; i++) {
    move(a, b);
    move(b, a);
  }
  drain(a);
  drain(b);
  if (a.state !== "established" || b.state !== "established") throw new Error("no association");
  const message = new Uint8Array(size).fill(7);
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  while (received < count) {
    while (sent < count && a.bufferedAmount(1) < HIGH_WATER) {
      a.send(now, 1, 53, message);
      sent++;
    }
    const moved = move(a, b) + move(b, a);
    packets += moved;
    drain(b);
    drain(a);
    if (moved === 0) {
      // Nothing in flight can move: jump the clock to the next deadline (delayed SACK, T3).
      const ta = a.pollTimeout() ?? Number.POSITIVE_INFINITY;
      const tb = b.pollTimeout() ?? Number.POSITIVE_INFINITY;
      now = Math.max(now, Math.min(ta, tb));
      if (!Number.isFinite(now)) throw new Error("stalled");
      if (ta <= now) a.handleTimeout(now);
      if (tb <= now) b.handleTimeout(now);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    payloadBytes: receivedBytes,
    messages: received,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wall0,
    packets,
    negotiated,
  };
}

let sink = 0;

/** MB of CRC32c per CPU-second over CRC_OCTETS. */
function crcRate(size: number): number {
  const buf = new Uint8Array(size).map((_, i) => i * 31);
  const n = Math.ceil(CRC_OCTETS / size);
  for (let i = 0; i < n / 8; i++) sink ^= crc32c(buf);
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) sink ^= crc32c(buf);
  const c = process.cpuUsage(c0);
  return (n * size) / 1e6 / ((c.user + c.system) / 1e6);
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const proc = new StackProcess(fileURLToPath(import.meta.url), "tern");
  const rows: BenchRow[] = [];
  const negotiated: Record<string, unknown> = {};
  const notes: string[] = [];
  try {
    for (const [i, t] of TRANSFERS.entries()) {
      const r = await interleavedRounds<Transfer>([proc], {
        warmUp: WARM_UP,
        rounds: ROUNDS,
        command: "transfer",
        arg: i,
      });
      const runs = r.tern ?? [];
      rows.push({
        case: `${t.name}: MB/s`,
        values: { tern: spread(runs.map((x) => x.payloadBytes / 1e6 / (x.cpuMs / 1000))) },
        ...(i === 0 ? { headline: true } : {}),
      });
      rows.push({
        case: `${t.name}: messages/s`,
        unit: "messages per CPU-s",
        values: { tern: spread(runs.map((x) => x.messages / (x.cpuMs / 1000))) },
      });
      const last = runs.at(-1);
      negotiated[t.name] = last?.negotiated;
      if (last)
        notes.push(
          `${t.name}: last round ${(last.payloadBytes / 1e6).toFixed(0)} MB in ${last.packets} packets (both ways), ${last.cpuMs.toFixed(0)} ms CPU, ${last.wallMs.toFixed(0)} ms wall`,
        );
    }
    for (const size of CRC_SIZES) {
      const r = await interleavedRounds<number>([proc], {
        warmUp: 1,
        rounds: ROUNDS,
        command: "crc",
        arg: size,
      });
      rows.push({
        case: `CRC32c over ${size === 1200 ? "1200 B" : "64 KiB"}: MB/s`,
        values: { tern: spread(r.tern ?? []) },
      });
    }
  } finally {
    await proc.stop();
  }
  writeReport(
    {
      name: "sctp",
      title:
        "two SCTP associations over an in-memory link (no DTLS), both ends' CPU, 64 KiB and 100 B messages, zero checksum or CRC32c; CRC32c alone",
      unit: "MB per CPU-s",
      better: "higher",
      subject: "tern",
      baselines: [],
      rows,
      config: { tern: { negotiated, highWaterBytes: HIGH_WATER, mtu: 1200, ordered: true, streams: 1 } },
      method: {
        rounds: ROUNDS,
        warmUpRounds: WARM_UP,
        processes: "one child process (Tern's), every case in turn",
        clock: "virtual: jumps to the next deadline when no packet moves",
        crcOctetsPerRound: CRC_OCTETS,
        transfers: TRANSFERS.map((t) => ({ case: t.name, size: t.size, count: t.count, options: t.options })),
      },
      notes: [
        "No peer for SCTP alone (its peers only run it under their data channels): no ratio; a data-channel bench is where Tern meets them.",
        ...notes,
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: () => ({
    transfer: (arg: unknown): Transfer => {
      const t = TRANSFERS[arg as number];
      if (!t) throw new Error(`no transfer case ${String(arg)}`);
      return transfer(t.size, t.count, t.options);
    },
    crc: (arg: unknown): number => {
      const rate = crcRate(arg as number);
      if (sink === 0x12345678) console.log("");
      return rate;
    },
  }),
});
