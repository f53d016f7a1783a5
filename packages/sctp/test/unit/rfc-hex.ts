import { type Chunk, encodeChunkInto, paddedChunkLength } from "../../src/wire/chunk.js";
import { sctpPacketCrc32c, writeSctpChecksum } from "../../src/wire/crc32c.js";
import { decodeSctpPacket } from "../../src/wire/sctp-packet.js";

/**
 * Octets written the way the RFC figures draw them: hex pairs, any spacing, one 32-bit row per line,
 * with `#` comments naming the fields. `rfcHex("00 03 00 14  # Type = 0 | flags | Length = 20")`.
 */
export function rfcHex(text: string): Uint8Array {
  const digits = text
    .split("\n")
    .map((line) => line.replace(/#.*$/, ""))
    .join("")
    .replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`not hex octets: ${digits}`);
  return Uint8Array.from(Buffer.from(digits, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** `chunks` behind a common header (ports 5000, Verification Tag 0x01020304) with a correct CRC32c. */
export function framedPacket(chunks: Uint8Array): Uint8Array {
  const packet = new Uint8Array(12 + chunks.length);
  packet.set(rfcHex("13 88 13 88  01 02 03 04"), 0);
  packet.set(chunks, 12);
  writeSctpChecksum(packet, sctpPacketCrc32c(packet));
  return packet;
}

/** Decodes the one chunk of `framedPacket(chunk)`, failing the test on any decode error. */
export function decodeOneChunk(chunk: Uint8Array): Chunk {
  const r = decodeSctpPacket(framedPacket(chunk));
  if (!r.ok) throw new Error(`decode failed: ${r.error.code} at ${r.error.at}`);
  if (r.value.chunks.length !== 1) throw new Error(`${r.value.chunks.length} chunks`);
  return r.value.chunks[0] as Chunk;
}

/** The decode error of `framedPacket(chunk)`, with `at` counted from the chunk's first octet. */
export function chunkDecodeError(chunk: Uint8Array): { code: string; at: number } | undefined {
  const r = decodeSctpPacket(framedPacket(chunk));
  return r.ok ? undefined : { code: r.error.code, at: r.error.at - 12 };
}

/** `c` encoded alone, padding included. */
export function encodeOneChunk(c: Chunk): Uint8Array {
  const out = new Uint8Array(paddedChunkLength(c)).fill(0xee);
  const n = encodeChunkInto(out, 0, c);
  if (n !== out.length) throw new Error(`encodeChunkInto returned ${n}, not ${out.length}`);
  return out;
}
