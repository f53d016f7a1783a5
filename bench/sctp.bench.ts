/**
 * `pnpm bench sctp`: the SCTP association alone (packages/sctp), two of them in this process joined by
 * an in-memory link (no DTLS, no socket, no loss): bulk transfer of 64 KiB messages and a stream of
 * 100-byte messages, reliable and ordered, one stream, with the sender keeping `bufferedAmount` at or
 * under 1 MiB as an application would. Plus CRC32c alone.
 *
 * There is no peer for this layer alone (werift's, usrsctp's and dcSCTP's SCTP run only under their
 * data channels), so there is no ratio here: `pnpm bench datachannel` (with the peer integration) is
 * where Tern meets node-datachannel, werift and libwebrtc on equal work. What this shows is the ceiling
 * SCTP leaves to the layers around it (DTLS record crypto, sockets).
 *
 * The clock is virtual: it stands still while packets move and jumps to the next deadline when nothing
 * else can happen (a delayed SACK), so the figures are CPU throughput, both ends together. MB/s of
 * user payload per CPU-second (process.cpuUsage: GC threads count), median of ROUNDS rounds.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { crc32c, SctpAssociation, type SctpAssociationOptions } from "@tern/sctp";
import { type BenchRow, median, writeReport } from "./report.js";

const ROUNDS = 5;
const HIGH_WATER = 1 << 20;

interface Transfer {
  readonly payloadBytes: number;
  readonly messages: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly packets: number;
}

function association(options: Partial<SctpAssociationOptions>): SctpAssociation {
  return new SctpAssociation({ random: (n) => randomBytes(n), maxSendMessageSize: 262144, ...options });
}

/** Sends `count` messages of `size` bytes from a to b; returns what it cost. */
export function transfer(size: number, count: number, options: Partial<SctpAssociationOptions>): Transfer {
  const a = association(options);
  const b = association(options);
  let now = 0;
  let packets = 0;
  let received = 0;
  let receivedBytes = 0;
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
  };
}

function rounds(size: number, count: number, options: Partial<SctpAssociationOptions>) {
  transfer(size, Math.max(1, count >> 3), options); // warm-up
  const mbPerCpuS: number[] = [];
  const msgPerCpuS: number[] = [];
  let last: Transfer | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const t = transfer(size, count, options);
    mbPerCpuS.push(t.payloadBytes / 1e6 / (t.cpuMs / 1000));
    msgPerCpuS.push(t.messages / (t.cpuMs / 1000));
    last = t;
  }
  return { mbPerCpuS: median(mbPerCpuS), msgPerCpuS: median(msgPerCpuS), last: last as Transfer };
}

function crcRate(size: number): number {
  const buf = new Uint8Array(size).map((_, i) => i * 31);
  const total = 256 << 20;
  const n = Math.ceil(total / size);
  let sink = 0;
  for (let i = 0; i < n / 8; i++) sink ^= crc32c(buf);
  const out: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) sink ^= crc32c(buf);
    const c = process.cpuUsage(c0);
    out.push((n * size) / 1e6 / ((c.user + c.system) / 1e6));
  }
  if (sink === 0x12345678) console.log("");
  return median(out);
}

export default async function (): Promise<void> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const cases: [string, number, number, Partial<SctpAssociationOptions>][] = [
    ["64 KiB messages, zero checksum (Tern↔Tern default)", 65536, 1600, {}],
    ["64 KiB messages, CRC32c both ways", 65536, 1600, { zeroChecksum: false }],
    ["100 B messages, zero checksum", 100, 200_000, {}],
    ["100 B messages, CRC32c both ways", 100, 200_000, { zeroChecksum: false }],
  ];
  for (const [name, size, count, options] of cases) {
    const r = rounds(size, count, options);
    rows.push({ case: `${name}: MB/s`, values: { Tern: r.mbPerCpuS } });
    rows.push({ case: `${name}: messages/s`, values: { Tern: r.msgPerCpuS } });
    notes.push(
      `${name}: last round ${(r.last.payloadBytes / 1e6).toFixed(0)} MB in ${r.last.packets} packets (both ways), ` +
        `${r.last.cpuMs.toFixed(0)} ms CPU, ${r.last.wallMs.toFixed(0)} ms wall`,
    );
  }
  rows.push({ case: "CRC32c over 1200 B: MB/s", values: { Tern: crcRate(1200) } });
  rows.push({ case: "CRC32c over 64 KiB: MB/s", values: { Tern: crcRate(65536) } });
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  writeReport({
    name: "sctp",
    unit: "per CPU-second",
    better: "higher",
    subject: "Tern",
    baselines: [],
    rows,
    notes: [
      `commit ${commit}; two associations in one process over an in-memory link, no DTLS; both ends' CPU counted; median of ${ROUNDS} rounds`,
      "no peer for SCTP alone (its peers only run it under their data channels): no ratio; see `pnpm bench datachannel`",
      ...notes,
    ],
  });
}
