/**
 * `pnpm bench sctp-wire`: the SCTP wire layer alone — CRC32c, and decoding / encoding DATA packets —
 * against werift 0.25's SCTP codec on the same inputs, each in a child process of its own, rounds
 * interleaved.
 *
 * - CRC32c over 1200 octets (one packet at the default MTU) and 64 KiB: Tern's `crc32c` against
 *   werift's exported `crc32c` (both pure-JS slicing-by-16).
 * - decode: a 1200-octet packet with one DATA chunk, CRC32c checked, to a value whose user data is
 *   reachable. werift: its internal `parsePacket` (not exported; loaded from its lib by path).
 * - encode: one DATA chunk of 1172 octets into a packet, CRC32c set. werift: `serializePacket`; Tern once
 *   into a new array (`encodeSctpPacket`) and once into a reused buffer (`encodeSctpPacketInto`).
 * - decode, 12 DATA chunks of 64 octets bundled in one packet (small messages).
 *
 * MB/s of packet octets per CPU-second (process.cpuUsage, so GC threads count). Equal work is read back:
 * each process reports the CRC it computed, the user data it decoded and a digest of the packet it
 * encoded for the same chunk; a contender whose answers differ from Tern's is dropped from that row.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Chunk, crc32c, decodeSctpPacket, encodeSctpPacket, encodeSctpPacketInto } from "@tern/sctp";
import { startEnvironment } from "./harness/environment.js";
import { type BenchRow, configMismatches, writeReport } from "./harness/report.js";
import { spread } from "./harness/spread.js";
import { benchEntry, interleavedRounds, quick, StackProcess } from "./harness/stack-process.js";

const ROUNDS = quick() ? 3 : 7;
const ROUND_CPU_MS = quick() ? 150 : 300;
const CONTENDERS = ["tern", "werift"] as const;
type Contender = (typeof CONTENDERS)[number];

const CASES = {
  crc1200: "CRC32c, 1200 B",
  crc64k: "CRC32c, 64 KiB",
  decode: "decode 1200 B DATA packet",
  encode: "encode 1200 B DATA packet",
  encodeInto: "encode 1200 B DATA packet, Tern into a reused buffer",
  decodeBundle: "decode 12 × 64 B DATA bundle",
} as const;
type Case = keyof typeof CASES;

interface WeriftDataChunk {
  tsn: number;
  streamId: number;
  streamSeqNum: number;
  protocol: number;
  userData: Buffer;
}
interface WeriftSctpCodec {
  parsePacket(data: Buffer): [number, number, number, { type: number; userData?: Buffer }[]];
  serializePacket(sourcePort: number, destinationPort: number, tag: number, chunk: WeriftDataChunk): Buffer;
  DataChunk: new (flags: number, body: Buffer | undefined) => WeriftDataChunk;
}

let sink = 0;

function filled(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

function dataChunk(tsn: number, userData: Uint8Array): Chunk {
  return {
    type: "data",
    immediate: false,
    unordered: false,
    beginning: true,
    ending: true,
    tsn,
    streamId: 1,
    ssn: tsn & 0xffff,
    ppid: 53,
    userData,
  };
}

// Built field by field: an object spread ({ ...header, chunks }) costs ~0.6 µs here, more than the codec.
const packetOf = (chunks: Chunk[]) => ({
  sourcePort: 5000,
  destinationPort: 5000,
  verificationTag: 0x5eed1234,
  chunks,
});

/** The same inputs in every process: Tern's encoder makes the packets both decoders read. */
function inputs() {
  const payload = filled(1200 - 12 - 16);
  const small = filled(64);
  return {
    crc1200: filled(1200),
    crc64k: filled(65536),
    payload,
    packet: Buffer.from(encodeSctpPacket(packetOf([dataChunk(7, payload)]))),
    bundle: Buffer.from(
      encodeSctpPacket(packetOf(Array.from({ length: 12 }, (_, i) => dataChunk(100 + i, small)))),
    ),
  };
}
type Inputs = ReturnType<typeof inputs>;

/** One contender's work for one case: each call processes one input and returns the octets it covered. */
interface Work {
  readonly run: () => number;
  /** What the work produced, for the equal-work check (not timed). */
  readonly answer: () => unknown;
}

const digest = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex").slice(0, 16);

function ternWork(c: Case, x: Inputs): Work {
  let tsn = 0;
  const out = new Uint8Array(2048);
  switch (c) {
    case "crc1200":
    case "crc64k": {
      const b = x[c];
      return {
        run: () => {
          sink ^= crc32c(b);
          return b.length;
        },
        answer: () => crc32c(b),
      };
    }
    case "decode":
    case "decodeBundle": {
      const p = c === "decode" ? x.packet : x.bundle;
      const userData = (): number[] => {
        const r = decodeSctpPacket(p);
        return r.ok ? r.value.chunks.map((k) => (k.type === "data" ? k.userData.length : -1)) : [];
      };
      return {
        run: () => {
          const r = decodeSctpPacket(p);
          if (r.ok && r.value.chunks[0]?.type === "data") sink ^= r.value.chunks[0].userData.length;
          return p.length;
        },
        answer: userData,
      };
    }
    case "encode":
      return {
        run: () => encodeSctpPacket(packetOf([dataChunk(tsn++, x.payload)])).length,
        answer: () => digest(encodeSctpPacket(packetOf([dataChunk(7, x.payload)]))),
      };
    case "encodeInto":
      return {
        run: () => encodeSctpPacketInto(out, 0, packetOf([dataChunk(tsn++, x.payload)])),
        answer: () =>
          digest(out.subarray(0, encodeSctpPacketInto(out, 0, packetOf([dataChunk(7, x.payload)])))),
      };
  }
}

