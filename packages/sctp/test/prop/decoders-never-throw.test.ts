import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Chunk } from "../../src/wire/chunk.js";
import { sctpPacketCrc32c, writeSctpChecksum } from "../../src/wire/crc32c.js";
import { decodeDcepMessage, encodeDcepMessage } from "../../src/wire/dcep.js";
import { decodeWebRtcMessage } from "../../src/wire/ppid.js";
import { decodeSctpPacket, encodeSctpPacket, type SctpPacket } from "../../src/wire/sctp-packet.js";
import { DECODED_CHUNK_TYPES, dcepMessage, sctpPacket, u8, u32 } from "./chunk-arbitraries.js";

/** Short and long inputs both (fast-check's default size keeps arrays small). */
const bytes = fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.uint8Array({ maxLength: 600, size: "max" }));
const runs = { numRuns: 1000 };
const noCrc = { verifyChecksum: false } as const;

/**
 * What decodes must re-encode: encoding the decoded value and decoding that gives the same value
 * (octets the decoder ignores — reserved bits, padding contents, trailing octets — may differ).
 */
function reEncodes(value: SctpPacket): void {
  const again = decodeSctpPacket(encodeSctpPacket(value));
  if (!again.ok) throw new Error(`re-encoded packet fails: ${again.error.code} at ${again.error.at}`);
  expect(again.value.chunks).toEqual(value.chunks);
}

/** Every list the decoder built, counted: one entry per 4 octets at most, whatever the input says. */
function decodedEntries(chunks: readonly Chunk[]): number {
  let n = chunks.length;
  for (const c of chunks) {
    if (c.type === "init" || c.type === "init-ack" || c.type === "re-config") n += c.parameters.length;
    if (c.type === "abort" || c.type === "error") n += c.errorCauses.length;
    if (c.type === "sack") n += c.gapAckBlocks.length + c.duplicateTsns.length;
    if (c.type === "forward-tsn" || c.type === "i-forward-tsn") n += c.streams.length;
  }
  return n;
}

/** A common header and chunks with plausible types and Chunk Lengths but random contents. */
const chunkish = fc
  .record({
    type: fc.oneof(fc.constantFrom(...DECODED_CHUNK_TYPES), u8),
    flags: u8,
    body: fc.uint8Array({ maxLength: 80 }),
    lengthSkew: fc.oneof(fc.constant(0), fc.integer({ min: -6, max: 6 })),
  })
  .map(({ type, flags, body, lengthSkew }) => {
    const length = Math.max(0, 4 + body.length + lengthSkew);
    const out = new Uint8Array((4 + body.length + 3) & ~3);
    out.set([type, flags, (length >> 8) & 0xff, length & 0xff]);
    out.set(body, 4);
    return out;
  });
const structuredPacket = fc
  .record({ header: u32, chunks: fc.array(chunkish, { minLength: 1, maxLength: 5 }) })
  .map(({ header, chunks }) => {
    const total = 12 + chunks.reduce((n, c) => n + c.length, 0);
    const packet = new Uint8Array(total);
    packet.set([
      0x13,
      0x88,
      0x13,
      0x88,
      header >>> 24,
      (header >>> 16) & 0xff,
      (header >>> 8) & 0xff,
      header & 0xff,
    ]);
    let at = 12;
    for (const c of chunks) {
      packet.set(c, at);
      at += c.length;
    }
    writeSctpChecksum(packet, sctpPacketCrc32c(packet));
    return packet;
  });

describe("decoding arbitrary bytes never throws, and what decodes re-encodes", () => {
  it("random octets, CRC checked and not", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(decodeSctpPacket(b).ok).toBe(false); // a random CRC32c matches once in 2^32
        const r = decodeSctpPacket(b, noCrc);
        if (r.ok) reEncodes(r.value);
      }),
      runs,
    );
  });

  it("random chunks with plausible types and lengths behind a valid CRC", () => {
    fc.assert(
      fc.property(structuredPacket, (b) => {
        const r = decodeSctpPacket(b);
        if (!r.ok) return;
        reEncodes(r.value);
        expect(decodedEntries(r.value.chunks)).toBeLessThanOrEqual(b.length / 4);
      }),
      { numRuns: 3000 },
    );
  });

  it("valid packets cut short, extended, or with octets overwritten", () => {
    fc.assert(
      fc.property(
        sctpPacket,
        fc.array(fc.record({ at: fc.nat(), value: u8 }), { maxLength: 4 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 8 }),
        (packet, writes, cut, tail) => {
          const valid = encodeSctpPacket(packet);
          const b = new Uint8Array(Math.min(valid.length, 12 + (cut % valid.length)) + tail.length);
          b.set(valid.subarray(0, b.length - tail.length));
          b.set(tail, b.length - tail.length);
          for (const w of writes) if (b.length > 12) b[12 + (w.at % (b.length - 12))] = w.value;
          writeSctpChecksum(b, b.length >= 12 ? sctpPacketCrc32c(b) : 0);
          const r = decodeSctpPacket(b);
          if (!r.ok) return;
          reEncodes(r.value);
          expect(decodedEntries(r.value.chunks)).toBeLessThanOrEqual(b.length / 4);
        },
      ),
      runs,
    );
  });

  it("DCEP: random octets, and valid messages with octets overwritten", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const r = decodeDcepMessage(b);
        if (r.ok) expect(decodeDcepMessage(encodeDcepMessage(r.value))).toEqual(r);
      }),
      runs,
    );
    fc.assert(
      fc.property(dcepMessage, fc.nat(), u8, (m, at, value) => {
        const b = encodeDcepMessage(m);
        b[at % b.length] = value;
        const r = decodeDcepMessage(b);
        if (r.ok) expect(decodeDcepMessage(encodeDcepMessage(r.value))).toEqual(r);
      }),
      runs,
    );
  });

  it("PPIDs: any PPID and any user data", () => {
    fc.assert(
      fc.property(u32, bytes, (ppid, b) => {
        decodeWebRtcMessage(ppid, b);
      }),
      runs,
    );
  });
});
