/**
 * `pnpm bench sctp-wire`: the SCTP wire layer alone — CRC32c, and decoding / encoding DATA packets —
 * against werift 0.25's SCTP codec on the same inputs, in this process (contenders alternate by round).
 *
 * - CRC32c over 1200 octets (one packet at the default MTU) and 64 KiB: Tern's `crc32c` against
 *   werift's exported `crc32c` (both pure-JS slicing-by-16).
 * - decode: a 1200-octet packet with one DATA chunk, CRC32c checked, to a value whose user data is
 *   reachable. werift: its internal `parsePacket` (not exported; loaded from its lib by path).
 * - encode: one DATA chunk of 1172 octets into a packet, CRC32c set. werift: `serializePacket`.
 * - decode, 12 DATA chunks of 64 octets bundled in one packet (small messages).
 *
 * MB/s of packet octets, per CPU-second (process.cpuUsage, so GC threads count); median of ROUNDS.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Chunk, crc32c, decodeSctpPacket, encodeSctpPacket, encodeSctpPacketInto } from "@tern/sctp";
import { type BenchRow, median, writeReport } from "./report.js";

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
const require = createRequire(import.meta.url);
const weriftCrc32c = (require("werift") as { crc32c: (b: Buffer) => number }).crc32c;
// werift's package exports hide its SCTP codec; its CommonJS lib has it next to the WebRTC entry point.
const weriftSctp = require(
  join(dirname(require.resolve("werift")), "../../sctp/src/chunk.js"),
) as WeriftSctpCodec;

const ROUNDS = 7;
const TARGET_OCTETS = 48 * 1024 * 1024;

interface Contender {
  readonly name: string;
  /** processes one input; returns the octets it covered */
  readonly run: () => number;
}

let sink = 0;

/** MB of packet octets per CPU-second for each contender, median over ROUNDS interleaved rounds. */
function measure(contenders: readonly Contender[]): Record<string, number> {
  const rates: Record<string, number[]> = {};
  for (const c of contenders) for (let i = 0; i < 200; i++) c.run(); // warm up
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of contenders) {
      const t = process.cpuUsage();
      let octets = 0;
      while (octets < TARGET_OCTETS) octets += c.run();
      const used = process.cpuUsage(t);
      const list = rates[c.name] ?? [];
      list.push(octets / ((used.user + used.system) / 1e6) / 1e6);
      rates[c.name] = list;
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
}

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

function weriftData(tsn: number, userData: Buffer): WeriftDataChunk {
  const c = new weriftSctp.DataChunk(0x03, undefined);
  c.tsn = tsn;
  c.streamId = 1;
  c.streamSeqNum = tsn & 0xffff;
  c.protocol = 53;
  c.userData = userData;
  return c;
}

export default async function (): Promise<void> {
  const rows: BenchRow[] = [];
  for (const size of [1200, 65536]) {
    const b = filled(size);
    rows.push({
      case: `CRC32c, ${size === 1200 ? "1200 B" : "64 KiB"}`,
      values: measure([
        {
          name: "Tern",
          run: () => {
            sink ^= crc32c(b);
            return size;
          },
        },
        {
          name: "werift",
          run: () => {
            sink ^= weriftCrc32c(b);
            return size;
          },
        },
      ]),
    });
  }

  const header = { sourcePort: 5000, destinationPort: 5000, verificationTag: 0x5eed1234 };
  // Built field by field: an object spread ({ ...header, chunks }) costs ~0.6 µs here, more than the codec.
  const packetOf = (chunks: Chunk[]) => ({
    sourcePort: 5000,
    destinationPort: 5000,
    verificationTag: 0x5eed1234,
    chunks,
  });
  const payload = filled(1200 - 12 - 16);
  const packet = Buffer.from(encodeSctpPacket(packetOf([dataChunk(7, payload)])));
  if (weriftSctp.parsePacket(packet)[3][0]?.userData?.length !== payload.length)
    throw new Error("werift parse");
  rows.push({
    case: "decode 1200 B DATA packet",
    values: measure([
      {
        name: "Tern",
        run: () => {
          const r = decodeSctpPacket(packet);
          if (r.ok && r.value.chunks[0]?.type === "data") sink ^= r.value.chunks[0].userData.length;
          return packet.length;
        },
      },
      {
        name: "werift",
        run: () => {
          sink ^= weriftSctp.parsePacket(packet)[3][0]?.userData?.length ?? 0;
          return packet.length;
        },
      },
    ]),
  });

  let tsn = 0;
  rows.push({
    case: "encode 1200 B DATA packet",
    values: measure([
      {
        name: "Tern",
        run: () => encodeSctpPacket(packetOf([dataChunk(tsn++, payload)])).length,
      },
      {
        name: "werift",
        run: () =>
          weriftSctp.serializePacket(5000, 5000, header.verificationTag, weriftData(tsn++, payload)).length,
      },
    ]),
  });
  const out = new Uint8Array(2048);
  rows.push({
    case: "encode 1200 B DATA packet, Tern into a reused buffer",
    values: measure([
      {
        name: "Tern",
        run: () => encodeSctpPacketInto(out, 0, packetOf([dataChunk(tsn++, payload)])),
      },
      {
        name: "werift",
        run: () =>
          weriftSctp.serializePacket(5000, 5000, header.verificationTag, weriftData(tsn++, payload)).length,
      },
    ]),
  });

  const small = filled(64);
  const bundle = Buffer.from(
    encodeSctpPacket(packetOf(Array.from({ length: 12 }, (_, i) => dataChunk(100 + i, small)))),
  );
  rows.push({
    case: "decode 12 × 64 B DATA bundle",
    values: measure([
      {
        name: "Tern",
        run: () => {
          const r = decodeSctpPacket(bundle);
          if (r.ok) sink ^= r.value.chunks.length;
          return bundle.length;
        },
      },
      {
        name: "werift",
        run: () => {
          sink ^= weriftSctp.parsePacket(bundle)[3].length;
          return bundle.length;
        },
      },
    ]),
  });

  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  writeReport({
    name: "sctp-wire",
    unit: "MB/s",
    better: "higher",
    subject: "Tern",
    baselines: ["werift"],
    rows,
    notes: [
      `commit ${commit}; MB/s of packet octets per CPU-second, median of ${ROUNDS} rounds of ${TARGET_OCTETS >> 20} MiB`,
      "werift 0.25.2: exported crc32c; parsePacket / serializePacket from its lib (one chunk per packet, Buffer.concat for the CRC)",
      "'into a reused buffer' is encodeSctpPacketInto: no allocation per packet but the chunk object",
      `(sink ${sink & 1})`,
    ],
  });
}