function weriftWork(c: Case, x: Inputs): Work {
  const require = createRequire(import.meta.url);
  const weriftCrc32c = (require("werift") as { crc32c: (b: Buffer) => number }).crc32c;
  // werift's package exports hide its SCTP codec; its CommonJS lib has it next to the WebRTC entry point.
  const w = require(join(dirname(require.resolve("werift")), "../../sctp/src/chunk.js")) as WeriftSctpCodec;
  const data = (tsn: number): WeriftDataChunk => {
    const k = new w.DataChunk(0x03, undefined);
    k.tsn = tsn;
    k.streamId = 1;
    k.streamSeqNum = tsn & 0xffff;
    k.protocol = 53;
    k.userData = x.payload;
    return k;
  };
  let tsn = 0;
  switch (c) {
    case "crc1200":
    case "crc64k": {
      const b = x[c];
      return {
        run: () => {
          sink ^= weriftCrc32c(b);
          return b.length;
        },
        answer: () => weriftCrc32c(b) >>> 0,
      };
    }
    case "decode":
    case "decodeBundle": {
      const p = c === "decode" ? x.packet : x.bundle;
      return {
        run: () => {
          const chunks = w.parsePacket(p)[3];
          sink ^= c === "decode" ? (chunks[0]?.userData?.length ?? 0) : chunks.length;
          return p.length;
        },
        answer: () => w.parsePacket(p)[3].map((k) => k.userData?.length ?? -1),
      };
    }
    case "encode":
    case "encodeInto":
      return {
        run: () => w.serializePacket(5000, 5000, 0x5eed1234, data(tsn++)).length,
        answer: () => digest(w.serializePacket(5000, 5000, 0x5eed1234, data(7))),
      };
  }
}

function stackCommands(who: Contender) {
  const x = inputs();
  const work = (c: Case): Work => (who === "tern" ? ternWork(c, x) : weriftWork(c, x));
  return {
    answers: (): Record<string, unknown> =>
      Object.fromEntries((Object.keys(CASES) as Case[]).map((c) => [c, work(c).answer()])),
    /** MB of packet octets per CPU-second for `case`, over about ROUND_CPU_MS of CPU. */
    round: (arg: unknown): number => {
      const { run } = work(arg as Case);
      for (let i = 0; i < 200; i++) run();
      let octets = 0;
      let used = 0;
      const c0 = process.cpuUsage();
      while (used < ROUND_CPU_MS * 1000) {
        for (let i = 0; i < 256; i++) octets += run();
        const c = process.cpuUsage(c0);
        used = c.user + c.system;
      }
      if (sink === 0.5) throw new Error("unreachable: keeps the results alive"); // sink is an integer
      return octets / used; // octets per µs = MB/s
    },
  };
}

async function main(): Promise<void> {
  const env = startEnvironment();
  const script = fileURLToPath(import.meta.url);
  const procs = CONTENDERS.map((c) => new StackProcess(script, c));
  const rows: BenchRow[] = [];
  const config: Record<string, Record<string, unknown>> = {};
  const notes: string[] = [];
  try {
    for (const p of procs) config[p.name] = await p.call<Record<string, unknown>>("answers");
    for (const c of Object.keys(CASES) as Case[]) {
      // Equal work per case: werift's answer for this case (CRC value, user data decoded, packet digest).
      const bad = configMismatches(config, "tern", [c]);
      for (const b of bad) notes.push(`${b.who} dropped from "${CASES[c]}": ${b.why}`);
      const r = await interleavedRounds<number>(procs, {
        warmUp: 1,
        rounds: ROUNDS,
        command: "round",
        arg: c,
      });
      rows.push({
        case: CASES[c],
        values: Object.fromEntries(
          CONTENDERS.filter((n) => !bad.some((b) => b.who === n)).map((n) => [n, spread(r[n] ?? [])]),
        ),
        ...(c === "crc1200" || c === "decode" ? { headline: true } : {}),
      });
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  writeReport(
    {
      name: "sctp-wire",
      title:
        "SCTP CRC32c, DATA packet decode and encode, MB per CPU-second, same inputs, each codec in its own process",
      unit: "MB/s",
      better: "higher",
      subject: "tern",
      baselines: ["werift"],
      rows,
      config,
      method: {
        rounds: ROUNDS,
        warmUpRounds: 1,
        roundCpuMs: ROUND_CPU_MS,
        processes: "one child process per contender, rounds interleaved",
        werift:
          "0.25.2: exported crc32c; parsePacket / serializePacket from its lib (one chunk per packet, Buffer.concat for the CRC)",
      },
      notes: [
        "MB/s of packet octets per CPU-second; config holds each contender's answers for the same inputs (CRC, user data lengths decoded, digest of the packet encoded for the same chunk).",
        "'into a reused buffer' is encodeSctpPacketInto: no allocation per packet but the chunk object; werift has no such call, so its figure is serializePacket's again.",
        ...notes,
      ],
    },
    env(),
  );
}

await benchEntry(import.meta.url, {
  main,
  stack: (name) => {
    if (!(CONTENDERS as readonly string[]).includes(name)) throw new Error(`no contender ${name}`);
    return stackCommands(name as Contender);
  },
});
